"""Contact pages: the mentor logs a contact from their pairing page and reads the whole log;
a coordinator reads a pairing's log with the mentor's notes and its rhythm."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.aftercare import contacts, fit
from mentormatch.aftercare.schemas import ContactCreate
from mentormatch.deps import RowId, SessionDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import N_
from mentormatch.pairings import views
from mentormatch.web import forms, life, people
from mentormatch.web.core import CoordinatorPage, FormDep, MentorPage, WebRoute, redirect, render
from mentormatch.web.mentor import own_context

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FIELDS = ("contacted_on", "mode", "minutes", "note")
MESSAGES = {
    "contacted_on": N_("Please give the day you were in touch, for example 2026-12-01."),
    "mode": N_("Please choose how you were in touch."),
    "minutes": N_("Please choose roughly how long it was."),
    "note": N_("Please keep the note under 2,000 characters."),
}
PER_PAGE = 25


def _errors(raw: dict[str, str]) -> dict[str, str]:
    """Plain words per field (a rule the service names keeps its own words)."""
    return {name: MESSAGES.get(name, message) for name, message in raw.items()}


@router.post("/mentor/pairings/{pairing_id}/contacts")
def log_contact(
    request: Request, pairing_id: RowId, form: FormDep, me: MentorPage, session: SessionDep
) -> Response:
    """Log a contact; the pairing page comes back with the problem named, or the log follows."""
    pairing = contacts.visible_pairing(session, actor=me, pairing_id=pairing_id)
    contacts.ensure_active(pairing)  # an ended pairing: its error page, not a hidden form
    data = {name: forms.text(form, name) for name in FIELDS}
    values = {name: value for name, value in data.items() if value is not None}
    body, errors = forms.validate(ContactCreate, data)
    errors = _errors(errors)
    twice = [name for name in FIELDS if len(form.getlist(name)) > 1]
    if twice:  # several values for one field: refused, never one of them picked silently
        errors = {twice[0]: N_("Please give one value.")}
    status_code = 422
    if not errors:
        try:
            contact = contacts.log_contact(
                session, actor=me, pairing_id=pairing_id, body=body, now=life.now_of(request)
            )
        except MentorMatchError as exc:
            if exc.status_code == 404 or exc.field == "status":
                raise
            session.rollback()
            status_code = exc.status_code
            errors = forms.domain_error(exc)
        else:
            return redirect(f"/mentor/pairings/{pairing_id}/contacts?logged={contact.id}")
    session.refresh(pairing)
    return render(
        request,
        "mentor/pairing.html",
        {
            "view": views.for_mentor(session, pairing=pairing),
            **own_context(session, me),
            **life.mentor_context(request, session, pairing, values=values, errors=errors),
        },
        status_code=status_code,
    )


@router.get("/mentor/pairings/{pairing_id}/contacts")
def mentor_log(
    request: Request,
    pairing_id: RowId,
    me: MentorPage,
    session: SessionDep,
    page: str | None = None,
    logged: RowId | None = None,
) -> Response:
    """Every contact logged on one of the mentor's pairings, latest first, a page at a time."""
    number = forms.page_number(page)
    pairing, rows, total = contacts.list_contacts(
        session, actor=me, pairing_id=pairing_id, limit=PER_PAGE, offset=(number - 1) * PER_PAGE
    )
    pages = forms.page_count(number, total, PER_PAGE)
    view = views.for_mentor(session, pairing=pairing)
    return render(
        request,
        "mentor/contacts.html",
        {
            "view": view,
            "rows": rows,
            "total": total,
            "page": number,
            "pages": pages,
            "first_shown": (number - 1) * PER_PAGE + 1,
            "logged": next((c for c in rows if c.id == logged), None),
            "rhythm": contacts.rhythm(session, pairing=pairing, now=life.now_of(request)),
            "mode_labels": dict(life.MODES),
            "minutes_label": life.minutes_label,
        },
    )


@router.get("/coordinator/pairings/{pairing_id}/contacts")
def coordinator_log(
    request: Request,
    pairing_id: RowId,
    me: CoordinatorPage,
    session: SessionDep,
    page: str | None = None,
) -> Response:
    """A pairing's contacts with the mentor's notes, and its recent rhythm."""
    number = forms.page_number(page)
    pairing, rows, total = contacts.list_contacts(
        session, actor=me, pairing_id=pairing_id, limit=PER_PAGE, offset=(number - 1) * PER_PAGE
    )
    pages = forms.page_count(number, total, PER_PAGE)
    return render(
        request,
        "coordinator/pairing_contacts.html",
        {
            "pairing": pairing,
            "newcomer": people.newcomers(session, [pairing.newcomer_id])[pairing.newcomer_id],
            "mentor": people.mentors(session, [pairing.mentor_id])[pairing.mentor_id],
            "rows": rows,
            "total": total,
            "page": number,
            "pages": pages,
            "first_shown": (number - 1) * PER_PAGE + 1,
            "rhythm": contacts.rhythm(session, pairing=pairing, now=life.now_of(request)),
            "mode_labels": dict(life.MODES),
            "minutes_label": life.minutes_label,
            "fit_checks": fit.read_answers(session, actor=me, pairing=pairing),
        },
    )
