"""A record's trail for its coordinators: who read or changed a newcomer, mentor or pairing.

Who may see it: the coordinators of the record's program (`programs.scope`); a record of
another program answers exactly like a missing one. Admins search the whole trail instead
(`/admin/audit`), by ids, without opening anyone's record. Opening a record's trail page is
itself recorded (action `trail`); the short trail on a record's own page is part of that
page, whose read is recorded already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.audit import trail
from mentormatch.audit.models import AuditEvent
from mentormatch.audit.words import TRAIL, Entry, entries
from mentormatch.db import utcnow
from mentormatch.errors import NotFound
from mentormatch.i18n import N_, said
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers import accounting
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing
from mentormatch.programs import scope

Kind = Literal["newcomer", "mentor", "pairing"]
MISSING = {
    "newcomer": N_("no such newcomer"),
    "mentor": N_("no such mentor"),
    "pairing": N_("no such pairing"),
}
PER_PAGE = 25
# A pairing's record as its trail names it (translated on the pages: `names`).
PAIRING_TITLE = N_("the pairing of %(newcomer)s with %(mentor)s")
# Events shown on a record's own page, above the link to its whole trail.
RECENT = 5


@dataclass(frozen=True, slots=True)
class RecordTrail:
    """A page of one record's trail, newest first, with its true total."""

    kind: Kind
    record_id: int
    title: str  # the record as its page names it: "Sam (K7QM2XPA)", "Robin"
    entries: list[Entry]
    total: int
    as_of: datetime
    page: int
    pages: int
    per_page: int
    # A pairing's two first names (newcomer, mentor), for a page writing its title in
    # another language ("the pairing of %(newcomer)s with %(mentor)s"); empty otherwise.
    names: tuple[str, ...] = ()

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.per_page + 1


def _subject(session: Session, kind: Kind, record_id: int) -> tuple[int, str, ColumnElement[bool]]:
    """The record's program, its title, and the condition selecting its events (since it
    was created: an id an erased record once had never brings that record's events along)."""
    if kind == "newcomer":
        newcomer = session.get(Newcomer, record_id)
        if newcomer is None:
            raise NotFound(N_("no such newcomer"))
        title = f"{newcomer.first_name} ({newcomer.reference})"
        return newcomer.program_id, title, accounting.about(session, newcomer)
    if kind == "pairing":
        pairing = session.get(Pairing, record_id)
        if pairing is None:
            raise NotFound(N_("no such pairing"))
        names = _pairing_names(session, pairing)
        own = and_(AuditEvent.object_type == "pairing", AuditEvent.object_id == record_id)
        title = PAIRING_TITLE % {"newcomer": names[0], "mentor": names[1]}
        return pairing.program_id, title, and_(AuditEvent.at >= pairing.created_at, own)
    mentor = session.get(Mentor, record_id)
    if mentor is None:
        raise NotFound(N_("no such mentor"))
    theirs = list(session.scalars(select(Pairing.id).where(Pairing.mentor_id == record_id)))
    own = and_(AuditEvent.object_type == "mentor", AuditEvent.object_id == record_id)
    pairings = and_(AuditEvent.object_type == "pairing", AuditEvent.object_id.in_(theirs))
    return (
        mentor.program_id,
        mentor.first_name,
        and_(AuditEvent.at >= mentor.created_at, or_(own, pairings)),
    )


def _pairing_names(session: Session, pairing: Pairing) -> tuple[str, str]:
    return (
        session.scalar(select(Newcomer.first_name).where(Newcomer.id == pairing.newcomer_id)) or "",
        session.scalar(select(Mentor.first_name).where(Mentor.id == pairing.mentor_id)) or "",
    )


def _names(session: Session, kind: Kind, record_id: int) -> tuple[str, ...]:
    pairing = session.get(Pairing, record_id) if kind == "pairing" else None
    return _pairing_names(session, pairing) if pairing is not None else ()


def _visible(
    session: Session, actor: Principal, kind: Kind, record_id: int
) -> tuple[str, ColumnElement[bool]]:
    program_id, title, where = _subject(session, kind, record_id)
    scope.ensure_visible(actor, program_id, MISSING[kind])
    return title, where


def page(
    session: Session,
    *,
    actor: Principal,
    kind: Kind,
    record_id: int,
    page: int,
    as_of: datetime | None,
    per_page: int = PER_PAGE,
) -> RecordTrail:
    """A page of the record's trail up to `as_of` (default: now, this view included);
    recorded as the actor viewing the trail. A page past the last is a 404 naming `page`."""
    title, where = _visible(session, actor, kind, record_id)
    names = _names(session, kind, record_id)
    audit.record_read(session, actor=actor, action=TRAIL, object_type=kind, object_id=record_id)
    as_of = as_of or utcnow()
    rows, total = trail.page(
        session, where=where, as_of=as_of, limit=per_page, offset=(page - 1) * per_page
    )
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise NotFound(
            said("page: there is no page %(page)s; the last is %(pages)s", page=page, pages=pages),
            field="page",
        )
    return RecordTrail(
        kind=kind,
        record_id=record_id,
        title=title,
        entries=entries(session, rows, viewer_id=actor.user_id),
        total=total,
        as_of=as_of,
        page=page,
        pages=pages,
        per_page=per_page,
        names=names,
    )


def recent(session: Session, *, actor: Principal, kind: Kind, record_id: int) -> RecordTrail:
    """The newest events of a record whose page the actor is reading (that read is recorded
    by the page itself), for the record's page: `{"trail": recent(...)}`."""
    title, where = _visible(session, actor, kind, record_id)
    as_of = utcnow()
    rows, total = trail.page(session, where=where, as_of=as_of, limit=RECENT)
    return RecordTrail(
        kind=kind,
        record_id=record_id,
        title=title,
        entries=entries(session, rows, viewer_id=actor.user_id),
        total=total,
        as_of=as_of,
        page=1,
        pages=max(1, -(-total // RECENT)),
        per_page=RECENT,
        names=_names(session, kind, record_id),
    )
