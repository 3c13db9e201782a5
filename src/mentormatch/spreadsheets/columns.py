"""Which column of a spreadsheet holds which answer, and how each cell is read.

A column is recognised by its header in any case and spacing (`First name`, `first_name`,
` FIRST NAME `) or by a common synonym (`Sobriety date`, `E-mail`, `Sex`); a coordinator
may choose another field, or none, for any column on the preview page. Each field has one
reader (`cells.py`) turning what people type into what the schemas take; the schemas
(`MentorCreate`, `NewcomerIntake`) then check every rule, as for the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic.fields import FieldInfo

from mentormatch.mentors.schemas import MentorCreate
from mentormatch.newcomers.schemas import NewcomerIntake
from mentormatch.spreadsheets import cells


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    read: Callable[[str], Any]
    synonyms: tuple[str, ...] = ()


def _text(raw: str) -> str:
    return cells.text(raw)


def _year(raw: str) -> int | float:
    return cells.number(raw)


def _code(vocabulary: str, raw: str) -> str:
    return cells.code(vocabulary, cells.text(raw))


def _common(vocab_list: str) -> Callable[[str], list[str]]:
    return partial(cells.codes, vocab_list)


_SHARED = (
    Field("external_id", "Your own id for the person", _text,
          ("id", "member id", "program id", "record id", "external id", "person id")),
    Field("first_name", "First name", _text,
          ("first", "firstname", "given name", "name", "first name or alias")),
    Field("phone", "Phone", _text, ("phone number", "mobile", "cell", "telephone", "tel")),
    Field("gender", "Gender", partial(_code, "gender"), ("sex",)),
    Field("birth_year", "Birth year", _year, ("year of birth", "yob", "born")),
    Field("languages", "Languages", _common("language"),
          ("language", "languages spoken", "speaks")),
    Field("timezone", "Time zone", _text, ("time zone", "tz")),
    Field("availability", "Weekly availability", cells.slots,
          ("available", "schedule", "weekly availability", "hours")),
    Field("substances", "Substances", _common("substance"),
          ("substance", "substance history", "drugs", "drug of choice")),
    Field("meeting_modes", "Ways of meeting", _common("mode"),
          ("meeting mode", "modes", "how to meet", "meeting preference", "ways of meeting")),
    Field("latitude", "Latitude", cells.number, ("lat",)),
    Field("longitude", "Longitude", cells.number, ("lon", "lng", "long")),
    Field("travel_radius_km", "Travel radius (km)", cells.number,
          ("travel radius", "radius", "radius km", "travel km")),
    Field("lived_experience", "Lived experience", _common("experience"),
          ("experience", "identity")),
    Field("recovery_start", "Recovery start date", cells.iso_date,
          ("sobriety date", "sober date", "clean date", "recovery date", "recovery start date",
           "date of recovery")),
)  # fmt: skip

MENTOR_FIELDS: tuple[Field, ...] = (
    Field("email", "Email", _text, ("e mail", "email address", "mail")),
    *_SHARED,
    Field("mentee_genders", "Mentee genders", _common("gender"),
          ("mentee gender", "mentee gender preference", "mentors genders")),
    Field("pathways", "Recovery pathways", _common("pathway"),
          ("pathway", "recovery pathway", "recovery pathways", "fellowship", "fellowships")),
    Field("pathways_ruled_out", "Pathways ruled out", _common("pathway"),
          ("ruled out", "not pathways", "excluded pathways")),
    Field("medication_affirming", "Medication-affirming", cells.yes_no,
          ("mat affirming", "moud affirming", "medication friendly", "supports medication")),
    Field("interests", "Interests", _text, ("hobbies", "about", "notes")),
    Field("capacity", "Capacity", cells.number, ("max mentees", "mentees", "slots")),
    Field("youth_vetted", "Vetted for youth", cells.yes_no, ("youth", "youth vetted")),
)  # fmt: skip

NEWCOMER_FIELDS: tuple[Field, ...] = (
    *_SHARED,
    Field("email", "Email", _text, ("e mail", "email address", "mail")),
    Field("preferred_contact", "Preferred contact", partial(_code, "contact"),
          ("contact method", "preferred contact method", "contact by")),
    Field("share_contact", "Contact may be shared with the mentor", cells.yes_no,
          ("share contact", "contact may be shared")),
    Field("shares_with_mentor", "Agrees a mentor may see their answers", cells.yes_no,
          ("share with mentor", "consent to share", "shares with mentor")),
    Field("gender_pref", "Mentor gender wanted", _common("gender"),
          ("gender preference", "mentor gender", "preferred mentor gender")),
    Field("pathways", "Recovery pathways (the main one first)", _common("pathway"),
          ("pathway", "recovery pathway", "recovery pathways", "fellowship", "fellowships")),
    Field("medication", "Medication", partial(_code, "medication"), ("mat", "moud")),
    Field("wanted_experience", "Experience wanted in a mentor", _common("experience"),
          ("wanted experience", "wants mentor with")),
    Field("hopes", "Hopes", _text, ("what i hope for", "goals", "notes")),
)  # fmt: skip

FIELDS = {"mentors": MENTOR_FIELDS, "newcomers": NEWCOMER_FIELDS}
# Fields renamed since a program may have saved a choice of columns naming them.
RENAMED = {"newcomers": {"pathway": "pathways"}, "mentors": {}}


def key(header: str) -> str:
    """A header as compared: any case, spacing, underscores or punctuation."""
    return re.sub(r"[^0-9a-z]+", " ", header.casefold()).strip()


def recognise(kind: str, header: str) -> str | None:
    """The field a column header names, by name, label or synonym; None if none."""
    wanted = key(header)
    for f in FIELDS[kind]:
        if wanted in (key(f.name), key(f.label), *(key(s) for s in f.synonyms)):
            return f.name
    return None


def by_name(kind: str) -> dict[str, Field]:
    return {f.name: f for f in FIELDS[kind]}


def required(kind: str) -> list[str]:
    """The fields a row must fill: those the schema itself requires (one rule, the API's)."""
    model = MentorCreate if kind == "mentors" else NewcomerIntake
    return [f.name for f in FIELDS[kind] if model.model_fields.get(f.name, _OPTIONAL).is_required()]


_OPTIONAL = FieldInfo(default=None)
