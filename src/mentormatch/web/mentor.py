"""Mentor pages: requests inbox (minimal view), accept/decline, pairings, own profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.aftercare import graduation, milestones
from mentormatch.deps import NowDep, RowId, SessionDep, SettingsDep
from mentormatch.error_words import lowered
from mentormatch.errors import Conflict, Invalid, MentorMatchError
from mentormatch.i18n import N_, said
from mentormatch.mentors import capacity
from mentormatch.mentors import service as mentors
from mentormatch.mentors.models import Mentor
from mentormatch.mentors.schemas import MentorSelfUpdate
from mentormatch.pairings import queries, requests, views
from mentormatch.pairings.models import PairingStatus
from mentormatch.pairings.schemas import DeclineReason
from mentormatch.web import forms, labels, life
from mentormatch.web.core import FormDep, MentorPage, WebRoute, redirect, render
from mentormatch.web.labels import label

router = APIRouter(prefix="/mentor", route_class=WebRoute, include_in_schema=False)

DECLINE_REASONS = DeclineReason.__args__  # type: ignore[attr-defined]
DECLINE_PAGE = "mentor/decline.html"
PROFILE_FIELDS = (
    "first_name",
    "phone",
    "mentee_genders",
    "languages",
    "timezone",
    "meeting_modes",
    "medication_affirming",
    "interests",
    "capacity",
    "paused",
)


def own_context(session: Session, me: Principal) -> dict[str, Any]:
    """The mentor's own time zone and load against capacity, shown on each of their pages."""
    mentor = session.get_one(Mentor, me.mentor_id)
    return {
        "zone": mentor.timezone,
        "zone_name": forms.zone_name(mentor.timezone),
        "load": capacity.loads(session, [mentor.id]).get(mentor.id, 0),
        "capacity": mentor.capacity,
        "decline_reasons": labels.choices("reason", DECLINE_REASONS),
    }


@router.get("")
def inbox(
    request: Request,
    me: MentorPage,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    done: str | None = None,
) -> Response:
    """Requests waiting for an answer, active pairings with contact details, past ones, and
    the mentor's own recovery milestones."""
    rows = queries.list_for_mentor(session, actor=me, settings=settings)
    mentor = session.get_one(Mentor, me.mentor_id)
    seen = [views.for_mentor(session, pairing=p, now=now) for p in rows]
    return render(
        request,
        "mentor/inbox.html",
        {
            "requests": [v for v in seen if v.status is PairingStatus.approved],
            "active": [v for v in seen if v.status is PairingStatus.active],
            "past": [
                v for v in seen if v.status not in (PairingStatus.approved, PairingStatus.active)
            ],
            "done": done,
            "milestones": milestones.standing_now(mentor.recovery_start, now, mentor.timezone),
            **own_context(session, me),
        },
    )


@router.get("/pairings/{pairing_id}")
def pairing_page(
    request: Request,
    pairing_id: RowId,
    me: MentorPage,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """One request or pairing (the page every email to a mentor links to), with its actions.

    Another mentor's pairing answers the same 404 as a missing one.
    """
    pairing = queries.get_pairing(session, actor=me, settings=settings, pairing_id=pairing_id)
    return render(
        request,
        "mentor/pairing.html",
        {
            "view": views.for_mentor(session, pairing=pairing, now=now),
            "graduated": graduation.graduated(session, pairing),
            **own_context(session, me),
            **life.mentor_context(request, session, pairing),
        },
    )


@router.post("/pairings/{pairing_id}/accept")
def accept(
    pairing_id: RowId, form: FormDep, me: MentorPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Say yes: capacity is rechecked by the pairing service."""
    requests.accept(session, actor=me, settings=settings, pairing_id=pairing_id)
    return redirect("/mentor?done=accepted")


@router.post("/pairings/{pairing_id}/decline")
def decline(
    request: Request,
    pairing_id: RowId,
    form: FormDep,
    me: MentorPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Say no, with a reason the mentor chose, after a second step that asks them to confirm;
    the newcomer goes back to the queue keeping their place."""
    reason = forms.text(form, "reason") or ""
    if reason not in DECLINE_REASONS:
        raise Invalid(N_("reason: choose why you decline from the list"), field="reason")
    note = forms.text(form, "note")
    if form.get("confirm") != "yes":
        pairing = queries.get_pairing(session, actor=me, settings=settings, pairing_id=pairing_id)
        view = views.for_mentor(session, pairing=pairing)
        if view.status is not PairingStatus.approved:
            raise Conflict(
                said(
                    "this request is %(status)s",
                    status=lowered(label(view.status, "pairing_status")),
                )
            )
        context = {"view": view, "reason": reason, "note": note or "", **own_context(session, me)}
        return render(request, DECLINE_PAGE, context)
    requests.decline(
        session, actor=me, settings=settings, pairing_id=pairing_id, reason=reason, note=note
    )
    return redirect("/mentor?done=declined")


def _profile_page(
    request: Request,
    session: Session,
    me: Principal,
    mentor: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    saved: bool,
) -> Response:
    return render(
        request,
        "mentor/profile.html",
        {
            **own_context(session, me),
            "mentor": mentor,
            "values": values,
            "errors": errors,
            "saved": saved,
            "parts": forms.PARTS,
            "days": forms.DAYS,
            "timezones": forms.TIMEZONES,
        },
        status_code=422 if errors else 200,
    )


@router.get("/profile")
def profile(request: Request, me: MentorPage, session: SessionDep) -> Response:
    """The mentor's own availability, capacity and preferences."""
    mentor = mentors.get_mentor(session, actor=me, mentor_id=me.mentor_id or 0)
    values = forms.values_from_record(mentor, PROFILE_FIELDS)
    return _profile_page(request, session, me, mentor, values, {}, saved=False)


@router.post("/profile")
def profile_submit(
    request: Request, form: FormDep, me: MentorPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Save through the mentor service (which refuses capacity below current load)."""
    values = forms.form_values(form)
    data = {
        "version": forms.text(form, "version"),
        "first_name": forms.text(form, "first_name"),
        "phone": forms.text(form, "phone"),
        "mentee_genders": forms.many(form, "mentee_genders"),
        "languages": forms.many(form, "languages"),
        "timezone": forms.text(form, "timezone"),
        "availability": forms.slots_from_grid(forms.many(form, "availability")),
        "meeting_modes": forms.many(form, "meeting_modes"),
        "medication_affirming": forms.checked(form, "medication_affirming"),
        "interests": forms.text(form, "interests") or "",
        "capacity": forms.text(form, "capacity"),
        "paused": forms.checked(form, "paused"),
    }
    mentor = mentors.get_mentor(session, actor=me, mentor_id=me.mentor_id or 0)
    body, errors = forms.validate(MentorSelfUpdate, data)
    if body is not None:
        try:
            mentor = mentors.update_mentor(
                session, actor=me, mentor_id=me.mentor_id or 0, body=body, settings=settings
            )
        except MentorMatchError as exc:
            session.rollback()
            errors = forms.domain_error(exc)
    if errors:
        return _profile_page(request, session, me, mentor, values, errors, saved=False)
    values = forms.values_from_record(mentor, PROFILE_FIELDS)
    return _profile_page(request, session, me, mentor, values, {}, saved=True)
