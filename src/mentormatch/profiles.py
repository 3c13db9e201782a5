"""Field types shared by newcomer and mentor schemas: vocabulary codes, time zones, slots."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import available_timezones

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from mentormatch import phones
from mentormatch import vocabulary as v
from mentormatch.i18n import N_, Words, said
from mentormatch.programs.models import SLUG_PATTERN


class Codes:
    """A string from a fixed set: checked on input, and a named enum in the OpenAPI schema.

    The check keeps the friendly message (pointing at GET /api/v1/vocabulary); the enum
    lets clients, and the fuzzer, know the allowed values.
    """

    def __init__(self, name: str, codes: Iterable[str], message: str, **values: str) -> None:
        self.name = name
        self.codes = frozenset(codes)
        self.message = message  # a catalog's msgid with %(value)s, and `values` to fill in
        self.values = values

    def check(self, value: str) -> str:
        if value not in self.codes:
            raise ValueError(Words(self.message, None, value=repr(value), **self.values))
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.check, core_schema.str_schema(), ref=self.name
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        reference = handler(schema)
        handler.resolve_ref_schema(reference).update(title=self.name, enum=sorted(self.codes))
        return reference


def _member_of(name: str, codes: frozenset[str], what: str) -> Codes:
    return Codes(
        name, codes, N_("unknown %(what)s code %(value)s; see GET /api/v1/vocabulary"), what=what
    )


class _SchemaExtra:
    """Adds keywords to a type's JSON schema (what validation already enforces)."""

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(self.keywords)
        return json_schema


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in word)


# Email addresses are checked by email-validator, which refuses the special-use domains
# of RFC 6761 and friends (.test, .local, .onion…); the pattern says so in the schema.
_SPECIAL_USE = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
Email = Annotated[EmailStr, _SchemaExtra(pattern=rf"^(?!.*[@.](?:{_SPECIAL_USE})\.?$)")]


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


@cache
def timezones() -> frozenset[str]:
    """The IANA time zone names this system knows (what `TimeZone` accepts)."""
    return frozenset(available_timezones())


def _check_past(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError(N_("recovery start date cannot be in the future"))
    return value


def _no_nul(value: str) -> str:
    """PostgreSQL cannot store NUL in text, and no name or answer holds one: refused by name."""
    if "\x00" in value:
        raise ValueError(N_("must not contain NUL characters"))
    return value


# The check (with its plain message) and the same rule as a pattern in the JSON schema.
NoNul = AfterValidator(_no_nul)
NO_NUL_PATTERN = r"^[^\x00]*$"
NoNulSchema = _SchemaExtra(pattern=NO_NUL_PATTERN)


def _true_or_false(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError(N_("must be true or false"))
    return value


def _date_as_written(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise ValueError(N_("must be a date written YYYY-MM-DD"))


def blank_is_none(value: Any) -> Any:
    """A filter form sends every field; an empty one means "any" (no filter)."""
    return None if isinstance(value, str) and not value.strip() else value


# A filter left empty (blank or white space only) is None: no filter.
Blank = BeforeValidator(blank_is_none)
# A yes/no answer is true or false: never 0, 1 or "yes" taken for one.
Flag = Annotated[bool, BeforeValidator(_true_or_false)]
Agreed = Annotated[Literal[True], BeforeValidator(_true_or_false)]
# A date is a date written YYYY-MM-DD: never a number of seconds since 1970 (0 was 1970-01-01).
Date = Annotated[date, BeforeValidator(_date_as_written)]

# Whitespace (what stripping removes) and the Unicode format characters (category Cf: soft
# hyphen, zero-width space and joiners, direction marks, word joiner, tags…), as ranges of
# code points; a test checks FORMAT against Python's unicodedata.
_BLANK = ((0x09, 0x0D), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680),
          (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F),
          (0x3000, 0x3000))  # fmt: skip
FORMAT = ((0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F),
          (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F),
          (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF),
          (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438),
          (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
          (0xE0020, 0xE007F))  # fmt: skip
# Embedding, override and isolate controls: they reorder the text shown after them.
BIDI_CONTROLS = ((0x202A, 0x202E), (0x2066, 0x2069))
_INVISIBLE = frozenset(c for low, high in _BLANK + FORMAT for c in range(low, high + 1))
_BIDI = frozenset(c for low, high in BIDI_CONTROLS for c in range(low, high + 1))


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    """A regex character class body (Rust, fancy-regex and, via schemathesis, Python)."""
    return "".join(
        f"\\x{{{low:X}}}" + (f"-\\x{{{high:X}}}" if high > low else "") for low, high in ranges
    )


def _readable(value: str) -> str:
    if not any(ord(c) not in _INVISIBLE for c in value):
        raise ValueError(N_("must hold a visible character, not only invisible ones"))
    if any(ord(c) in _BIDI for c in value):
        raise ValueError(N_("must not hold characters that reverse the direction of the text"))
    return value


# A name shows at least one visible character and holds no NUL and no direction override
# or isolate (which would make it read differently on screen). Input is stripped of
# whitespace first; the pattern states the same rule in the schema.
_NAME_PATTERN = (
    f"^[^\\x{{0}}{_char_class(BIDI_CONTROLS)}]*[^\\x{{0}}{_char_class(_BLANK + FORMAT)}]"
    f"[^\\x{{0}}{_char_class(BIDI_CONTROLS)}]*$"
)
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    NoNul,
    AfterValidator(_readable),
    _SchemaExtra(pattern=_NAME_PATTERN),
]
# A phone number: libphonenumber's check (`phones.py`, with a message saying what to give);
# the pattern states its outline in the schema.
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=40),
    AfterValidator(phones.check),
    _SchemaExtra(pattern=r"^\+?[0-9()\-.][0-9 ()\-.]{4,28}[0-9()\-.]$"),
]
# A place as people write it: a ZIP code or a town with its state (`places.py`). Stripped,
# it must hold something: the pattern says so in the schema (no NUL, one non-blank).
PostalCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    NoNul,
    _SchemaExtra(pattern=f"^[^\\x{{0}}]*[^\\x{{0}}{_char_class(_BLANK)}][^\\x{{0}}]*$"),
]
# A program's address (/p/{slug}/): lower-case letters, digits and inner hyphens.
ProgramSlug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=SLUG_PATTERN, max_length=40),
    _SchemaExtra(format="program-slug"),
]
FreeText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), NoNul, NoNulSchema
]
Substance = Annotated[str, _member_of("SubstanceCode", v.SUBSTANCE_CODES, "substance")]
Pathway = Annotated[str, _member_of("PathwayCode", v.PATHWAY_CODES, "pathway")]
Medication = Annotated[str, _member_of("MedicationCode", v.MEDICATION_CODES, "medication")]
Mode = Annotated[str, _member_of("MeetingModeCode", v.MODE_CODES, "meeting mode")]
Gender = Annotated[str, _member_of("GenderCode", v.GENDER_CODES, "gender")]
Experience = Annotated[str, _member_of("ExperienceCode", v.EXPERIENCE_CODES, "lived-experience")]
Language = Annotated[str, _member_of("LanguageCode", v.LANGUAGE_CODES, "language")]
ContactMethod = Annotated[str, _member_of("ContactMethodCode", v.CONTACT_CODES, "contact method")]
TimeZone = Annotated[
    str,
    Codes(
        "TimeZone",
        timezones(),
        N_("unknown time zone %(value)s; use an IANA name such as 'America/Chicago'"),
    ),
]
PastDate = Annotated[Date, AfterValidator(_check_past)]
BirthYear = Annotated[int, Field(ge=1900, le=2100)]
OLDEST_AGE = 120  # a birth year further back is a typo
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


