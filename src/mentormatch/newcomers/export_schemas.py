"""The newcomer's own export: everything held about them, machine-readable
(`newcomers/export.py` builds it; `export_format` names the layout)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mentormatch.aftercare.schemas import CheckInForNewcomer, EarlierDate, FitAnswerForNewcomer
from mentormatch.newcomers.schemas import Access, ConsentPublic, NewcomerProfile


class AccessLog(BaseModel):
    total: int
    items: list[Access]


class PairingTransition(BaseModel):
    """One move of a pairing: when, from which status to which, by which role, why."""

    at: datetime
    from_status: str | None
    to_status: str
    by_role: str
    reason: str


class PairingHistory(BaseModel):
    number: int = Field(description="1 for your first pairing, 2 for the next…")
    status: str
    created_at: datetime
    updated_at: datetime
    mentor_first_name: str | None = Field(
        description="Shown only for a pairing the mentor accepted, as on the status page"
    )
    transitions: list[PairingTransition]


class DoNotPairForNewcomer(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    reason: str
    created_at: datetime


EXPORT_FORMAT: Literal[2] = 2


class UrgentContactForNewcomer(BaseModel):
    """A coordinator's attempt to reach the newcomer in an urgent case, by role only."""

    model_config = ConfigDict(from_attributes=True)

    contacted_at: datetime
    by_role: str = "coordinator"
    outcome: str
    handled: bool
    note: str


class CaseNoteForNewcomer(BaseModel):
    """A coordinator's note on the newcomer's case: when, by which role, about which pairing."""

    written_at: datetime
    by_role: str = Field(description="The author's role; never a name or an email")
    pairing: int | None = Field(
        description="The pairing it is about, if any: its `number` in your export's pairings"
    )
    text: str


class MilestoneNoteForNewcomer(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    words: str = Field(description="The milestone, such as '90 days'")
    reached_on: date
    at: datetime = Field(description="When the note was sent")


class ReminderForNewcomer(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    episode: int = Field(description="Your episode of care the window belongs to (1: the first)")
    window_name: str = Field(description="The follow-up window: baseline, 6 months, 1 year…")
    kind: str = Field(description="opened: the window opened; closing: once more before it closed")
    at: datetime = Field(description="When the reminder was sent")


class EpisodeForNewcomer(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int = Field(description="The episode's number (the intake began the first)")
    started_at: datetime = Field(description="When your closed request was reopened")
    previous_ended_on: date = Field(description="The day the care before it ended")


class AssessmentForNewcomer(BaseModel):
    instrument: str = Field(description="The questionnaire's code, such as barc10")
    total: int
    answers: dict[str, int] = Field(description="Each answer, by item code")
    taken_at: datetime
    entered_by_role: str = Field(description="newcomer (you) or coordinator (from a call)")


class NewcomerExport(BaseModel):
    """Everything held about a newcomer, machine-readable; `export_format` names the layout."""

    export_format: Literal[2] = EXPORT_FORMAT
    exported_at: datetime
    profile: NewcomerProfile
    consents: list[ConsentPublic]
    pairings: list[PairingHistory]
    do_not_pair: list[DoNotPairForNewcomer]
    urgent_contacts: list[UrgentContactForNewcomer] = []
    case_notes: list[CaseNoteForNewcomer] = Field(
        default=[], description="What coordinators wrote about your case, oldest first"
    )
    fit_answers: list[FitAnswerForNewcomer] = Field(
        default=[], description="Your answers to 'is your mentor a good fit?', oldest first"
    )
    check_ins: list[CheckInForNewcomer] = Field(
        default=[], description="Your check-ins ('how are things?'), oldest first"
    )
    earlier_recovery_dates: list[EarlierDate] = Field(
        default=[],
        description="Recovery start dates you replaced when you started again, newest first",
    )
    assessments: list[AssessmentForNewcomer] = Field(
        default=[], description="Your answers to questionnaires (BARC-10…), oldest first"
    )
    milestone_notes: list[MilestoneNoteForNewcomer] = Field(
        default=[], description="The milestone-day notes sent to you, oldest first"
    )
    followup_reminders: list[ReminderForNewcomer] = Field(
        default=[], description="The questionnaire reminders sent to you, oldest first"
    )
    episodes: list[EpisodeForNewcomer] = Field(
        default=[], description="Each time you came back after your care ended, oldest first"
    )
    accesses: AccessLog
