"""Mentor schemas, one per audience: coordinator create/update, the mentor's own view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from mentormatch import profiles as p
from mentormatch.i18n import N_

MENTOR_EXAMPLE: dict[str, Any] = {
    "email": "alex@example.org",
    "first_name": "Alex",
    "gender": "man",
    "mentee_genders": ["man"],
    "birth_year": 1980,
    "languages": ["en", "es"],
    "timezone": "America/New_York",
    "availability": [{"day": 1, "start_hour": 18, "end_hour": 21}],
    "substances": ["heroin", "alcohol"],
    "pathways": ["smart_recovery", "medication_supported"],
    "medication_affirming": True,
    "meeting_modes": ["video", "phone"],
    "interests": "Fishing, cooking, helping dads in early recovery",
    "recovery_start": "2018-03-01",
    "capacity": 2,
}


class _MentorFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: p.Name
    phone: p.Phone | None = None
    gender: p.Gender
    mentee_genders: p.GenderList = []
    birth_year: p.BirthYear
    languages: p.LanguageList
    timezone: p.TimeZone
    availability: p.Slots = []
    substances: p.SubstanceList
    pathways: p.PathwayList = []
    pathways_ruled_out: p.PathwayList = []
    medication_affirming: p.Flag = False
    meeting_modes: p.ModeList
    latitude: p.Latitude | None = None
    longitude: p.Longitude | None = None
    travel_radius_km: p.RadiusKm | None = None
    lived_experience: p.ExperienceList = []
    interests: p.FreeText = ""
    recovery_start: p.PastDate
    capacity: int = Field(default=2, ge=0, le=10)
    youth_vetted: p.Flag = False


class MentorCreate(_MentorFields):
    """A coordinator registers a vetted mentor and their account."""

    model_config = ConfigDict(json_schema_extra={"examples": [MENTOR_EXAMPLE]})

    email: p.Email
    program: p.ProgramSlug | None = Field(
        default=None,
        description="The program the mentor joins (its slug); may be left out by a "
        "coordinator of one program",
        examples=["main"],
    )

    @model_validator(mode="after")
    def _consistent(self) -> MentorCreate:
        p.check_location(self.meeting_modes, self.latitude, self.longitude, self.travel_radius_km)
        if set(self.pathways) & set(self.pathways_ruled_out):
            raise ValueError(N_("pathways_ruled_out overlaps pathways"))
        return self


class _MentorChanges(BaseModel):
    """The profile fields both a mentor and a coordinator may change; every one optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: p.Omittable[p.Name] = None
    phone: p.Phone | None = None
    mentee_genders: p.Omittable[p.GenderList] = None
    languages: p.Omittable[p.LanguageList] = None
    timezone: p.Omittable[p.TimeZone] = None
    availability: p.Omittable[p.Slots] = None
    pathways: p.Omittable[p.PathwayList] = None
    pathways_ruled_out: p.Omittable[p.PathwayList] = None
    medication_affirming: p.Omittable[p.Flag] = None
    meeting_modes: p.Omittable[p.ModeList] = None
    latitude: p.Latitude | None = None
    longitude: p.Longitude | None = None
    travel_radius_km: p.RadiusKm | None = None
    lived_experience: p.Omittable[p.ExperienceList] = None
    interests: p.Omittable[p.FreeText] = None
    capacity: p.Omittable[int] = Field(default=None, ge=0, le=10)
    paused: p.Omittable[p.Flag] = Field(
        default=None,
        description="Pause: no new requests; open requests are withdrawn and active pairings"
        " end (reason `mentor_left`), their newcomers back to waiting",
    )


class MentorSelfUpdate(_MentorChanges):
    """What a mentor may change in their own profile; `version`, if sent, must be current."""

    version: int | None = Field(default=None, ge=1)


class MentorUpdate(_MentorChanges):
    """What a coordinator may change; `version` guards against lost updates."""

    version: int = Field(ge=1, description="The version you read; a newer one answers 409")
    gender: p.Omittable[p.Gender] = None
    birth_year: p.Omittable[p.BirthYear] = None
    substances: p.Omittable[p.SubstanceList] = None
    recovery_start: p.Omittable[p.PastDate] = None
    vetted: p.Omittable[p.Flag] = None
    active: p.Omittable[p.Flag] = None
    youth_vetted: p.Omittable[p.Flag] = None


class MentorPublic(BaseModel):
    """A mentor's full profile: for coordinators and for the mentor themself."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    first_name: str
    phone: str | None
    gender: str
    mentee_genders: list[str]
    birth_year: int
    languages: list[str]
    timezone: str
    availability: list[p.Slot]
    substances: list[str]
    pathways: list[str]
    pathways_ruled_out: list[str]
    medication_affirming: bool
    meeting_modes: list[str]
    latitude: float | None
    longitude: float | None
    travel_radius_km: float | None
    lived_experience: list[str]
    interests: str
    recovery_start: date
    capacity: int
    load: int = Field(description="Approved + active pairings")
    vetted: bool
    active: bool
    paused: bool
    youth_vetted: bool
    version: int
    created_at: datetime
    updated_at: datetime


class MentorCreated(MentorPublic):
    invitation_expires_at: datetime = Field(
        description="The mentor was sent a single-use link to choose their password "
        "(through the outbox); it works until then"
    )


class MentorPage(BaseModel):
    items: list[MentorPublic]
    total: int
    limit: int
    offset: int


SearchText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), p.NoNul, p.NoNulSchema
]
MentorState = Literal["taking", "paused", "retired", "not_vetted"]
MentorSort = Literal["name", "newest", "free"]


class MentorFilters(BaseModel):
    """What the mentor list (page and API alike) finds, and in what order."""

    model_config = ConfigDict(extra="ignore")

    q: Annotated[SearchText | None, p.Blank] = Field(
        default=None,
        description="Part of the mentor's first name or account email, or the digits of "
        "their phone number (any case)",
        examples=["alex"],
    )
    free: Annotated[bool | None, p.Blank] = Field(
        default=None,
        description="true: only mentors with a free place for a new request (taking "
        "requests, load below capacity); false: only those without one",
    )
    language: Annotated[p.Language | None, p.Blank] = Field(
        default=None, description="Only mentors who speak this language (a code)", examples=["es"]
    )
    pathway: Annotated[p.Pathway | None, p.Blank] = Field(
        default=None, description="Only mentors who follow this recovery pathway (a code)"
    )
    substance: Annotated[p.Substance | None, p.Blank] = Field(
        default=None, description="Only mentors with lived experience of this substance (a code)"
    )
    status: Annotated[MentorState | None, p.Blank] = Field(
        default=None,
        description="taking: active, vetted and not paused; paused: active but paused; "
        "retired: no longer active; not_vetted: active but not (or no longer) vetted",
    )
    sort: Annotated[MentorSort, BeforeValidator(lambda v: p.blank_is_none(v) or "name")] = Field(
        default="name",
        description="name: by first name; newest: newest first; free: most free places first",
    )