def _exploring_alone(values: list[str]) -> list[str]:
    if v.NOT_CHOSEN_PATHWAY in values and len(values) > 1:
        raise ValueError(
            said(
                "%(pathway)s (still exploring) cannot be given with other pathways",
                pathway=repr(v.NOT_CHOSEN_PATHWAY),
            )
        )
    return values


# A newcomer's pathways, in their order (the first is the main one): [] = not said,
# ["exploring"] = still exploring, never with another.
NewcomerPathways = Annotated[
    list[Pathway], Field(max_length=len(v.PATHWAYS)), _Unique, AfterValidator(_exploring_alone)
]


class Slot(BaseModel):
    """A weekly availability block in the person's own time zone: day 0 = Monday."""

    model_config = ConfigDict(extra="forbid")

    day: int = Field(ge=0, le=6, examples=[1])
    start_hour: int = Field(ge=0, le=23, examples=[18])
    end_hour: int = Field(ge=1, le=24, examples=[20])

    @model_validator(mode="after")
    def _ends_after_start(self) -> Slot:
        if self.end_hour <= self.start_hour:
            raise ValueError(N_("end_hour must be after start_hour"))
        return self


Slots = Annotated[list[Slot], Field(max_length=7 * 24)]


class _NullUndocumented:
    """Leaves `null` out of a field's JSON schema while the model still takes None."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        options = [o for o in json_schema.get("anyOf", []) if o != {"type": "null"}]
        if len(options) == 1:
            del json_schema["anyOf"]
            json_schema.update(options[0])
        return json_schema


T = TypeVar("T")
# A field of a partial update that cannot be empty: leave it out to keep the value. None
# means "not sent"; an explicit null is no value at all, so the schema does not offer it
# and the service answers 422 naming the field.
Omittable = Annotated[T | None, _NullUndocumented()]


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
            raise ValueError(
                said("%(missing)s required for in-person meetings", missing=", ".join(missing))
            )


def age_in(birth_year: int, today: date | None = None) -> int:
    """Age in whole years at most (birth year only, so at most one year high)."""
    return (today or datetime.now(UTC).date()).year - birth_year
