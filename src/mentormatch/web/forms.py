"""Turning HTML forms into service schemas and validation errors into plain words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from mentormatch import error_words, places
from mentormatch.deps import ROW_ID_MAX, digits
from mentormatch.errors import Invalid, MentorMatchError, NotFound
from mentormatch.i18n import N_, said
from mentormatch.programs.models import SLUG_PATTERN
from mentormatch.vocabulary import GENDER_CODES

# The weekly availability picker: a day x part-of-day grid of checkboxes.
PARTS: tuple[tuple[str, str, str, int, int], ...] = (
    ("morning", N_("Morning"), N_("6am-noon"), 6, 12),
    ("afternoon", N_("Afternoon"), N_("noon-5pm"), 12, 17),
    ("evening", N_("Evening"), N_("5-9pm"), 17, 21),
    ("night", N_("Late"), N_("9pm-midnight"), 21, 24),
)
DAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
TIMEZONES = (
    ("America/New_York", N_("Eastern (New York)")),
    ("America/Chicago", N_("Central (Chicago)")),
    ("America/Denver", N_("Mountain (Denver)")),
    ("America/Phoenix", N_("Arizona (Phoenix)")),
    ("America/Los_Angeles", N_("Pacific (Los Angeles)")),
    ("America/Anchorage", N_("Alaska (Anchorage)")),
    ("Pacific/Honolulu", N_("Hawaii (Honolulu)")),
    ("America/Puerto_Rico", N_("Atlantic (Puerto Rico)")),
    ("Europe/London", N_("UK (London)")),
    ("UTC", N_("UTC")),
)
_ZONE_NAMES = dict(TIMEZONES)

# A page's program filter: a program's slug, or empty for "all your programs" (the form's
# first choice sends an empty field).
ChosenProgram = Annotated[str | None, Query(pattern=f"^$|{SLUG_PATTERN}", max_length=40)]


def zone_name(zone: str) -> str:
    """A time zone as people say it: 'Eastern (New York)', else its IANA name in words."""
    return _ZONE_NAMES.get(zone) or zone.replace("_", " ")


MESSAGES = {
    "first_name": N_("Please tell us a first name or a nickname."),
    "gender": N_("Please choose the option that fits you best."),
    "birth_year": N_("Please enter the year you were born, for example 1990."),
    "languages": N_("Please choose at least one language."),
    "timezone": N_("Please choose your time zone."),
    "substances": N_("Please choose at least one. If none fit, choose “Other”."),
    "meeting_modes": N_("Please choose at least one way to meet."),
    "in_crisis": N_("Please answer yes or no."),
    "consent": N_("We need your agreement before we can keep your answers."),
    "email": N_("This does not look like an email address. Check it, or leave it empty."),
    "phone": N_(
        "Please give a phone number we can call, with its area code "
        "(or +country code for a number abroad), or leave it empty."
    ),
    "medication": N_("Please answer: choose “No medication” if you take none."),
    "pathways": N_(
        "Please choose from the list. “Undecided / exploring” cannot go with other paths: "
        "choose your main path above, or leave these empty."
    ),
    "recovery_start": N_("Please give a date that is not in the future, or leave it empty."),
    "location": N_(
        "For in-person meetings, please give your ZIP code or town and how far you can travel."
    ),
    "capacity": N_("Please choose a number from 0 to 10."),
    "travel_radius": N_(
        "Please give how far you can travel as a number, up to 500 km (310 miles)."
    ),
    "latitude": N_("Please give a latitude between -90 and 90."),
    "availability": N_("Please choose times from the grid."),
    "longitude": N_("Please give a longitude between -180 and 180."),
}
# Schema fields the forms ask under another name: the place as a ZIP code or town, the
# travel distance in the country's unit (converted to km).
FORM_NAMES = {"travel_radius_km": "travel_radius", "latitude": "postal_code"}
# Fields whose own rules say more than the message above (a name of invisible characters).
OWN_WORDS = frozenset({"first_name"})


def text(form: FormData, name: str) -> str | None:
    """A trimmed text field; None when empty or missing."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def one(form: FormData, name: str) -> str | None:
    """A trimmed field sent at most once: several values are refused (Invalid, 422 naming
    the field), never one of them picked silently."""
    if len(form.getlist(name)) > 1:
        raise Invalid(said("%(name)s: choose one value", name=name), field=name)
    return text(form, name)


