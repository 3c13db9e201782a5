"""Newcomer pages (public, no account): the private link, status and own data.

The intake itself is `web.intake`. Every page shows the newcomer's own program: its name
and its crisis resources (`programs.settings.effective`), never another program's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from mentormatch.accounts.dependencies import Public, principal_for_token
from mentormatch.accounts.models import Role
from mentormatch.aftercare import checkins, milestones
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.deps import NowDep, SessionDep, SettingsDep
from mentormatch.errors import Invalid, MentorMatchError
from mentormatch.i18n import N_
from mentormatch.newcomers import accounting, service
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.newcomers.router import export_own
from mentormatch.newcomers.schemas import NewcomerUpdate
from mentormatch.pairings import queries
from mentormatch.web import forms, life
from mentormatch.web.core import (
    NEWCOMER_COOKIE,
    FormDep,
    NewcomerPage,
    WebRoute,
    clear_cookie,
    redirect,
    render,
    set_cookie,
)
from mentormatch.web.intake import form_page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PROFILE_FIELDS = (
    "first_name",
    "email",
    "phone",
    "preferred_contact",
    "share_contact",
    "gender",
    "gender_pref",
    "birth_year",
    "languages",
    "timezone",
    "substances",
    "pathway",
    "medication",
    "meeting_modes",
    "lived_experience",
    "wanted_experience",
    "hopes",
    "recovery_start",
)
EDIT_PAGE = "newcomer/edit.html"
# The status page's list of who has seen or changed the record.
ACCESSES_PER_PAGE = 20
STEPS = (
    ("asked", N_("Request received")),
    ("matching", N_("Finding a mentor")),
    ("asking", N_("Mentor asked")),
    ("paired", N_("Paired with your mentor")),
)


@router.get("/welcome")
def welcome(
    request: Request, me: NewcomerPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """The confirmation: crisis resources first when needed, then the private link."""
    newcomer = service.get_own(session, principal=me)
    program, rules = service.program_of(session, newcomer, settings)
    token = request.cookies[NEWCOMER_COOKIE]
    return render(
        request,
        "newcomer/welcome.html",
        {
            "newcomer": newcomer,
            "program": program,
            "urgent": newcomer.urgent,
            "status_url": f"{settings.public_base_url}/s/{token}",
            **service.crisis_payload(rules),
        },
    )


@router.get("/s/{token}", dependencies=[Public])
def open_link(request: Request, token: str, session: SessionDep) -> Response:
    """The private link: swap the token in the address for a cookie, then show the status."""
    principal = principal_for_token(session, token)
    if principal is None or principal.role is not Role.newcomer:
        return render(request, "newcomer/need_link.html", status_code=404)
    response = redirect("/status")
    set_cookie(response, request, NEWCOMER_COOKIE, token)
    return response


def _step(newcomer: Newcomer, has_mentor: bool) -> int:
    if has_mentor or newcomer.status is NewcomerStatus.paired:
        return 3
    if newcomer.status is NewcomerStatus.pending:
        return 2
    return 1


def _as_of(raw: str | None) -> datetime | None:
    """The `as_of` query parameter: an ISO 8601 time with its zone, as the page links send."""
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise Invalid(
            N_("as_of: a date and time with its zone, as in the page's links"), field="as_of"
        )
    return value


@router.get("/status")
def status(
    request: Request,
    me: NewcomerPage,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    page: str | None = None,
    as_of: str | None = None,
    checked_in: str | None = None,
    shared: str | None = None,
    started_again: str | None = None,
) -> Response:
    """Where the newcomer is; their mentor once paired; their recovery milestones; a
    check-in; who has seen or changed the record.

    The list of accesses is paged; the links carry the first page's time (`as_of`), so the
    pages do not shift as new accesses, such as these very page views, are recorded."""
    notice = N_("Thank you for checking in.") if checked_in else None
    extra = {
        "notice": notice,
        "sharing_saved": bool(shared),
        "start_again_saved": bool(started_again),
    }
    return status_page(request, me, session, settings, now, page=page, as_of=as_of, extra=extra)


def status_page(
    request: Request,
    me: Any,
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    page: str | None = None,
    as_of: str | None = None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The status page; the check-in form re-renders it with its answer or its errors."""
    number, until = forms.page_number(page), _as_of(as_of)
    newcomer = service.get_own(session, principal=me)
    program, rules = service.program_of(session, newcomer, settings)
    mentor = queries.mentor_for_newcomer(
        session, newcomer_id=me.newcomer_id or 0, settings=settings
    )
    until = until or utcnow()
    accesses, total = accounting.accesses(
        session,
        newcomer=newcomer,
        as_of=until,
        limit=ACCESSES_PER_PAGE,
        offset=(number - 1) * ACCESSES_PER_PAGE,
    )
    pages = forms.page_count(number, total, ACCESSES_PER_PAGE)
    return render(
        request,
        "newcomer/status.html",
        {
            "newcomer": newcomer,
            "program": program,
            "mentor": mentor,
            "steps": STEPS,
            "step_index": _step(newcomer, mentor is not None),
            "accesses": accesses,
            "accesses_total": total,
            "page": number,
            "as_of": until.isoformat(),
            "pages": pages,
            "first_shown": (number - 1) * ACCESSES_PER_PAGE + 1,
            "role_labels": accounting.ROLE_LABELS,
            "milestones": milestones.standing_now(newcomer.recovery_start, now, newcomer.timezone),
            **service.crisis_payload(rules),
            **life.newcomer_context(request, session, me),
            **life.newcomer_own(session, newcomer, now),
            "check_in": {
                "open": newcomer.status is not NewcomerStatus.closed,
                "paired": mentor is not None,
                "feelings": [(str(k), words) for k, words in checkins.FEELINGS.items()],
                "latest": checkins.latest(session, newcomer.id),
                "values": {},
                "errors": {},
            },
            **(extra or {}),
        },
        status_code=status_code,
    )


