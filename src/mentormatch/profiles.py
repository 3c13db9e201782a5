"""Field types shared by newcomer and mentor schemas: vocabulary codes, time zones, slots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from mentormatch import vocabulary as v


def _member_of(codes: frozenset[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in codes:
            raise ValueError(f"unknown {what} code {value!r}; see GET /api/v1/vocabulary")
        return value

    return AfterValidator(check)


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def _check_timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'America/Chicago'")
    return value


def _check_past(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError("recovery start date cannot be in the future")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()\-.]{6,30}$", max_length=40)
]
FreeText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Substance = Annotated[str, _member_of(v.SUBSTANCE_CODES, "substance")]
Pathway = Annotated[str, _member_of(v.PATHWAY_CODES, "pathway")]
Medication = Annotated[str, _member_of(v.MEDICATION_CODES, "medication")]
Mode = Annotated[str, _member_of(v.MODE_CODES, "meeting mode")]
Gender = Annotated[str, _member_of(v.GENDER_CODES, "gender")]
Experience = Annotated[str, _member_of(v.EXPERIENCE_CODES, "lived-experience")]
Language = Annotated[str, _member_of(v.LANGUAGE_CODES, "language")]
ContactMethod = Annotated[str, _member_of(v.CONTACT_CODES, "contact method")]
TimeZone = Annotated[str, AfterValidator(_check_timezone)]
PastDate = Annotated[date, AfterValidator(_check_past)]
BirthYear = Annotated[int, Field(ge=1900, le=2100)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
RadiusKm = Annotated[float, Field(gt=0, le=500)]


_Unique = AfterValidator(_unique)
_AtMost20 = Field(max_length=20)
_NonEmpty = Field(min_length=1, max_length=20)
GenderList = Annotated[list[Gender], _AtMost20, _Unique]
LanguageList = Annotated[list[Language], _NonEmpty, _Unique]
SubstanceList = Annotated[list[Substance], _NonEmpty, _Unique]
PathwayList = Annotated[list[Pathway], _AtMost20, _Unique]
ModeList = Annotated[list[Mode], _NonEmpty, _Unique]
ExperienceList = Annotated[list[Experience], _AtMost20, _Unique]


class Slot(BaseModel):
    """A weekly availability block in the person's own time zone: day 0 = Monday."""

    model_config = ConfigDict(extra="forbid")

    day: int = Field(ge=0, le=6, examples=[1])
    start_hour: int = Field(ge=0, le=23, examples=[18])
    end_hour: int = Field(ge=1, le=24, examples=[20])

    @model_validator(mode="after")
    def _ends_after_start(self) -> Slot:
        if self.end_hour <= self.start_hour:
            raise ValueError("end_hour must be after start_hour")
        return self


Slots = Annotated[list[Slot], Field(max_length=7 * 24)]


def hours_of_week(slots: Iterable[dict[str, int]]) -> list[int]:
    """Local hour-of-week indices (0 = Monday 00:00) covered by stored slots, sorted."""
    hours = {
        slot["day"] * 24 + hour
        for slot in slots
        for hour in range(slot["start_hour"], slot["end_hour"])
    }
    return sorted(hours)


def check_location(modes: Iterable[str] | None, lat: Any, lon: Any, radius: Any) -> None:
    """In-person meetings need a location and a travel radius."""
    if modes is not None and "in_person" in modes:
        missing = [
            name
            for name, value in (
                ("latitude", lat),
                ("longitude", lon),
                ("travel_radius_km", radius),
            )
            if value is None
        ]
        if missing:
            raise ValueError(f"{', '.join(missing)} required for in-person meetings")


def age_in(birth_year: int, today: date | None = None) -> int:
    """Age in whole years at most (birth year only, so at most one year high)."""
    return (today or datetime.now(UTC).date()).year - birth_year
