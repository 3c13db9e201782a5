"""The pairing state machine: which moves are legal, and what each move records.

`proposed` → `approved` → `active` → `ended`; side exits `rejected`, `declined`,
`expired`, `withdrawn`. :func:`move` is the only place a pairing's status changes: it
refuses an illegal move with a 409 naming the current state, writes a `PairingEvent`
(who, when, reason, note) and an audit record, and keeps the newcomer's queue status in
step. The caller holds the row locks and commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from mentormatch.audit import service as audit
from mentormatch.audit.service import Actor
from mentormatch.db import utcnow
from mentormatch.decisions import record
from mentormatch.errors import Conflict
from mentormatch.i18n import said
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import models
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus

S = PairingStatus

ALLOWED: dict[PairingStatus | None, frozenset[PairingStatus]] = {
    None: frozenset({S.proposed, S.approved}),
    S.proposed: frozenset({S.approved, S.rejected, S.withdrawn}),
    S.approved: frozenset({S.active, S.rejected, S.declined, S.expired, S.withdrawn}),
    S.active: frozenset({S.ended, S.withdrawn}),
}

# End reasons after which the newcomer should not simply wait for the next mentor.
COMPLETED = models.COMPLETED
# Why a pairing or request ends when its mentor pauses, retires or is deactivated: the
# newcomer goes back to waiting (never closed) and "needs a new mentor".
MENTOR_LEFT = "mentor_left"
# Why the service withdraws a whole-pool proposal that no longer holds (the mentor filled
# up, the newcomer was matched another way, ...): `pairings.stale`; the note says it in words.
STALE = "proposal_stale"
# End reasons that put the pair on the do-not-pair list.
SAFETY_REASONS = frozenset({"safety", "boundary"})


@dataclass(frozen=True, slots=True)
class SystemActor:
    """The service itself (expiry runs from cron): audited as role `system`."""

    role: str = "system"
    actor_id: int | None = None


SYSTEM = SystemActor()


def _newcomer_follows(newcomer: Newcomer, to: PairingStatus, reason: str) -> None:
    """Keep the newcomer's queue status in step; waiting_since is never reset."""
    if to is S.approved:
        newcomer.status = NewcomerStatus.pending
    elif to is S.active:
        newcomer.status = NewcomerStatus.paired
    elif (to is S.withdrawn and reason != MENTOR_LEFT) or (to is S.ended and reason == COMPLETED):
        newcomer.status = NewcomerStatus.closed
    elif to in (S.declined, S.expired, S.rejected, S.ended, S.withdrawn) and newcomer.status in (
        NewcomerStatus.pending,
        NewcomerStatus.paired,
    ):
        newcomer.status = NewcomerStatus.waiting


def ensure_can(pairing: Pairing, to: PairingStatus) -> PairingStatus | None:
    """The pairing's current status, or Conflict naming it if `to` is not a legal next state."""
    current = pairing.status if pairing.id is not None else None
    if to not in ALLOWED.get(current, frozenset()):
        state = current.value if current is not None else "new"
        raise Conflict(
            said(
                "pairing %(pairing_id)s is %(state)s; it cannot become %(to)s",
                pairing_id=pairing.id,
                state=state,
                to=to.value,
            ),
            field="status",
        )
    return current


def move(
    session: Session,
    *,
    pairing: Pairing,
    newcomer: Newcomer,
    to: PairingStatus,
    actor: Actor,
    reason: str,
    note: str | None = None,
    at: datetime | None = None,
) -> PairingEvent:
    """Move a pairing to `to` or raise Conflict; records the event, audit and newcomer status."""
    current = ensure_can(pairing, to)
    at = at or utcnow()
    held_before = current in (S.approved, S.active)
    pairing.status = to
    pairing.updated_at = at
    event = PairingEvent(
        from_status=current.value if current is not None else None,
        to_status=to.value,
        actor_role=str(actor.role),
        actor_id=actor.actor_id,
        reason=reason,
        note=note,
        at=at,
    )
    pairing.events.append(event)
    if pairing.id is None:
        session.add(pairing)
    # A proposal holds nothing: only its approval moves the newcomer (rejecting or
    # withdrawing it leaves them where they are: waiting, or matched another way).
    if held_before or current is None or to is S.approved:
        _newcomer_follows(newcomer, to, reason)
    session.flush()
    record.moved(session, pairing=pairing, before=current, reason=reason, actor=actor, at=at)
    audit.record(
        session,
        actor=actor,
        action=f"pairing_{to.value}",
        object_type="pairing",
        object_id=pairing.id,
    )
    return event


def propose_all(
    session: Session, *, pairings: list[Pairing], actor: Actor, reason: str, at: datetime
) -> None:
    """Create new pairings as `proposed` (a whole-pool proposal): the same event and audit
    record per pairing as `move`, written with one flush (a proposal moves no newcomer)."""
    for pairing in pairings:
        ensure_can(pairing, S.proposed)
        pairing.status = S.proposed
        pairing.updated_at = at
        pairing.events.append(
            PairingEvent(
                from_status=None,
                to_status=S.proposed.value,
                actor_role=str(actor.role),
                actor_id=actor.actor_id,
                reason=reason,
                at=at,
            )
        )
    session.add_all(pairings)
    session.flush()
    for pairing in pairings:
        audit.record(
            session,
            actor=actor,
            action=f"pairing_{S.proposed.value}",
            object_type="pairing",
            object_id=pairing.id,
        )
