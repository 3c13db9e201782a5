"""How a pairing ends: the coordinator ends it, or the newcomer withdraws."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.audit.service import Actor
from mentormatch.errors import Conflict
from mentormatch.i18n import N_
from mentormatch.newcomers import do_not_pair
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import lifecycle, locking
from mentormatch.pairings.models import OPEN, Pairing, PairingStatus

S = PairingStatus
OBJECT = "pairing"


def end(
    session: Session, *, actor: Principal, pairing_id: int, reason: str, note: str | None = None
) -> Pairing:
    """End an active pairing; early ends re-queue the newcomer, safety ends add do-not-pair."""
    pairing = locking.lock_pairing(session, pairing_id, actor=actor)
    newcomer = locking.lock_newcomer(session, pairing.newcomer_id)
    lifecycle.move(
        session,
        pairing=pairing,
        newcomer=newcomer,
        to=S.ended,
        actor=actor,
        reason=reason,
        note=note,
    )
    if reason in lifecycle.SAFETY_REASONS:
        do_not_pair.ensure(
            session, newcomer_id=newcomer.id, mentor_id=pairing.mentor_id, reason="past_pairing"
        )
        audit.record(
            session,
            actor=actor,
            action="do_not_pair",
            object_type="newcomer",
            object_id=newcomer.id,
        )
    session.commit()
    return pairing


def withdraw(session: Session, *, actor: Principal) -> Newcomer:
    """The newcomer leaves the queue: open pairings are withdrawn, the record is closed."""
    newcomer = locking.lock_newcomer(session, actor.newcomer_id or 0)
    if newcomer.status is NewcomerStatus.closed:
        raise Conflict(N_("you have already withdrawn"), field="status")
    open_ids = session.scalars(
        select(Pairing.id).where(Pairing.newcomer_id == newcomer.id, Pairing.status.in_(OPEN))
    ).all()
    for pairing_id in open_ids:
        pairing = locking.lock_row(session, Pairing, pairing_id)
        assert pairing is not None
        lifecycle.move(
            session,
            pairing=pairing,
            newcomer=newcomer,
            to=S.withdrawn,
            actor=actor,
            reason="newcomer_withdrew",
        )
    newcomer.status = NewcomerStatus.closed
    audit.record(
        session, actor=actor, action="withdraw", object_type="newcomer", object_id=newcomer.id
    )
    session.commit()
    return newcomer


def mentor_left(session: Session, *, actor: Actor, mentor_id: int, why: str) -> int:
    """The mentor paused, retired or was deactivated: each of their active pairings ends
    and each open request is withdrawn, with reason `mentor_left`; the newcomers go back
    to waiting (their waiting time kept) and show as needing a new mentor. Returns how many
    pairings moved. The caller commits (with the change that made the mentor leave)."""
    open_ids = session.scalars(
        select(Pairing.id)
        .where(Pairing.mentor_id == mentor_id, Pairing.status.in_(OPEN))
        .order_by(Pairing.id)
    ).all()
    moved = 0
    for pairing_id in open_ids:
        pairing = locking.lock_row(session, Pairing, pairing_id)
        if pairing is None or pairing.status not in OPEN:
            continue
        newcomer = locking.lock_newcomer(session, pairing.newcomer_id)
        lifecycle.move(
            session,
            pairing=pairing,
            newcomer=newcomer,
            to=S.ended if pairing.status is S.active else S.withdrawn,
            actor=actor,
            reason=lifecycle.MENTOR_LEFT,
            note=f"the mentor {why}",
        )
        moved += 1
    audit.record(
        session,
        actor=actor,
        action=lifecycle.MENTOR_LEFT,
        object_type="mentor",
        object_id=mentor_id,
        outcome=why,
    )
    return moved
