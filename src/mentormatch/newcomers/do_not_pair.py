"""A newcomer's do-not-pair list: mentors they must never be paired with, added by a
coordinator or after a pairing ended for a safety reason (`pairings.ending`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.errors import NotFound
from mentormatch.i18n import N_
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import DoNotPair
from mentormatch.newcomers.schemas import DoNotPairCreate
from mentormatch.newcomers.service import OBJECT, load_for


def entries(session: Session, *, newcomer_id: int) -> list[DoNotPair]:
    """A newcomer's do-not-pair list."""
    return list(
        session.scalars(
            select(DoNotPair).where(DoNotPair.newcomer_id == newcomer_id).order_by(DoNotPair.id)
        )
    )


def add(
    session: Session, *, actor: Principal, newcomer_id: int, body: DoNotPairCreate
) -> DoNotPair:
    """Record that a newcomer and a mentor must never be paired."""
    newcomer = load_for(session, actor, newcomer_id)
    mentor = session.get(Mentor, body.mentor_id)
    if mentor is None or mentor.program_id != newcomer.program_id:
        raise NotFound(N_("no such mentor"))
    entry = ensure(session, newcomer_id=newcomer_id, mentor_id=body.mentor_id, reason=body.reason)
    audit.record(
        session, actor=actor, action="do_not_pair", object_type=OBJECT, object_id=newcomer_id
    )
    session.commit()
    return entry


def ensure(session: Session, *, newcomer_id: int, mentor_id: int, reason: str) -> DoNotPair:
    """The do-not-pair entry for this pair, created if missing (the caller commits)."""
    entry = session.scalar(
        select(DoNotPair).where(
            DoNotPair.newcomer_id == newcomer_id, DoNotPair.mentor_id == mentor_id
        )
    )
    if entry is None:
        entry = DoNotPair(newcomer_id=newcomer_id, mentor_id=mentor_id, reason=reason)
        session.add(entry)
        session.flush()
    return entry