def many(form: FormData, name: str) -> list[str]:
    """All values of a checkbox group."""
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def checked(form: FormData, name: str) -> bool:
    return form.get(name) == "yes"


def number(value: str | None) -> int | None:
    """The whole number a form field holds: ASCII digits 0-9 only (the one parser of form
    numbers); None for anything else, such as '²', '+1' or an empty field."""
    if value is None or not digits(value) or len(value) > 18:
        return None
    return int(value)


MAX_PAGE = 1_000_000


def words(field: str) -> str:
    """A field's name as words in a message ('history_page': 'history page')."""
    return field.replace("_", " ")


def page_number(raw: str | None, field: str = "page") -> int:
    """A list's page query parameter (`field`): a whole number from 1 (absent: 1)."""
    if raw is None:
        return 1
    value = number(raw)
    if value is None or not 1 <= value <= MAX_PAGE:
        raise Invalid(
            said(
                "%(field)s: a page number from 1 to %(most)s",
                field=words(field),
                most=MAX_PAGE,
            ),
            field=field,
        )
    return value


def page_count(page: int, total: int, per_page: int, field: str = "page") -> int:
    """How many pages `total` rows fill (at least one); a page past the last is a 404."""
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise NotFound(
            said(
                "%(field)s: there is no page %(page)s; the last is %(pages)s",
                field=words(field),
                page=page,
                pages=pages,
            ),
            field=field,
        )
    return pages


def row_ids(form: FormData, name: str) -> list[int]:
    """The ids a form sends under `name`; Invalid (422) naming the field for any other value."""
    ids = []
    for value in many(form, name):
        row = number(value)
        if row is None or not 1 <= row <= ROW_ID_MAX:
            raise Invalid(said("%(name)s: choose from the list on the page", name=name), field=name)
        ids.append(row)
    return ids


def row_id(form: FormData, name: str) -> int:
    """The one id a form sends under `name`; Invalid (422) naming the field otherwise."""
    ids = row_ids(form, name)
    if len(ids) != 1:
        raise Invalid(said("%(name)s: choose one from the list on the page", name=name), field=name)
    return ids[0]


def slots_from_grid(cells: Iterable[str]) -> list[dict[str, Any]]:
    """Grid cells such as '1-evening' as weekly Slot blocks (day 0 = Monday).

    A cell the grid does not have is passed on as `{"cell": ...}`, which the Slot schema
    refuses: the page then names `availability` instead of dropping the cell unseen.
    """
    bounds = {code: (start, end) for code, _, _, start, end in PARTS}
    slots: list[dict[str, Any]] = []
    for cell in sorted(set(cells)):
        text_day, _, part = cell.partition("-")
        day = number(text_day)
        if day is None or part not in bounds:
            slots.append({"cell": cell})
            continue
        start, end = bounds[part]
        slots.append({"day": day, "start_hour": start, "end_hour": end})
    return slots


def grid_from_slots(slots: Iterable[dict[str, int]]) -> list[str]:
    """The grid cells a stored availability touches."""
    cells = []
    for slot in slots:
        for code, _, _, start, end in PARTS:
            if slot["start_hour"] < end and slot["end_hour"] > start:
                cells.append(f"{slot['day']}-{code}")
    return sorted(set(cells))


def form_values(form: FormData) -> dict[str, Any]:
    """What was typed, to put back in the form after an error."""
    values: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = items if len(items) != 1 else items[0]
    return values


def field_of(loc: tuple[Any, ...], message: str) -> str:
    """The form field a validation error belongs to."""
    if not loc:
        if "postal_code" in message:
            return "postal_code"
        return "location" if "in-person" in message else "form"
    head = str(loc[0])
    return FORM_NAMES.get(head, head)


def plain_errors(exc: ValidationError) -> dict[str, str]:
    """One plain-language message per form field."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        name = field_of(tuple(error["loc"]), message)
        own = f"{name.replace('_', ' ').capitalize()} {message}."
        if error["type"] == "value_error" and name in OWN_WORDS:
            errors.setdefault(name, own)
        if name == "postal_code" and error["type"] == "value_error":
            # the place lookup says what is wrong, in words the catalog may translate
            own = error_words.form_sentence(error_words.own_reason(error), after_field=False)
            errors.setdefault(name, own)
        errors.setdefault(name, MESSAGES.get(name, message[:1].upper() + message[1:] + "."))
    return errors


def domain_error(exc: MentorMatchError) -> dict[str, str]:
    """A service's Invalid/Conflict error as a form error."""
    name = (exc.field or "form").split(".")[0]
    if name == "meeting_modes" and "in-person" in exc.message:
        name = "location"
    return {name: error_words.form_sentence(exc.message, after_field=bool(exc.field))}


