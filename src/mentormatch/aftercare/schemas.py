"""The pairing life's schemas, one per audience: the mentor who logs, coordinators, the
newcomer (contacts, fit checks, starting again)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mentormatch.aftercare.models import ContactMode, FitAnswer
from mentormatch.profiles import Date, NoNul, NoNulSchema, PastDate

NOTE_MAX = 2000
MINUTES_MAX = 600
ContactNote = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX), NoNul, NoNulSchema
]

FitWord = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), NoNul, NoNulSchema
]


class ContactCreate(BaseModel):
    """A contact the mentor had with their mentee: a few taps, the note optional."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"contacted_on": "2026-12-01", "mode": "phone", "minutes": 30}]
        },
    )

    contacted_on: Date = Field(
        description="The day of the contact: not in the future (the mentor's time zone), "
        "not before the pairing began"
    )
    mode: ContactMode = Field(description="in_person, video, phone or text")
    minutes: int = Field(ge=1, le=MINUTES_MAX, description="Roughly how long, in minutes")
    note: ContactNote | None = Field(
        default=None,
        description="Optional, for the program's coordinators only: never sent by email, "
        "never shown to the newcomer",
    )


class ContactForMentor(BaseModel):
    """A logged contact as the mentor sees it: whether they left a note, not the note."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    contacted_on: date
    mode: ContactMode
    minutes: int
    has_note: bool
    created_at: datetime


class ContactForCoordinator(ContactForMentor):
    note: str | None


class WeekCount(BaseModel):
    week_of: date = Field(description="The Monday the week starts on")
    contacts: int


class Rhythm(BaseModel):
    """A pairing's recent rhythm: counts and dates only, the same for all three people."""

    weeks: list[WeekCount] = Field(description="Contacts per week, oldest first")
    in_window: int = Field(description="Contacts in those weeks")
    total: int = Field(description="Contacts since the pairing began")
    last_contact_on: date | None
    dates: list[date] = Field(description="The days of the contacts in those weeks, newest first")


class ContactPage(BaseModel):
    items: list[ContactForCoordinator] | list[ContactForMentor]
    total: int
    limit: int
    offset: int
    rhythm: Rhythm


class NewcomerRhythm(BaseModel):
    """What the newcomer sees of their active pairing's contacts: counts and dates."""

    active: bool = Field(description="Whether the newcomer has an active pairing")
    rhythm: Rhythm | None


class FitCheckBody(BaseModel):
    """One side's answer: a good fit, not sure yet, or not a fit; a word if they wish."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"answer": "good_fit"}]}
    )

    answer: FitAnswer = Field(description="good_fit, not_sure or not_a_fit")
    word: FitWord | None = Field(
        default=None, description="Optional, for the program's coordinators only"
    )


class FitCheckPublic(BaseModel):
    """An answer as the person who gave it sees it."""

    model_config = ConfigDict(from_attributes=True)

    side: str = Field(description="mentor or newcomer")
    answer: FitAnswer
    word: str | None
    answered_at: datetime


class FitCheckForCoordinator(FitCheckPublic):
    """An answer as the program's coordinators read it: with whether one of them kept the
    pairing after a "not a fit"."""

    kept_at: datetime | None = Field(
        description="When a coordinator kept the pairing after this 'not a fit' (else null)"
    )


class FitAnswerForNewcomer(BaseModel):
    """The newcomer's own fit-check answer, in their export (never the mentor's)."""

    pairing: int = Field(description="Its `number` in your export's pairings")
    answer: FitAnswer
    word: str | None
    answered_at: datetime


class CheckInForNewcomer(BaseModel):
    """One of the newcomer's own check-ins, in their export."""

    model_config = ConfigDict(from_attributes=True)

    answered_at: datetime
    feeling: int = Field(description="1 very hard to 5 very good")
    talked: bool | None = Field(description="Talked with their mentor that week (while paired)")
    in_danger: bool


class StartAgainIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"started_on": "2026-11-20"}]}
    )

    started_on: PastDate = Field(
        description="The day the new start began (YYYY-MM-DD, not in the future)"
    )


class EarlierDate(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    started_on: date = Field(description="A start date the newcomer replaced")
    replaced_at: datetime = Field(description="When they set a new one")


class StartedAgain(BaseModel):
    recovery_start: date = Field(description="Your recovery start date now")
    earlier: list[EarlierDate] = Field(description="The dates you replaced, newest first")
