"""Row locks and the small lookups every pairing transition shares.

Capacity is rechecked under the mentor's lock at approval and at acceptance (the rule
and the lock are in `mentors.capacity`, which capacity changes use too). Every transition
locks the rows it depends on in one order — pairing, then newcomer, then mentor — with
``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite that locking read starts the transaction
with ``BEGIN IMMEDIATE`` (see db.py), so the count-then-write runs alone. Either way the
count and the write commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.config import Settings
from mentormatch.errors import NotFound
from mentormatch.i18n import N_
from mentormatch.mentors import service as mentors
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import HOLDS_CAPACITY, Pairing, PairingStatus
from mentormatch.programs import scope

Row = TypeVar("Row", Pairing, Newcomer)


def lock_row(session: Session, model: type[Row], row_id: int) -> Row | None:
    """The row, re-read and locked for this transaction (FOR UPDATE; a no-op on SQLite)."""
    return session.scalar(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_newcomer(session: Session, newcomer_id: int, *, actor: object = None) -> Newcomer:
    """The newcomer, locked; 404 if missing or outside the actor's programs."""
    newcomer: Newcomer | None = lock_row(session, Newcomer, newcomer_id)
    if newcomer is None or scope.hidden(actor, newcomer.program_id):
        raise NotFound(N_("no such newcomer"))
    return newcomer


def _was_asked(pairing: Pairing) -> bool:
    """Mentors only ever see pairings that were approved (expires_at is set then)."""
    return pairing.expires_at is not None


def hidden_from(actor: Principal, pairing: Pairing) -> bool:
    """A coordinator sees their programs' pairings; a mentor only their own, and only once
    they were asked."""
    if scope.hidden(actor, pairing.program_id):
        return True
    return actor.role is Role.mentor and (
        pairing.mentor_id != actor.mentor_id or not _was_asked(pairing)
    )


def lock_pairing(session: Session, pairing_id: int, *, actor: Principal) -> Pairing:
    """The pairing, locked; 404 if missing or not the calling mentor's to see."""
    pairing: Pairing | None = lock_row(session, Pairing, pairing_id)
    if pairing is None or hidden_from(actor, pairing):
        raise NotFound(N_("no such pairing"))
    return pairing


def open_pairing(
    session: Session,
    newcomer_id: int,
    *,
    statuses: Sequence[PairingStatus] = HOLDS_CAPACITY,
    excluding: int | None = None,
) -> Pairing | None:
    query = select(Pairing).where(Pairing.newcomer_id == newcomer_id, Pairing.status.in_(statuses))
    if excluding is not None:
        query = query.where(Pairing.id != excluding)
    return session.scalars(query.limit(1)).first()


def link(settings: Settings, path: str) -> str:
    return settings.public_base_url.rstrip("/") + path


def mentor_email(session: Session, mentor: Mentor) -> str | None:
    return mentors.emails(session, [mentor.user_id]).get(mentor.user_id)
