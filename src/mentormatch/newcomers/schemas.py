"""Newcomer schemas, one per audience: intake, self-service, coordinator."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mentormatch import profiles as p
from mentormatch.deps import RowId
from mentormatch.newcomers.location import LATITUDE, LONGITUDE, POSTAL_CODE, RADIUS, Place
from mentormatch.newcomers.models import NewcomerStatus
from mentormatch.pairings.schemas import MentorForNewcomer

INTAKE_EXAMPLE: dict[str, Any] = {
    "first_name": "Sam",
    "email": "sam@example.org",
    "preferred_contact": "text",
    "phone": "+1 312 555 2030",
    "share_contact": True,
    "gender": "man",
    "gender_pref": ["man"],
    "birth_year": 1990,
    "languages": ["en"],
    "timezone": "America/Chicago",
    "availability": [{"day": 1, "start_hour": 18, "end_hour": 21}],
    "substances": ["heroin"],
    "pathways": ["smart_recovery", "medication_supported"],
    "medication": "buprenorphine",
    "meeting_modes": ["video", "phone"],
    "wanted_experience": ["parent"],
    "hopes": "Someone who gets early mornings and being a dad",
    "recovery_start": "2026-10-01",
    "in_crisis": False,
    "consent": {"agree": True, "version": "2026-11", "share_with_mentor": True},
}

PATHWAYS_WORDS = (
    "The recovery pathways they follow or are curious about, the main one first (none: not "
    'said; ["exploring"]: still exploring, never with another)'
)
PATHWAYS: Any = Field(default=[], description=PATHWAYS_WORDS)
OLD_PATHWAY: Any = Field(
    default=None,
    description="Older form of `pathways`: the main pathway alone (on a correction it "
    "replaces the main one and keeps the others). Sent with `pathways`, it must equal its "
    "first",
)

PROGRAM = Field(
    default=None,
    description="The program asked to help (its address /p/{slug}/); may be left out "
    "when the installation runs one program",
    examples=["main"],
)


class ConsentIn(BaseModel):
    """The consent the intake form asks for; storing a profile requires `agree`."""

    model_config = ConfigDict(extra="forbid")

    agree: p.Agreed = Field(description="I agree that MentorMatch stores my answers")
    version: str = Field(min_length=1, max_length=20)
    share_with_mentor: p.Flag = Field(
        default=False, description="A proposed mentor may see my first name and matching answers"
    )
    share_milestones: p.Flag = Field(
        default=False,
        description="My mentor, once they have said yes, may see my next recovery milestone"
        " (its name and day, counted from my recovery start date) to celebrate it",
    )


class _ProfileFields(Place):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: p.Name
    email: p.Email | None = None
    phone: p.Phone | None = None
    preferred_contact: p.ContactMethod | None = None
    share_contact: p.Flag = False
    gender: p.Gender
    gender_pref: p.GenderList = []
    birth_year: p.BirthYear
    languages: p.LanguageList
    timezone: p.TimeZone
    availability: p.Slots = []
    substances: p.SubstanceList
    pathways: p.NewcomerPathways = PATHWAYS
    pathway: p.Pathway | None = OLD_PATHWAY
    medication: p.Medication = "none"
    meeting_modes: p.ModeList
    postal_code: p.PostalCode | None = POSTAL_CODE
    latitude: p.Latitude | None = LATITUDE
    longitude: p.Longitude | None = LONGITUDE
    travel_radius_km: p.RadiusKm | None = RADIUS
    lived_experience: p.ExperienceList = []
    wanted_experience: p.ExperienceList = []
    hopes: p.FreeText = ""
    recovery_start: p.PastDate | None = None


class NewcomerIntake(_ProfileFields):
    """The public intake form."""

    model_config = ConfigDict(json_schema_extra={"examples": [INTAKE_EXAMPLE]})

    in_crisis: p.Flag = Field(
        description="Are you in danger right now, or thinking about harming yourself?"
    )
    consent: ConsentIn
    program: p.ProgramSlug | None = PROGRAM

    @model_validator(mode="after")
    def _location_and_contact(self) -> NewcomerIntake:
        p.check_location(self.meeting_modes, self.latitude, self.longitude, self.travel_radius_km)
        return self


class UrgentIntake(BaseModel):
    """A minimal urgent request from someone in danger now: a name or alias and, if they
    wish, a way to reach them. Sending it is consent to be contacted urgently; the record
    is flagged urgent and is not matched until the intake is completed (PATCH /me)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"first_name": "Sam", "phone": "+1 312 555 2030"}]},
    )

    first_name: p.Name = Field(description="A first name or an alias")
    email: p.Email | None = None
    phone: p.Phone | None = None
    preferred_contact: p.ContactMethod | None = None
    program: p.ProgramSlug | None = PROGRAM


