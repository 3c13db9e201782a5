"""Reading pairings: lists, one pairing, the mentor's inbox and the newcomer's mentor."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.errors import NotFound
from mentormatch.i18n import N_
from mentormatch.mentors.models import Mentor
from mentormatch.pairings import attention, expiry, locking, stale
from mentormatch.pairings.models import OPEN, Pairing, PairingStatus
from mentormatch.pairings.schemas import (
    MentorForNewcomer,
)
from mentormatch.programs import scope

S = PairingStatus
OBJECT = "pairing"


def mentor_for_newcomer(
    session: Session, *, newcomer_id: int, settings: Settings
) -> MentorForNewcomer | None:
    """The newcomer's mentor's first name and contact once active (overdue requests expired)."""
    mine = select(Pairing.id).where(Pairing.newcomer_id == newcomer_id)
    expiry.expire_due(session, settings=settings, pairing_ids=list(session.scalars(mine)))
    pairing = locking.open_pairing(session, newcomer_id, statuses=(S.active,))
    if pairing is None:
        return None
    mentor = session.get(Mentor, pairing.mentor_id)
    assert mentor is not None
    return MentorForNewcomer(
        first_name=mentor.first_name,
        email=locking.mentor_email(session, mentor),
        phone=mentor.phone,
    )


def list_pairings(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    status: PairingStatus | None,
    newcomer_id: int | None,
    mentor_id: int | None,
    reference: str | None = None,
    program_id: int | None = None,
    needs_action: bool = False,
    limit: int,
    offset: int,
) -> tuple[list[Pairing], int]:
    """A page of pairings, newest first (overdue requests are expired first, proposals
    that no longer hold withdrawn first); with `needs_action`, only declined or expired
    requests not yet followed up; `program_id` outside the actor's programs is missing."""
    expiry.expire_due(session, settings=settings)
    if program_id is not None:
        scope.ensure_visible(actor, program_id, N_("no such program"))
    query = select(Pairing).where(scope.where(actor, Pairing.program_id))
    if program_id is not None:
        query = query.where(Pairing.program_id == program_id)
    if status is S.proposed:
        stale.sweep(session, where=query.whereclause)
    if needs_action:
        query = attention.needs_action(query)
    if status is not None:
        query = query.where(Pairing.status == status)
    if newcomer_id is not None:
        query = query.where(Pairing.newcomer_id == newcomer_id)
    if mentor_id is not None:
        query = query.where(Pairing.mentor_id == mentor_id)
    if reference is not None:
        query = query.where(Pairing.reference == reference)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(Pairing.id.desc()).limit(limit).offset(offset)))
    audit.record_read(session, actor=actor, action="list", object_type=OBJECT)
    return rows, total


def get_pairing(
    session: Session, *, actor: Principal, settings: Settings, pairing_id: int
) -> Pairing:
    """One pairing with its history (audited; expired first if overdue)."""
    expiry.expire_due(session, settings=settings, pairing_ids=[pairing_id])
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or locking.hidden_from(actor, pairing):
        raise NotFound(N_("no such pairing"))
    audit.record_read(session, actor=actor, action="read", object_type=OBJECT, object_id=pairing_id)
    return pairing


def list_for_mentor(session: Session, *, actor: Principal, settings: Settings) -> list[Pairing]:
    """The mentor's requests and pairings, newest first."""
    mine = select(Pairing.id).where(Pairing.mentor_id == actor.mentor_id)
    expiry.expire_due(session, settings=settings, pairing_ids=list(session.scalars(mine)))
    rows = list(
        session.scalars(
            select(Pairing)
            .where(Pairing.mentor_id == actor.mentor_id, Pairing.expires_at.is_not(None))
            .order_by(Pairing.id.desc())
        )
    )
    # One row per pairing shown: the inbox discloses each newcomer's answers to the mentor.
    audit.record_read(
        session, actor=actor, action="list", object_type=OBJECT, object_ids=[p.id for p in rows]
    )
    return rows


def of_mentor(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    mentor_id: int,
    limit: int,
    offset: int,
) -> tuple[list[Pairing], list[Pairing], int]:
    """A mentor's open requests and pairings (all of them), then a page of their past ones
    with its total, newest first: for the coordinator's mentor page (audited; overdue
    requests are expired first). The caller has checked that the actor sees the mentor."""
    mine = select(Pairing).where(
        Pairing.mentor_id == mentor_id, scope.where(actor, Pairing.program_id)
    )
    expiry.expire_due(
        session,
        settings=settings,
        pairing_ids=list(
            session.scalars(mine.with_only_columns(Pairing.id).where(Pairing.status.in_(OPEN)))
        ),
    )
    current = list(
        session.scalars(mine.where(Pairing.status.in_(OPEN)).order_by(Pairing.id.desc()))
    )
    past = mine.where(Pairing.status.not_in(OPEN))
    total = session.scalar(select(func.count()).select_from(past.subquery())) or 0
    rows = list(session.scalars(past.order_by(Pairing.id.desc()).limit(limit).offset(offset)))
    audit.record_read(session, actor=actor, action="list", object_type=OBJECT)
    return current, rows, total
