"""Mentor routes: the coordinator's register of mentors and the mentor's own profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from mentormatch.accounts.dependencies import CoordinatorDep, MentorDep
from mentormatch.deps import Limit, Offset, RowId, SessionDep, SettingsDep
from mentormatch.errors import error_responses
from mentormatch.mentors import capacity, service
from mentormatch.mentors.models import Mentor
from mentormatch.mentors.schemas import (
    MentorCreate,
    MentorCreated,
    MentorFilters,
    MentorPage,
    MentorPublic,
    MentorSelfUpdate,
    MentorUpdate,
)
from mentormatch.openapi import link

router = APIRouter(prefix="/api/v1/mentors", tags=["mentors"], responses=error_responses(401, 403))

_THIS_MENTOR = {"path.mentor_id": "$response.body#/id"}
_SAME_MENTOR = {"path.mentor_id": "$request.path.mentor_id"}
EDIT_LINKS = {
    "EditAgain": link(
        "mentors_update_mentor",
        "Change the profile, sending the version just read",
        parameters=_SAME_MENTOR,
        body={"version": "$response.body#/version"},
    ),
    "Retire": link(
        "mentors_update_mentor",
        "Take the mentor out of matching (mentors are never deleted: pairings keep history)",
        parameters=_SAME_MENTOR,
        body={"version": "$response.body#/version", "active": False},
    ),
}
CREATED_LINKS = {
    "Read": link("mentors_read_mentor", "Open the new profile", parameters=_THIS_MENTOR),
    "Edit": link(
        "mentors_update_mentor",
        "Change the new profile",
        parameters=_THIS_MENTOR,
        body={"version": "$response.body#/version"},
    ),
}


def to_public(session: Session, mentors: list[Mentor]) -> list[MentorPublic]:
    """Mentor profiles with their account email and current load."""
    ids = [m.id for m in mentors]
    load = capacity.loads(session, ids)
    email = service.emails(session, [m.user_id for m in mentors])
    return [
        MentorPublic.model_validate(
            {
                **{c: getattr(m, c) for c in MentorPublic.model_fields if hasattr(m, c)},
                "email": email[m.user_id],
                "load": load.get(m.id, 0),
            }
        )
        for m in mentors
    ]


@router.post(
    "",
    response_model=MentorCreated,
    status_code=201,
    responses={201: {"links": CREATED_LINKS}, **error_responses(404, 409, 413, 422)},
)
def create_mentor(
    body: MentorCreate, coordinator: CoordinatorDep, session: SessionDep, settings: SettingsDep
) -> MentorCreated:
    """Register a vetted mentor; they are sent a single-use link to choose their password."""
    mentor, email, expires_at = service.create_mentor(
        session, actor=coordinator, body=body, settings=settings
    )
    fields = {c: getattr(mentor, c) for c in MentorPublic.model_fields if hasattr(mentor, c)}
    return MentorCreated.model_validate(
        {**fields, "email": email, "load": 0, "invitation_expires_at": expires_at}
    )


@router.get("", response_model=MentorPage, responses=error_responses(422))
def list_mentors(
    coordinator: CoordinatorDep,
    session: SessionDep,
    filters: Annotated[MentorFilters, Query()],
    limit: Limit = 50,
    offset: Offset = 0,
) -> MentorPage:
    """A page of mentors with their load, and how many the search and filters find in all
    (`total`): search by name, email or phone (`q`), filter by free place, language,
    pathway, substance and status, sort by name, newest or most free places."""
    rows, total = service.list_mentors(
        session, actor=coordinator, filters=filters, limit=limit, offset=offset
    )
    return MentorPage(items=to_public(session, rows), total=total, limit=limit, offset=offset)


@router.get("/me", response_model=MentorPublic)
def read_own(me: MentorDep, session: SessionDep) -> MentorPublic:
    """Your own mentor profile."""
    mentor = service.get_mentor(session, actor=me, mentor_id=me.mentor_id or 0)
    return to_public(session, [mentor])[0]


@router.patch("/me", response_model=MentorPublic, responses=error_responses(409, 413, 422))
def update_own(
    body: MentorSelfUpdate, me: MentorDep, session: SessionDep, settings: SettingsDep
) -> MentorPublic:
    """Change your availability, capacity, preferences, or pause new requests."""
    mentor = service.update_mentor(
        session, actor=me, mentor_id=me.mentor_id or 0, body=body, settings=settings
    )
    return to_public(session, [mentor])[0]


@router.get(
    "/{mentor_id}",
    response_model=MentorPublic,
    responses={200: {"links": EDIT_LINKS}, **error_responses(404, 422)},
)
def read_mentor(mentor_id: RowId, coordinator: CoordinatorDep, session: SessionDep) -> MentorPublic:
    """One mentor's profile."""
    return to_public(
        session, [service.get_mentor(session, actor=coordinator, mentor_id=mentor_id)]
    )[0]


@router.patch(
    "/{mentor_id}",
    response_model=MentorPublic,
    responses={200: {"links": EDIT_LINKS}, **error_responses(404, 409, 413, 422)},
)
def update_mentor(
    mentor_id: RowId,
    body: MentorUpdate,
    coordinator: CoordinatorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> MentorPublic:
    """Edit a mentor's profile or status. Send the `version` you read."""
    mentor = service.update_mentor(
        session, actor=coordinator, mentor_id=mentor_id, body=body, settings=settings
    )
    return to_public(session, [mentor])[0]