class NewcomerUpdate(Place):
    """What a newcomer may correct in their own profile; every field optional.

    A minimal urgent request is completed here: send every required answer (gender,
    birth_year, languages, timezone, substances, meeting_modes) and `consent` together.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: p.Omittable[p.Name] = None
    email: p.Email | None = None
    phone: p.Phone | None = None
    preferred_contact: p.ContactMethod | None = None
    share_contact: p.Omittable[p.Flag] = None
    gender: p.Omittable[p.Gender] = None
    gender_pref: p.Omittable[p.GenderList] = None
    birth_year: p.Omittable[p.BirthYear] = None
    languages: p.Omittable[p.LanguageList] = None
    timezone: p.Omittable[p.TimeZone] = None
    availability: p.Omittable[p.Slots] = None
    substances: p.Omittable[p.SubstanceList] = None
    pathways: p.Omittable[p.NewcomerPathways] = Field(default=None, description=PATHWAYS_WORDS)
    pathway: p.Pathway | None = OLD_PATHWAY
    medication: p.Omittable[p.Medication] = None
    meeting_modes: p.Omittable[p.ModeList] = None
    postal_code: p.PostalCode | None = POSTAL_CODE
    latitude: p.Latitude | None = LATITUDE
    longitude: p.Longitude | None = LONGITUDE
    travel_radius_km: p.RadiusKm | None = RADIUS
    lived_experience: p.Omittable[p.ExperienceList] = None
    wanted_experience: p.Omittable[p.ExperienceList] = None
    hopes: p.Omittable[p.FreeText] = None
    recovery_start: p.PastDate | None = None
    consent: p.Omittable[ConsentIn] = Field(
        default=None, description="Only to complete a minimal urgent request"
    )


class NewcomerCoordinatorUpdate(BaseModel):
    """What a coordinator may change; `version` guards against lost updates."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The version you read; a newer one answers 409")
    urgent: p.Omittable[p.Flag] = None
    status: p.Omittable[Literal["waiting", "closed"]] = None


class DoNotPairCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mentor_id: RowId
    reason: Literal["household", "workplace", "treatment_cohort", "past_pairing", "other"]


class DoNotPairPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    mentor_id: int
    reason: str
    created_at: datetime


class CrisisLink(BaseModel):
    label: str
    href: str = Field(description="A tap-to-call (tel:) or tap-to-text (sms:) link")


class CrisisResource(BaseModel):
    name: str
    contact: str
    region: str
    links: list[CrisisLink] = []


class ConsentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    scope: list[str]
    version: str
    agreed_at: datetime
    on_behalf: bool = Field(
        default=False,
        description="Entered by a coordinator on the person's behalf (a spreadsheet import)",
    )
    source: str | None = Field(default=None, description="Where it was entered from, if so")


class NewcomerProfile(BaseModel):
    """A newcomer's answers and where their request stands: their public reference, never
    the row id (which counts records)."""

    model_config = ConfigDict(from_attributes=True)

    reference: str = Field(description="Your reference, to quote when you talk to a coordinator")
    status: NewcomerStatus
    urgent: bool
    minimal: bool = Field(
        description="A minimal urgent request: not matched until the intake is completed"
    )
    waiting_since: datetime
    first_name: str
    email: str | None
    phone: str | None
    preferred_contact: str | None
    share_contact: bool
    gender: str | None
    gender_pref: list[str]
    birth_year: int | None
    languages: list[str]
    timezone: str | None
    availability: list[p.Slot]
    substances: list[str]
    pathways: list[str] = Field(description="Their recovery pathways, the main one first")
    pathway: str | None = Field(description="Their main pathway (the first of `pathways`)")
    medication: str
    meeting_modes: list[str]
    latitude: float | None
    longitude: float | None
    travel_radius_km: float | None
    lived_experience: list[str]
    wanted_experience: list[str]
    hopes: str
    recovery_start: date | None
    version: int
    created_at: datetime
    updated_at: datetime


class NewcomerSelf(NewcomerProfile):
    """A newcomer's own record, as they see it."""

    mentor: MentorForNewcomer | None = Field(
        default=None, description="Your mentor and how to reach them, once they have accepted"
    )


class NewcomerCreated(NewcomerSelf):
    """The intake answer: the record, the private status token (shown once) and resources."""

    status_token: str = Field(description="Keep this private: it opens your record")
    status_url: str
    crisis_resources: list[CrisisResource] = []
    crisis_notice: str | None = None


class Access(BaseModel):
    """One read or change of a newcomer's record: by which role, when, doing what."""

    at: datetime
    role: str = Field(description="newcomer, coordinator, mentor, admin or system; never a name")
    kind: Literal["read", "change"]
    action: str = Field(description="The audit trail's code for what was done")
    description: str
    pairing: int | None = Field(
        description="The pairing it concerned, if any: its `number` in your export's pairings"
    )
    outcome: str


class AccessPage(BaseModel):
    """A page of the accounting of accesses, newest first; `total` counts all up to `as_of`."""

    items: list[Access]
    total: int
    limit: int
    offset: int
    as_of: datetime = Field(description="Accesses recorded up to this time are counted")


class NewcomerForCoordinator(NewcomerSelf):
    id: int
    age: int | None
    consents: list[ConsentPublic]
    do_not_pair: list[DoNotPairPublic] = []


class NewcomerListItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    first_name: str
    status: NewcomerStatus
    urgent: bool
    waiting_since: datetime
    substances: list[str]
    languages: list[str]
    pathways: list[str] = Field(description="Their recovery pathways, the main one first")
    pathway: str | None = Field(description="Their main pathway (the first of `pathways`)")


class NewcomerPage(BaseModel):
    items: list[NewcomerListItem]
    total: int
    limit: int
    offset: int
