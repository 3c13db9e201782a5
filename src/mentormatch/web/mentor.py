"""Mentor pages: requests inbox (minimal view), accept/decline, pairings, own profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.errors import MentorMatchError
from mentormatch.mentors import service as mentors
from mentormatch.mentors.schemas import MentorSelfUpdate
from mentormatch.pairings import queries, requests, views
from mentormatch.pairings.models import PairingStatus
from mentormatch.pairings.schemas import DeclineReason
from mentormatch.web import forms, life
from mentormatch.web.core import FormDep, MentorPage, WebRoute, redirect, render

router = APIRouter(prefix="/mentor", route_class=WebRoute, include_in_schema=False)

DECLINE_REASONS = DeclineReason.__args__  # type: ignore[attr-defined]
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


@router.get("")
def inbox(
    request: Request,
    me: MentorPage,
    session: SessionDep,
    settings: SettingsDep,
    done: str | None = None,
) -> Response:
    """Requests waiting for an answer, active pairings with contact details, past ones."""
    rows = queries.list_for_mentor(session, actor=me, settings=settings)
    seen = [views.for_mentor(session, pairing=p) for p in rows]
    return render(
        request,
        "mentor/inbox.html",
        {
            "requests": [v for v in seen if v.status is PairingStatus.approved],
            "active": [v for v in seen if v.status is PairingStatus.active],
            "past": [
                v for v in seen if v.status not in (PairingStatus.approved, PairingStatus.active)
            ],
            "decline_reasons": DECLINE_REASONS,
            "done": done,
        },
    )


@router.get("/pairings/{pairing_id}")
def pairing_page(
    request: Request, pairing_id: RowId, me: MentorPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """One request or pairing (the page every email to a mentor links to), with its actions.

    Another mentor's pairing answers the same 404 as a missing one.
    """
    pairing = queries.get_pairing(session, actor=me, settings=settings, pairing_id=pairing_id)
    return render(
        request,
        "mentor/pairing.html",
        {
            "view": views.for_mentor(session, pairing=pairing),
            "decline_reasons": DECLINE_REASONS,
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
    pairing_id: RowId, form: FormDep, me: MentorPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Say no, with a reason; the newcomer goes back to the queue keeping their place."""
    reason = forms.text(form, "reason") or "other"
    if reason not in DECLINE_REASONS:
        reason = "other"
    requests.decline(
        session,
        actor=me,
        settings=settings,
        pairing_id=pairing_id,
        reason=reason,
        note=forms.text(form, "note"),
    )
    return redirect("/mentor?done=declined")


def _profile_page(
    request: Request, mentor: Any, values: dict[str, Any], errors: dict[str, str], saved: bool
) -> Response:
    return render(
        request,
        "mentor/profile.html",
        {
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
    return _profile_page(request, mentor, values, {}, saved=False)


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
        return _profile_page(request, mentor, values, errors, saved=False)
    return _profile_page(
        request, mentor, forms.values_from_record(mentor, PROFILE_FIELDS), {}, saved=True
    )
