"""Finding newcomers: the search, filters and orders of the coordinator's queue — one
definition for the queue page (`/coordinator`) and `GET /api/v1/newcomers`.

A search (`q`) finds a newcomer by the start of their first name or alias, the start of
their email, the last digits of their phone (however it was typed: spaces, dashes and
brackets are ignored) or their public reference. Matching reads stored search keys
(`Newcomer.name_key`, `email_key`, `phone_key`), folded here in Python so both back ends
agree (SQLite's `lower()` folds ASCII only): case and accents ignored, the phone's digits
stored backwards so "ends with" is a prefix. Each key is a range read of an index that
starts with the program (`ix_newcomers_*_key`), on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import Field, StringConstraints
from sqlalchemy import ColumnElement, String, and_, cast, false, or_

from mentormatch import profiles as p
from mentormatch import vocabulary as v
from mentormatch.i18n import N_
from mentormatch.newcomers.keys import fold, phone_key
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.profiles import Blank, Codes
from mentormatch.references import is_reference

Sort = Literal["queue", "newest", "name"]
SORTS: dict[str, str] = {
    "queue": N_("Urgent first, then waiting longest"),
    "newest": N_("Newest first"),
    "name": N_("Name"),
}
QUERY_MAX = 100
PHONE_TYPED = re.compile(r"[\d\s+().\-/]+")
FAMILY_CODES: dict[str, tuple[str, ...]] = {
    family.code: tuple(t.code for t in v.SUBSTANCES if t.family == family.code)
    for family in v.SUBSTANCE_FAMILIES
}


Family = Annotated[
    str,
    Codes(
        "SubstanceFamilyCode",
        FAMILY_CODES,
        N_("unknown substance family code %(value)s; see GET /api/v1/vocabulary"),
    ),
]
# Bounds on the value itself, not on "value or None" (an empty field is None by then).
Text = Annotated[str, StringConstraints(max_length=QUERY_MAX)]
Days = Annotated[int, Field(ge=0, le=36_500)]


@dataclass(frozen=True)
class NewcomerFilters:
    """What a coordinator asked the queue for; every field None means "any"."""

    q: str | None = None
    status: NewcomerStatus | None = None
    urgent: bool | None = None
    substance_family: str | None = None
    language: str | None = None
    pathway: str | None = None
    meeting_mode: str | None = None
    waited_days: int | None = None
    sort: Sort = "queue"


# The filters that narrow the queue beyond its status (a look-up by its reference sends
# them empty: the OpenAPI link from an intake to finding the record).
FILTERS_BESIDE_STATUS = tuple(
    f.name for f in fields(NewcomerFilters) if f.name not in {"status", "sort"}
)


def filters(
    q: Annotated[
        Text | None,
        Blank,
        Query(
            description="Start of a first name or alias, start of an email, the last digits "
            "of a phone (spaces and dashes ignored), or a public reference; case and "
            "accents ignored",
        ),
    ] = None,
    status: Annotated[NewcomerStatus | None, Blank, Query(description="Only this status")] = None,
    urgent: Annotated[
        bool | None, Blank, Query(description="Only urgent (true) or only not urgent (false)")
    ] = None,
    substance_family: Annotated[
        Family | None,
        Blank,
        Query(description="Only those naming a substance of this family (vocabulary)"),
    ] = None,
    language: Annotated[
        p.Language | None, Blank, Query(description="Only those speaking it")
    ] = None,
    pathway: Annotated[
        p.Pathway | None,
        Blank,
        Query(description="Only those who gave this pathway (main or other)"),
    ] = None,
    meeting_mode: Annotated[
        p.Mode | None, Blank, Query(description="Only those open to this way of meeting")
    ] = None,
    waited_days: Annotated[
        Days | None,
        Blank,
        Query(description="Only those waiting at least this many days"),
    ] = None,
    sort: Annotated[
        Sort | None,
        Blank,
        Query(
            description="queue (the default): urgent first, then waiting longest; newest "
            "first; name"
        ),
    ] = None,
) -> NewcomerFilters:
    """The queue's search and filters from a query string (API and page alike)."""
    return NewcomerFilters(
        q=(" ".join(q.split()) or None) if q else None,
        status=status,
        urgent=urgent,
        substance_family=substance_family,
        language=language,
        pathway=pathway,
        meeting_mode=meeting_mode,
        waited_days=waited_days,
        sort=sort or "queue",
    )


def _starts(column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range an index can read (byte order on both)."""
    after = prefix[:-1] + chr(min(ord(prefix[-1]) + 1, 0x10FFFF))
    return and_(column >= prefix, column < after)


def _holds(column: Any, codes: tuple[str, ...]) -> ColumnElement[bool]:
    """A JSON list of vocabulary codes holds one of `codes` (its text names it, quoted)."""
    text = cast(column, String)
    return or_(*(text.contains(f'"{code}"', autoescape=True) for code in codes))


def matching(q: str) -> ColumnElement[bool]:
    """Newcomers that a search for `q` finds."""
    found = []
    key = fold(q)
    if key:
        found += [_starts(Newcomer.name_key, key), _starts(Newcomer.email_key, key)]
    digits = phone_key(q)
    if digits and PHONE_TYPED.fullmatch(q):
        found.append(_starts(Newcomer.phone_key, digits))
    compact = re.sub(r"[\s-]", "", q)
    if is_reference(compact):
        found.append(Newcomer.reference == compact.upper())
    return or_(*found) if found else false()


def conditions(chosen: NewcomerFilters, *, now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE clauses for `chosen` (the program scope is the caller's)."""
    where: list[ColumnElement[bool]] = []
    if chosen.q:
        where.append(matching(chosen.q))
    if chosen.status is not None:
        where.append(Newcomer.status == chosen.status)
    if chosen.urgent is not None:
        where.append(Newcomer.urgent.is_(chosen.urgent))
    if chosen.substance_family:
        where.append(_holds(Newcomer.substances, FAMILY_CODES[chosen.substance_family]))
    if chosen.language:
        where.append(_holds(Newcomer.languages, (chosen.language,)))
    if chosen.pathway:
        where.append(_holds(Newcomer.pathways, (chosen.pathway,)))
    if chosen.meeting_mode:
        where.append(_holds(Newcomer.meeting_modes, (chosen.meeting_mode,)))
    if chosen.waited_days is not None:
        where.append(Newcomer.waiting_since <= now - timedelta(days=chosen.waited_days))
    return where


def order(sort: Sort) -> tuple[Any, ...]:
    """The ORDER BY of a sort; each ends with the id so pages never overlap."""
    if sort == "newest":
        return (Newcomer.created_at.desc(), Newcomer.id.desc())
    if sort == "name":
        return (Newcomer.name_key, Newcomer.id)
    # Urgent first, then those waiting longest (the order of `ix_newcomers_queue_order`).
    return (Newcomer.urgent.desc(), Newcomer.waiting_since, Newcomer.id)
