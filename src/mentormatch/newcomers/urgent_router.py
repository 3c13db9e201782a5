"""Urgent-case routes: the open cases, and the record of reaching out to an urgent newcomer.

Coordinators only; notes stay with the coordinators and the newcomer (their export), never
mentors. Included before the newcomers router so `/urgent-cases` is not read as an id.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from mentormatch.accounts.dependencies import CoordinatorDep
from mentormatch.deps import NowDep, RowId, SessionDep
from mentormatch.errors import error_responses
from mentormatch.newcomers import service, urgent
from mentormatch.newcomers.models import Newcomer
from mentormatch.newcomers.urgent import Outcome

router = APIRouter(prefix="/api/v1/newcomers", tags=["urgent cases"])


class UrgentContactCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"outcome": "reached", "note": "Talked for 20 minutes; safe tonight."}]
        },
    )

    outcome: Outcome = Field(
        description="reached, no_answer, left_message, referred (to a crisis line or "
        "emergency services) or other"
    )
    note: str = Field(
        "",
        max_length=urgent.NOTE_MAX,
        description="For coordinators (and the newcomer's own export); never shown to mentors",
    )
    handled: StrictBool | None = Field(
        None,
        description="Whether this closes the urgent case; default true for `reached` only. "
        "Refused for no_answer and left_message.",
    )


class UrgentContactPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    contacted_at: datetime
    coordinator_id: int | None
    outcome: Outcome
    handled: bool
    note: str


class UrgentContacts(BaseModel):
    """How to reach the newcomer, and every attempt so far, oldest first."""

    newcomer_id: int
    urgent: bool
    handled: bool
    email: str | None
    phone: str | None
    preferred_contact: str | None
    urgent_contact_consent_at: datetime | None = Field(
        description="When they agreed to be contacted urgently (a minimal request), if so"
    )
    items: list[UrgentContactPublic]


class UrgentCase(BaseModel):
    newcomer_id: int
    reference: str
    first_name: str
    since: datetime = Field(description="The intake: an unanswered attempt does not reset it")
    waited_seconds: int
    attempts: int
    last_attempt_at: datetime | None
    last_outcome: Outcome | None


class UrgentCasePage(BaseModel):
    items: list[UrgentCase]
    total: int


@router.get("/urgent-cases", response_model=UrgentCasePage, responses=error_responses(401, 403))
def list_urgent_cases(
    coordinator: CoordinatorDep, session: SessionDep, now: NowDep
) -> UrgentCasePage:
    """Every urgent case nobody has reached yet, longest waiting since intake first (all of
    them: the list is never capped)."""
    cases = urgent.open_cases(session, actor=coordinator, now=now)
    return UrgentCasePage(
        items=[UrgentCase.model_validate(c, from_attributes=True) for c in cases],
        total=len(cases),
    )


def contacts_view(session: SessionDep, newcomer: Newcomer) -> UrgentContacts:
    contacts = urgent.contacts_of(session, newcomer.id)
    consent = urgent.consented_to_urgent_contact(newcomer)
    return UrgentContacts(
        newcomer_id=newcomer.id,
        urgent=newcomer.urgent,
        handled=urgent.is_handled(contacts),
        email=newcomer.email,
        phone=newcomer.phone,
        preferred_contact=newcomer.preferred_contact,
        urgent_contact_consent_at=consent.agreed_at if consent else None,
        items=[UrgentContactPublic.model_validate(c) for c in contacts],
    )


@router.get(
    "/{newcomer_id}/urgent-contacts",
    response_model=UrgentContacts,
    responses=error_responses(401, 403, 404, 422),
)
def read_urgent_contacts(
    newcomer_id: RowId, coordinator: CoordinatorDep, session: SessionDep
) -> UrgentContacts:
    """How to reach this newcomer and every recorded attempt (audited as a read)."""
    newcomer = service.get_for_coordinator(session, actor=coordinator, newcomer_id=newcomer_id)
    return contacts_view(session, newcomer)


@router.post(
    "/{newcomer_id}/urgent-contacts",
    response_model=UrgentContactPublic,
    status_code=201,
    responses=error_responses(401, 403, 404, 413, 422),
)
def add_urgent_contact(
    newcomer_id: RowId,
    body: UrgentContactCreate,
    coordinator: CoordinatorDep,
    session: SessionDep,
    now: NowDep,
) -> UrgentContactPublic:
    """Record that you reached out: the outcome, an optional note, and whether the case is
    handled (audited)."""
    contact = urgent.record_contact(
        session,
        actor=coordinator,
        newcomer_id=newcomer_id,
        outcome=body.outcome,
        note=body.note,
        handled=body.handled,
        now=now,
    )
    session.commit()
    return UrgentContactPublic.model_validate(contact)
