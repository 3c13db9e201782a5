"""Pairing schemas, one per audience: coordinator, mentor (minimal until accepted), newcomer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidatorFunctionWrapHandler, WrapValidator

from mentormatch.deps import RowId
from mentormatch.i18n import Words
from mentormatch.pairings.models import PairingStatus
from mentormatch.profiles import NoNul, NoNulSchema

Note = Field(default=None, max_length=500, description="Optional note for the coordinator")
NoteText = Annotated[str, NoNul, NoNulSchema]


def _keep_words(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    return value if isinstance(value, Words) else handler(value)


# Words the service wrote (`i18n.Words`), kept as they are so a page can translate them;
# a `str` like any other in JSON.
Said = Annotated[str, WrapValidator(_keep_words)]

RejectReason = Literal["not_a_fit", "newcomer_unavailable", "coordinator_judgement", "other"]
DeclineReason = Literal[
    "no_capacity", "schedule", "not_a_fit", "conflict_of_interest", "personal", "other"
]
EndReason = Literal[
    "completed",
    "not_a_fit",
    "no_contact",
    "newcomer_request",
    "mentor_unavailable",
    "safety",
    "boundary",
    "other",
]


class PairingCreate(BaseModel):
    """A coordinator approves a specific pair at once."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"newcomer_id": 1, "mentor_id": 1}]}
    )

    newcomer_id: RowId
    mentor_id: RowId
    note: NoteText | None = Note


class ApproveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: NoteText | None = Note


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RejectReason
    note: NoteText | None = Note


class DeclineBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: DeclineReason
    note: NoteText | None = Note


class EndBody(BaseModel):
    """Why the pairing ends; `safety` or `boundary` also adds a do-not-pair entry."""

    model_config = ConfigDict(extra="forbid")

    reason: EndReason
    note: NoteText | None = Note


class PairingEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    actor_role: str
    actor_id: int | None
    reason: str
    note: str | None
    at: datetime


class PairingPublic(BaseModel):
    """A pairing as the coordinator sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    newcomer_id: int
    mentor_id: int
    status: PairingStatus
    score: float | None
    components: dict[str, float]
    reasons: list[str]
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None


class PairingDetail(PairingPublic):
    events: list[PairingEventPublic]


class PairingPage(BaseModel):
    items: list[PairingPublic]
    total: int
    limit: int
    offset: int


class NewcomerContact(BaseModel):
    """What the newcomer agreed to share with their mentor once the pairing is active."""

    email: str | None
    phone: str | None
    preferred_contact: str | None


class NewcomerForMentor(BaseModel):
    """What a mentor sees of a newcomer (pairings/views.py). Health-related answers are
    null unless the newcomer agreed that a mentor who is asked may see them."""

    name: str = Field(description="First name if the newcomer agreed, else 'Newcomer {reference}'")
    shares_answers: bool = Field(
        description="Whether the newcomer agreed to share their first name and matched answers"
    )
    shared_substances: list[str] | None = Field(
        description="Substances you both have experience with (null unless shared)"
    )
    shared_substance_families: list[str] | None = Field(
        description="Substance families you both have experience with (null unless shared)"
    )
    pathway: str | None = Field(description="Their main recovery pathway (null unless shared)")
    pathways: list[str] | None = Field(
        description="Their recovery pathways, the main one first (null unless shared)"
    )
    schedule_overlap_hours: int
    schedule_overlap: Said = Field(description="When you are both free, in your time zone")
    shared_languages: list[str]
    shared_meeting_modes: list[str]
    wanted_experience: list[str] | None = Field(
        description="Lived experience they hoped to share (null unless shared)"
    )
    gender_pref: list[str] | None = Field(
        description="The mentor genders they asked for (null unless shared)"
    )


class MilestoneForMentor(BaseModel):
    """A mentee's next recovery milestone (aftercare/milestones.py)."""

    words: Said = Field(description="The milestone's name, such as '90 days' or '2 years'")
    on: date = Field(description="The day it falls on, in the newcomer's own time zone")
    days_to_go: int = Field(description="Days from today until it (0: today)")


class PairingForMentor(BaseModel):
    """A request or pairing as the mentor sees it; contact appears only after accepting."""

    id: int
    reference: str = Field(description="The request's public reference")
    status: PairingStatus
    created_at: datetime
    expires_at: datetime | None
    newcomer: NewcomerForMentor
    contact: NewcomerContact | None = None
    next_milestone: MilestoneForMentor | None = Field(
        default=None,
        description="Once active, and only if the newcomer agreed to share it: their next"
        " recovery milestone (or today's)",
    )
    redisclosure_notice: str


class MentorForNewcomer(BaseModel):
    """The newcomer's mentor, once the pairing is active."""

    first_name: str
    email: str | None
    phone: str | None


class UnplacedNewcomer(BaseModel):
    """A waiting newcomer the proposal left out, and why."""

    newcomer_id: int
    reference: str
    first_name: str
    program_id: int
    waited_days: int = Field(description="Whole days waited when the proposal was made")
    blocking_rule: str = Field(
        description="The hard rule that excludes the most mentors with a free place (a "
        "code, as in explanations), or 'capacity' when mentors fit but had no place for them"
    )
    reason: Said = Field(description="Why they were not placed, in words")
    why: Said = Field(
        description="One sentence: who, how long they waited, and why they were not placed"
    )


class ProposalSummary(BaseModel):
    placed: int
    total_score: float
    mean_score: float
    pairings: list[PairingPublic]
    unplaced: list[UnplacedNewcomer] = Field(description="Those left out, longest waiting first")
    summary: str = Field(
        description="The proposal in words, naming who waited longest of those left out and why"
    )


class OutboxMessagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    pairing_id: int | None
    recipient: str | None
    subject: str
    body: str
    created_at: datetime
    attempts: int
    last_error: str | None
    sent_at: datetime | None


class OutboxPage(BaseModel):
    items: list[OutboxMessagePublic]
    total: int
    limit: int
    offset: int
