"""The coordinator's form for a mentor's profile: the fields a coordinator may change (the
API's `MentorUpdate` less status, which the mentor page's buttons change, and location),
saved through the mentor service; a mistake is shown by its field with nothing written."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.errors import Invalid, MentorMatchError
from mentormatch.mentors import service as mentors
from mentormatch.mentors.models import Mentor
from mentormatch.mentors.schemas import MentorUpdate
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/coordinator/mentors", route_class=WebRoute, include_in_schema=False)

# The fields of the profile form, as the coordinator's API update names them.
EDIT_FIELDS = (
    "first_name",
    "phone",
    "gender",
    "birth_year",
    "recovery_start",
    "capacity",
    "timezone",
    "languages",
    "meeting_modes",
    "substances",
    "pathways",
    "pathways_ruled_out",
    "mentee_genders",
    "lived_experience",
    "medication_affirming",
    "youth_vetted",
    "interests",
)


def _edit_page(
    request: Request,
    mentor: Mentor,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "coordinator/mentor_edit.html",
        {
            "mentor": mentor,
            "values": values,
            "errors": errors,
            "parts": forms.PARTS,
            "days": forms.DAYS,
            # The mentor's own zone stays offered when the short list lacks it.
            "timezones": forms.TIMEZONES
            + tuple((z, z) for z in {mentor.timezone} - {z for z, _ in forms.TIMEZONES}),
        },
        status_code=status_code,
    )


@router.get("/{mentor_id}/edit")
def edit_page(
    request: Request, mentor_id: RowId, me: CoordinatorPage, session: SessionDep
) -> Response:
    """The profile fields a coordinator may change, as stored."""
    mentor = mentors.get_mentor(session, actor=me, mentor_id=mentor_id)
    values = forms.values_from_record(mentor, EDIT_FIELDS)
    return _edit_page(request, mentor, values, {})


def _edit_data(form: FormData) -> dict[str, Any]:
    """The coordinator's update (MentorUpdate) from the profile form."""
    data: dict[str, Any] = {
        name: forms.one(form, name)
        for name in ("first_name", "phone", "gender", "birth_year", "recovery_start")
    }
    data |= {
        "version": forms.one(form, "version"),
        "capacity": forms.one(form, "capacity"),
        "timezone": forms.one(form, "timezone"),
        "availability": forms.slots_from_grid(forms.many(form, "availability")),
        "interests": forms.one(form, "interests") or "",
        "medication_affirming": forms.checked(form, "medication_affirming"),
        "youth_vetted": forms.checked(form, "youth_vetted"),
    }
    for name in (
        "languages",
        "meeting_modes",
        "substances",
        "pathways",
        "pathways_ruled_out",
        "mentee_genders",
        "lived_experience",
    ):
        data[name] = forms.many(form, name)
    return data


@router.post("/{mentor_id}/edit")
def edit_submit(
    request: Request,
    mentor_id: RowId,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Save through the mentor service: a mistake is shown by its field (422, or 409 for a
    stale version or a capacity below the current load) and nothing is written."""
    mentor = mentors.get_mentor(session, actor=me, mentor_id=mentor_id)
    values = forms.form_values(form)
    try:
        data = _edit_data(form)
    except Invalid as exc:
        return _edit_page(request, mentor, values, forms.domain_error(exc), status_code=422)
    body, errors = forms.validate(MentorUpdate, data)
    status_code = 422
    if body is not None:
        try:
            mentors.update_mentor(
                session, actor=me, mentor_id=mentor_id, body=body, settings=settings
            )
        except MentorMatchError as exc:
            if exc.status_code == 404:
                raise
            session.rollback()
            errors, status_code = forms.domain_error(exc), exc.status_code
            mentor = mentors.get_mentor(session, actor=me, mentor_id=mentor_id)
    if errors:
        if "location" in errors:  # the form has no location: adding in-person needs one
            errors = {"meeting_modes": errors.pop("location"), **errors}
        return _edit_page(request, mentor, values, errors, status_code=status_code)
    return redirect(f"/coordinator/mentors/{mentor_id}?done=edited")