def validate(schema: type[BaseModel], data: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    """The schema instance or the plain-language errors."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as exc:
        return None, plain_errors(exc)


def radius_km(form: FormData, country: str) -> Any:
    """The travel distance typed in the country's unit, in km; what was typed when it is
    not a number (the schema then refuses it, naming the field)."""
    typed = text(form, "travel_radius")
    if typed is None:
        return None
    if not re.fullmatch(r"[0-9]{1,4}(\.[0-9]{1,2})?", typed):
        return typed
    return round(places.to_km(float(typed), country), 3)


def profile_data(form: FormData, *, country: str) -> dict[str, Any]:
    """The newcomer profile fields of the intake and 'correct my answers' forms."""
    data: dict[str, Any] = {
        "first_name": text(form, "first_name"),
        "email": text(form, "email"),
        "phone": text(form, "phone"),
        "preferred_contact": text(form, "preferred_contact"),
        "share_contact": checked(form, "share_contact"),
        "gender": text(form, "gender"),
        "gender_pref": many(form, "gender_pref"),
        "birth_year": text(form, "birth_year"),
        "languages": many(form, "languages"),
        "timezone": text(form, "timezone"),
        "availability": slots_from_grid(many(form, "availability")),
        "substances": many(form, "substances"),
        "pathways": pathways(form),
        "medication": text(form, "medication"),
        "meeting_modes": many(form, "meeting_modes"),
        "postal_code": text(form, "postal_code"),
        "travel_radius_km": radius_km(form, country),
        "wanted_experience": many(form, "wanted_experience"),
        "lived_experience": many(form, "lived_experience"),
        "hopes": text(form, "hopes") or "",
        "recovery_start": text(form, "recovery_start"),
    }
    return data


def pathways(form: FormData) -> list[str]:
    """The main path (radio `pathway`) first, then the others ticked (boxes `pathways`); with
    no main path chosen, the first ticked counts as the main one."""
    main = text(form, "pathway")
    return list(dict.fromkeys([main, *many(form, "pathways")] if main else many(form, "pathways")))


def intake_data(form: FormData, *, consent_version: str, country: str) -> dict[str, Any]:
    """The NewcomerIntake body from the intake form."""
    data = profile_data(form, country=country)
    if checked(form, "same_gender") and data["gender"] in GENDER_CODES:
        # "A mentor of my own gender": the gender just given joins the preferred ones.
        data["gender_pref"] = list(dict.fromkeys([*data["gender_pref"], data["gender"]]))
    crisis = text(form, "in_crisis")
    if crisis in ("yes", "no"):
        data["in_crisis"] = crisis == "yes"
    data["consent"] = consent_data(form, consent_version=consent_version)
    return data


def consent_data(form: FormData, *, consent_version: str) -> dict[str, Any]:
    """The ConsentIn body from the consent boxes (intake, and finishing a minimal request)."""
    return {
        "agree": checked(form, "consent"),
        "version": consent_version,
        "share_with_mentor": checked(form, "share_with_mentor"),
        "share_milestones": checked(form, "share_milestones"),
    }


def urgent_data(form: FormData) -> dict[str, Any]:
    """The UrgentIntake body from the crisis box's form."""
    return {name: text(form, name) for name in ("first_name", "phone", "email")}


def place_values(record: Any, country: str) -> dict[str, str]:
    """The place and travel distance fields of a form, from a stored profile: the ZIP code
    nearest the stored location, the distance in the country's unit."""
    values = {}
    if record.latitude is not None and record.longitude is not None:
        values["postal_code"] = places.nearest(record.latitude, record.longitude, country) or ""
    if record.travel_radius_km is not None:
        values["travel_radius"] = str(places.from_km(record.travel_radius_km, country))
    return values


def values_from_record(record: Any, names: Iterable[str]) -> dict[str, Any]:
    """Form values from a stored profile (for the edit forms)."""
    values: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name, None)
        if value is None:
            continue
        if isinstance(value, bool):
            values[name] = "yes" if value else ""
        elif isinstance(value, list):
            values[name] = [str(x) for x in value]
        else:
            values[name] = str(value)
    values["availability"] = grid_from_slots(getattr(record, "availability", []) or [])
    return values
