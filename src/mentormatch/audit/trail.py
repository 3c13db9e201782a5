"""Reading the audit trail: a page of events matching a filter, newest first, with its total.

One query shape for every reader — a newcomer's own accounting of accesses, a record's
trail on a coordinator's page, the admin's search and its CSV export. Pages are read up to
an `as_of` time, so paging stays put while new events (reading the trail is one) arrive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Select, Table, and_, exists, func, select, true
from sqlalchemy.orm import Session

from mentormatch.audit.models import AuditEvent
from mentormatch.errors import Invalid
from mentormatch.i18n import N_, said

NEWEST_FIRST = (AuditEvent.at.desc(), AuditEvent.id.desc())
# Rows streamed per fetch by an export.
STREAM_BATCH = 1000


def _matching(where: ColumnElement[bool], as_of: datetime | None) -> ColumnElement[bool]:
    return and_(where, AuditEvent.at <= as_of) if as_of is not None else where


def count(session: Session, *, where: ColumnElement[bool], as_of: datetime | None) -> int:
    """How many events match `where`, up to `as_of`."""
    return session.scalar(select(func.count()).where(_matching(where, as_of))) or 0


def events(where: ColumnElement[bool], as_of: datetime | None) -> Select[AuditEvent]:
    """The events matching `where` up to `as_of`, newest first."""
    return select(AuditEvent).where(_matching(where, as_of)).order_by(*NEWEST_FIRST)


def page(
    session: Session,
    *,
    where: ColumnElement[bool],
    as_of: datetime | None,
    limit: int | None,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """A page of matching events, newest first, and how many match in all (`limit=None`:
    every one from `offset`)."""
    query = events(where, as_of).offset(offset)
    if limit is None:
        rows = list(session.scalars(query))
        return rows, offset + len(rows)
    rows = list(session.scalars(query.limit(limit)))
    if offset == 0 and len(rows) < limit:
        return rows, len(rows)  # the whole trail is on this page: no second query
    return rows, count(session, where=where, as_of=as_of)


def stream(session: Session, *, where: ColumnElement[bool], as_of: datetime) -> Iterator[Row[Any]]:
    """Every matching event's columns (rows, not entities: a fifth of the time), newest
    first, fetched `STREAM_BATCH` at a time."""
    query = (
        select(*cast(Table, AuditEvent.__table__).c)
        .where(_matching(where, as_of))
        .order_by(*NEWEST_FIRST)
        .execution_options(yield_per=STREAM_BATCH)
    )
    yield from session.execute(query)


@dataclass(frozen=True, slots=True)
class Filters:
    """An admin's search of the trail; `None` leaves a dimension open.

    `actor_id` goes with `actor_role` (a newcomer's id and an account's id can be equal).
    Dates are whole days in UTC, both ends included.
    """

    actor_role: str | None = None
    actor_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    since: date | None = None
    until: date | None = None
    outcome: str | None = None

    def where(self) -> ColumnElement[bool]:
        """The filter as a condition on audit events."""
        terms: list[ColumnElement[bool]] = []
        if self.actor_role is not None:
            terms.append(AuditEvent.actor_role == self.actor_role)
        if self.actor_id is not None:
            terms.append(AuditEvent.actor_id == self.actor_id)
        if self.action is not None:
            terms.append(AuditEvent.action == self.action)
        if self.object_type is not None:
            terms.append(AuditEvent.object_type == self.object_type)
        if self.object_id is not None:
            terms.append(AuditEvent.object_id == self.object_id)
        if self.outcome is not None:
            terms.append(AuditEvent.outcome == self.outcome)
        if self.since is not None:
            terms.append(AuditEvent.at >= start_of(self.since))
        if self.until is not None:
            terms.append(AuditEvent.at < start_of(self.until + timedelta(days=1)))
        return and_(true(), *terms)


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def recorded(session: Session, column: ColumnElement[str], value: str) -> bool:
    """Whether any event has `value` in `column` (an indexed lookup, one row at most)."""
    return bool(session.scalar(select(exists().where(column == value))))


def parse_day(raw: str | None, field: str) -> date | None:
    """A date written YYYY-MM-DD (blank: none); Invalid (422) naming `field` otherwise."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(
            said("%(field)s: not a date; write it as year-month-day, e.g. 2026-12-03", field=field),
            field=field,
        ) from None


def check_range(since: date | None, until: date | None) -> None:
    """Refuse a range that ends before it starts (422 naming `from`)."""
    if since is not None and until is not None and since > until:
        raise Invalid(N_("from: the first day comes after the last day"), field="from")