YES_NO = {"yes": True, "no": False}
CHECK_IN_WORDS = {
    "feeling": N_("Please choose how things are, from very hard to very good."),
    "talked": N_("Please answer yes or no."),
    "in_danger": N_("Please answer: are you in danger right now?"),
}


@router.post("/status/check-in")
def check_in(
    request: Request,
    form: FormDep,
    me: NewcomerPage,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """The check-in form: a danger "yes" shows the crisis resources first, at once, with word
    that the program's coordinators were asked to reach them; errors are shown by the form,
    what was chosen kept."""
    values: dict[str, str] = {}
    try:
        for name in ("feeling", "talked", "in_danger"):
            values[name] = forms.one(form, name) or ""
        body, errors = forms.validate(
            checkins.CheckInBody,
            {
                "feeling": forms.number(values["feeling"]) if values["feeling"] else None,
                "talked": YES_NO.get(values["talked"], values["talked"] or None),
                "in_danger": YES_NO.get(values["in_danger"], values["in_danger"] or None),
            },
        )
        errors = {name: CHECK_IN_WORDS.get(name, words) for name, words in errors.items()}
        if not errors:
            row = checkins.record(session, actor=me, body=body, now=now, settings=settings)
    except MentorMatchError as exc:
        errors = forms.domain_error(exc)
    if errors:
        session.rollback()
        return status_page(
            request, me, session, settings, now, status_code=422,
            extra={"check_in_errors": errors, "check_in_values": values,
                   "check_in_refused": True},
        )  # fmt: skip
    session.commit()
    if not row.in_danger:
        return redirect("/status?checked_in=1#check-in")
    return status_page(request, me, session, settings, now, extra={"in_danger_now": True})


@router.get("/status/edit")
def edit_form(
    request: Request, me: NewcomerPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """The newcomer's answers, ready to correct."""
    newcomer = service.get_own(session, principal=me)
    program, rules = service.program_of(session, newcomer, settings)
    values = forms.values_from_record(newcomer, PROFILE_FIELDS)
    values["pathways"] = newcomer.pathways[1:]  # the main one is the `pathway` radio
    values |= forms.place_values(newcomer, settings.country)
    if newcomer.minimal:
        values.pop("medication", None)  # nothing answered for them
    return form_page(
        request,
        EDIT_PAGE,
        values,
        {},
        program=program,
        rules=rules,
        saved=False,
        minimal=newcomer.minimal,
    )


@router.post("/status/edit")
def edit_submit(
    request: Request, form: FormDep, me: NewcomerPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Save corrections through the newcomer service."""
    values = forms.form_values(form)
    completing = forms.checked(form, "completing")
    program, rules = service.own_program(session, principal=me, settings=settings)
    data = forms.profile_data(form, country=settings.country)
    if completing:
        data["consent"] = forms.consent_data(form, consent_version=settings.consent_version)
    body, errors = forms.validate(NewcomerUpdate, data)
    if completing and data["medication"] is None:
        body, errors = None, {**errors, "medication": forms.MESSAGES["medication"]}
    if body is None:
        return form_page(
            request, EDIT_PAGE, values, errors, program=program, rules=rules, minimal=completing
        )
    try:
        newcomer = service.update_own(session, principal=me, body=body, settings=settings)
    except MentorMatchError as exc:
        errors = forms.domain_error(exc)
        return form_page(
            request, EDIT_PAGE, values, errors, program=program, rules=rules, minimal=completing
        )
    if completing:
        return redirect("/status")
    return form_page(
        request,
        EDIT_PAGE,
        values,
        {},
        program=program,
        rules=rules,
        saved=True,
        minimal=newcomer.minimal,
    )


@router.get("/status/export")
def export(me: NewcomerPage, session: SessionDep) -> Response:
    """Download everything held, as the API's export does."""
    return export_own(me, session)


@router.get("/status/delete")
def delete_form(request: Request, me: NewcomerPage) -> Response:
    """Ask before erasing."""
    return render(request, "newcomer/delete.html")


@router.post("/status/delete")
def delete_submit(
    request: Request, form: FormDep, me: NewcomerPage, session: SessionDep
) -> Response:
    """Erase the record and forget the cookie."""
    service.erase_own(session, principal=me)
    response = render(request, "newcomer/deleted.html")
    clear_cookie(response, request, NEWCOMER_COOKIE)
    return response


@router.post("/status/leave", dependencies=[Public])
def leave(request: Request, form: FormDep) -> Response:
    """Forget the private link on this device (a shared phone, a library computer)."""
    response = redirect("/")
    clear_cookie(response, request, NEWCOMER_COOKIE)
    return response
