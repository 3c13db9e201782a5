"""The admin's search of the audit trail: filters as typed, checked, and the CSV export.

The page (`web.admin_audit`) and the API (`GET /api/v1/audit`) take the same filters and
refuse a bad one the same way: 422 naming the field, never a 500 and never a silently empty
answer for a typo (an action or kind of record neither known here nor ever recorded).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User, normalise_email
from mentormatch.audit import trail, words
from mentormatch.audit.models import AuditEvent
from mentormatch.deps import ROW_ID_MAX, digits
from mentormatch.error_words import as_words
from mentormatch.errors import Invalid
from mentormatch.i18n import N_, Words, said

PER_PAGE = 50
# The most events one CSV export holds; a search matching more is refused, naming how many
# matched (narrow it by dates or another filter) — never cut short silently.
EXPORT_MAX = 100_000
# The filters in the order the page shows them: parameter -> label.
LABELS = {
    "actor": N_("Who (account email)"),
    "role": N_("Role"),
    "action": N_("Action"),
    "object_type": N_("Kind of record"),
    "object_id": N_("Record number"),
    "outcome": N_("Outcome"),
    "since": N_("From"),
    "until": N_("To"),
}
CSV_COLUMNS = (
    "at",
    "actor_role",
    "actor_id",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "client",
)


def _bad(field: str, message: str) -> Invalid:
    """A filter refused, named by its label (both translatable)."""
    return Invalid(
        said("%(label)s: %(problem)s", label=Words(LABELS[field]), problem=as_words(message)),
        field=field,
    )


def _known(session: Session, column: Any, value: str, listed: dict[str, str]) -> bool:
    return value in listed or trail.recorded(session, column, value)


def filters(
    session: Session,
    *,
    actor: str = "",
    role: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str = "",
    since: str = "",
    until: str = "",
) -> trail.Filters:
    """The search as typed (blank: any), checked; Invalid (422) naming the first bad field."""
    actor, role, action = actor.strip(), role.strip(), action.strip()
    object_type, object_id, outcome = object_type.strip(), object_id.strip(), outcome.strip()
    actor_role: str | None = None
    actor_id: int | None = None
    if actor:
        if len(actor) > 254:
            raise _bad("actor", N_("at most 254 characters"))
        found = session.execute(
            select(User.id, User.role).where(User.email == normalise_email(actor))
        ).first()
        if found is None:
            raise _bad("actor", N_("no account has this email"))
        actor_id, actor_role = found[0], str(found[1])
    if role:
        if role not in words.ROLES:
            raise _bad("role", N_("choose one of the roles listed"))
        if actor_role is not None and role != actor_role:
            raise _bad(
                "role",
                said(
                    "the account chosen is a %(actual)s, not a %(role)s",
                    actual=actor_role,
                    role=role,
                ),
            )
        actor_role = role
    if action and (
        len(action) > 120 or not _known(session, AuditEvent.action, action, words.ACTIONS)
    ):
        raise _bad("action", N_("no such action; choose one from the list"))
    if object_type and (
        len(object_type) > 40
        or not _known(session, AuditEvent.object_type, object_type, words.OBJECT_TYPES)
    ):
        raise _bad("object_type", N_("no such kind of record; choose one from the list"))
    if object_id and not (
        digits(object_id) and len(object_id) <= 10 and 1 <= int(object_id) <= ROW_ID_MAX
    ):
        raise _bad("object_id", said("a whole number from 1 to %(most)s", most=ROW_ID_MAX))
    if outcome and outcome not in words.OUTCOMES:  # not indexed: the listed ones only
        raise _bad("outcome", N_("no such outcome; choose one from the list"))
    first = _day(since, "since")
    last = _day(until, "until")
    if first is not None and last is not None and first > last:
        raise _bad("since", N_("the first day comes after the last day"))
    return trail.Filters(
        actor_role=actor_role,
        actor_id=actor_id,
        action=action or None,
        object_type=object_type or None,
        object_id=int(object_id) if object_id else None,
        outcome=outcome or None,
        since=first,
        until=last,
    )


def _day(raw: str, field: str) -> date | None:
    try:
        return trail.parse_day(raw, field)
    except Invalid:
        raise _bad(field, N_("not a date; write it as year-month-day, e.g. 2026-12-03")) from None


def as_of(raw: str) -> datetime | None:
    """A page's `as_of` (the first page's time, carried by the paging links), or None."""
    if not raw.strip():
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid(N_("as_of: not a time; use the links to page"), field="as_of") from None
    if moment.tzinfo is None:
        raise Invalid(N_("as_of: a time with its offset from UTC, e.g. +00:00"), field="as_of")
    return moment.astimezone(UTC)


def neutralised(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ (or a tab or
    carriage return) is prefixed with an apostrophe, so it is never run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(session: Session, *, where: ColumnElement[bool], as_of: datetime) -> Iterator[str]:
    """The matching events as CSV, a header then one line per event, newest first; the
    accounts' emails are looked up a batch at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield take()
    batch: list[Row[Any]] = []
    for event in trail.stream(session, where=where, as_of=as_of):
        batch.append(event)
        if len(batch) == trail.STREAM_BATCH:
            yield _write(session, writer, batch, take)
            batch = []
    if batch:
        yield _write(session, writer, batch, take)


def _write(session: Session, writer: Any, batch: list[Row[Any]], take: Callable[[], str]) -> str:
    found = words.emails(session, batch)
    for e in batch:
        email = found.get(e.actor_id or 0) if e.actor_role in words.ACCOUNT_ROLES else None
        row = (e.at.isoformat(), e.actor_role, e.actor_id, email, e.action, e.object_type,
               e.object_id, e.outcome, e.client)  # fmt: skip
        writer.writerow([neutralised(v) for v in row])
    return take()
