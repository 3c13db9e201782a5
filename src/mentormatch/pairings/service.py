"""Pairing rules: approve, accept, decline, reject, end, withdraw, expire and propose.

Capacity is rechecked under the mentor's lock at approval and at acceptance (the rule
and the lock are in `mentors.capacity`, which capacity changes use too). Every transition
locks the rows it depends on in one order — pairing, then newcomer, then mentor — with
``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite that locking read starts the transaction
with ``BEGIN IMMEDIATE`` (see db.py), so the count-then-write runs alone. Either way the
count and the write commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.matching import service as matching
from mentormatch.mentors import capacity
from mentormatch.mentors import service as mentors
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers import minimal
from mentormatch.newcomers import service as newcomers
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import lifecycle, outbox
from mentormatch.pairings.assignment import assign
from mentormatch.pairings.models import HOLDS_CAPACITY, OPEN, Pairing, PairingStatus
from mentormatch.pairings.outbox import MessageKind
from mentormatch.pairings.schemas import (
    MentorForNewcomer,
    PairingPublic,
    ProposalSummary,
    UnplacedNewcomer,
)

if TYPE_CHECKING:
    from mentormatch.matching.service import RankerCache

S = PairingStatus
Row = TypeVar("Row", Pairing, Newcomer)
OBJECT = "pairing"


# --- locking and counting -------------------------------------------------------------


def _locked(session: Session, model: type[Row], row_id: int) -> Row | None:
    """The row, re-read and locked for this transaction (FOR UPDATE; a no-op on SQLite)."""
    return session.scalar(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _newcomer(session: Session, newcomer_id: int) -> Newcomer:
    newcomer: Newcomer | None = _locked(session, Newcomer, newcomer_id)
    if newcomer is None:
        raise NotFound("no such newcomer")
    return newcomer


def _was_asked(pairing: Pairing) -> bool:
    """Mentors only ever see pairings that were approved (expires_at is set then)."""
    return pairing.expires_at is not None


def _hidden_from(actor: Principal, pairing: Pairing) -> bool:
    """A mentor sees only their own pairings, and only once they were asked."""
    return actor.role is Role.mentor and (
        pairing.mentor_id != actor.mentor_id or not _was_asked(pairing)
    )


def _pairing(session: Session, pairing_id: int, *, actor: Principal) -> Pairing:
    """The pairing, locked; 404 if missing or not the calling mentor's to see."""
    pairing: Pairing | None = _locked(session, Pairing, pairing_id)
    if pairing is None or _hidden_from(actor, pairing):
        raise NotFound("no such pairing")
    return pairing


def _open_pairing(
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


def _check_rules(
    session: Session, *, ranker: RankerCache, newcomer_id: int, mentor_id: int
) -> None:
    failed = matching.failed_rules(
        session, ranker=ranker, newcomer_id=newcomer_id, mentor_id=mentor_id
    )
    if not failed:
        return
    text = "; ".join(f"{rule.code}: {rule.message}" for rule in failed)
    if all(rule.code == "capacity" for rule in failed):
        raise Conflict(text, field="mentor_id")
    raise Invalid(f"this pair breaks a hard rule — {text}", field="mentor_id")


def _link(settings: Settings, path: str) -> str:
    return settings.public_base_url.rstrip("/") + path


def _mentor_email(session: Session, mentor: Mentor) -> str | None:
    return mentors.emails(session, [mentor.user_id]).get(mentor.user_id)


def _expire_if_due(session: Session, pairing: Pairing, *, settings: Settings) -> None:
    """Expire an overdue request now and tell the caller it is gone (409)."""
    if pairing.status is S.approved and pairing.expires_at and pairing.expires_at <= utcnow():
        expire_due(session, settings=settings, pairing_ids=[pairing.id])
        raise Conflict(f"pairing {pairing.id} is expired; it was not answered in time")


# --- coordinator ----------------------------------------------------------------------


def _approve(
    session: Session,
    *,
    pairing: Pairing,
    newcomer: Newcomer,
    mentor: Mentor,
    actor: Principal,
    ranker: RankerCache,
    settings: Settings,
    reason: str,
    note: str | None,
) -> Pairing:
    lifecycle.ensure_can(pairing, S.approved)
    minimal.ensure_matchable(newcomer.id, is_minimal=newcomer.minimal)
    if newcomer.status is NewcomerStatus.closed:
        raise Conflict(f"newcomer {newcomer.id} is closed", field="newcomer_id")
    other = _open_pairing(session, newcomer.id, excluding=pairing.id)
    if other is not None:
        raise Conflict(
            f"newcomer {newcomer.id} already has an {other.status.value} pairing ({other.id})",
            field="newcomer_id",
        )
    capacity.check_room(session, mentor, new_request=True)
    _check_rules(session, ranker=ranker, newcomer_id=newcomer.id, mentor_id=mentor.id)
    explanation = matching.explain(
        session, ranker=ranker, newcomer_id=newcomer.id, mentor_id=mentor.id
    )
    pairing.score = float(explanation.score)
    pairing.components = {k: float(v) for k, v in explanation.components.items()}
    pairing.reasons = list(explanation.reasons)
    now = utcnow()
    lifecycle.move(
        session,
        pairing=pairing,
        newcomer=newcomer,
        to=S.approved,
        actor=actor,
        reason=reason,
        note=note,
        at=now,
    )
    pairing.expires_at = now + timedelta(days=settings.pairing_expiry_days)
    outbox.enqueue(
        session,
        kind=MessageKind.mentor_asked,
        recipient=_mentor_email(session, mentor),
        link=_link(settings, f"/mentor/pairings/{pairing.id}"),
        pairing_id=pairing.id,
    )
    session.commit()
    return pairing


def create_approved(
    session: Session,
    *,
    actor: Principal,
    ranker: RankerCache,
    settings: Settings,
    newcomer_id: int,
    mentor_id: int,
    note: str | None = None,
) -> Pairing:
    """Approve a specific pair at once: hard rules and capacity rechecked under lock."""
    newcomer = _newcomer(session, newcomer_id)
    mentor = capacity.lock(session, mentor_id)
    pairing = Pairing(newcomer_id=newcomer.id, mentor_id=mentor.id, components={}, reasons=[])
    return _approve(
        session,
        pairing=pairing,
        newcomer=newcomer,
        mentor=mentor,
        actor=actor,
        ranker=ranker,
        settings=settings,
        reason="coordinator_choice",
        note=note,
    )


def approve(
    session: Session,
    *,
    actor: Principal,
    ranker: RankerCache,
    settings: Settings,
    pairing_id: int,
    note: str | None = None,
) -> Pairing:
    """Approve a proposed pairing: the mentor is asked."""
    pairing = _pairing(session, pairing_id, actor=actor)
    lifecycle.ensure_can(pairing, S.approved)
    newcomer = _newcomer(session, pairing.newcomer_id)
    mentor = capacity.lock(session, pairing.mentor_id)
    return _approve(
        session,
        pairing=pairing,
        newcomer=newcomer,
        mentor=mentor,
        actor=actor,
        ranker=ranker,
        settings=settings,
        reason="approved",
        note=note,
    )


def _answer(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    pairing_id: int,
    to: S,
    reason: str,
    note: str | None,
) -> Pairing:
    """Move a pairing to a refusal state (rejected, declined), expiring it first if due."""
    pairing = _pairing(session, pairing_id, actor=actor)
    _expire_if_due(session, pairing, settings=settings)
    newcomer = _newcomer(session, pairing.newcomer_id)
    lifecycle.move(
        session, pairing=pairing, newcomer=newcomer, to=to, actor=actor, reason=reason, note=note
    )
    session.commit()
    return pairing


def reject(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    pairing_id: int,
    reason: str,
    note: str | None = None,
) -> Pairing:
    """Reject a proposed (or not yet answered) pairing; the newcomer keeps their place."""
    return _answer(
        session,
        actor=actor,
        settings=settings,
        pairing_id=pairing_id,
        to=S.rejected,
        reason=reason,
        note=note,
    )


# --- mentor ---------------------------------------------------------------------------


def accept(session: Session, *, actor: Principal, settings: Settings, pairing_id: int) -> Pairing:
    """The mentor accepts: capacity and the newcomer's other pairings rechecked under lock."""
    pairing = _pairing(session, pairing_id, actor=actor)
    _expire_if_due(session, pairing, settings=settings)
    lifecycle.ensure_can(pairing, S.active)
    newcomer = _newcomer(session, pairing.newcomer_id)
    mentor = capacity.lock(session, pairing.mentor_id)
    other = _open_pairing(session, newcomer.id, statuses=(S.active,), excluding=pairing.id)
    if other is not None:
        raise Conflict("this newcomer has already been paired with another mentor")
    capacity.check_room(session, mentor, new_request=False, excluding=pairing.id)
    lifecycle.move(
        session, pairing=pairing, newcomer=newcomer, to=S.active, actor=actor, reason="accepted"
    )
    outbox.enqueue(
        session,
        kind=MessageKind.newcomer_paired,
        recipient=newcomer.email,
        link=_link(settings, "/"),
        pairing_id=pairing.id,
    )
    session.commit()
    return pairing


def decline(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    pairing_id: int,
    reason: str,
    note: str | None = None,
) -> Pairing:
    """The mentor declines: the newcomer goes back to the queue, waiting time kept."""
    return _answer(
        session,
        actor=actor,
        settings=settings,
        pairing_id=pairing_id,
        to=S.declined,
        reason=reason,
        note=note,
    )


def end(
    session: Session, *, actor: Principal, pairing_id: int, reason: str, note: str | None = None
) -> Pairing:
    """End an active pairing; early ends re-queue the newcomer, safety ends add do-not-pair."""
    pairing = _pairing(session, pairing_id, actor=actor)
    newcomer = _newcomer(session, pairing.newcomer_id)
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
        newcomers.ensure_do_not_pair(
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


# --- newcomer -------------------------------------------------------------------------


def withdraw(session: Session, *, actor: Principal) -> Newcomer:
    """The newcomer leaves the queue: open pairings are withdrawn, the record is closed."""
    newcomer = _newcomer(session, actor.newcomer_id or 0)
    if newcomer.status is NewcomerStatus.closed:
        raise Conflict("you have already withdrawn", field="status")
    open_ids = session.scalars(
        select(Pairing.id).where(Pairing.newcomer_id == newcomer.id, Pairing.status.in_(OPEN))
    ).all()
    for pairing_id in open_ids:
        pairing = _locked(session, Pairing, pairing_id)
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


def mentor_for_newcomer(
    session: Session, *, newcomer_id: int, settings: Settings
) -> MentorForNewcomer | None:
    """The newcomer's mentor's first name and contact once active (overdue requests expired)."""
    mine = select(Pairing.id).where(Pairing.newcomer_id == newcomer_id)
    expire_due(session, settings=settings, pairing_ids=list(session.scalars(mine)))
    pairing = _open_pairing(session, newcomer_id, statuses=(S.active,))
    if pairing is None:
        return None
    mentor = session.get(Mentor, pairing.mentor_id)
    assert mentor is not None
    return MentorForNewcomer(
        first_name=mentor.first_name, email=_mentor_email(session, mentor), phone=mentor.phone
    )


# --- expiry and reminders -------------------------------------------------------------


def expire_due(
    session: Session,
    *,
    settings: Settings,
    now: datetime | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> int:
    """Expire requests the mentor did not answer in time; returns how many (commits).

    A plain read looks for due requests first: the mentor's inbox and the coordinators'
    list call this on every read, and the locking read (on SQLite, the write lock) is
    needed only when something is due.
    """
    now = now or utcnow()
    is_due: list[ColumnElement[bool]] = [Pairing.status == S.approved, Pairing.expires_at <= now]
    if pairing_ids is not None:
        is_due.append(Pairing.id.in_(pairing_ids))
    if session.scalar(select(Pairing.id).where(*is_due).limit(1)) is None:
        return 0
    query = (
        select(Pairing)
        .where(*is_due)
        .order_by(Pairing.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    due = list(session.scalars(query))
    for pairing in due:
        newcomer = _newcomer(session, pairing.newcomer_id)
        lifecycle.move(
            session,
            pairing=pairing,
            newcomer=newcomer,
            to=S.expired,
            actor=lifecycle.SYSTEM,
            reason="no_answer",
            at=now,
        )
        mentor = session.get(Mentor, pairing.mentor_id)
        outbox.enqueue(
            session,
            kind=MessageKind.pairing_expired,
            recipient=_mentor_email(session, mentor) if mentor else None,
            link=_link(settings, f"/mentor/pairings/{pairing.id}"),
            pairing_id=pairing.id,
        )
    if due:
        session.commit()
    return len(due)


def remind_due(session: Session, *, settings: Settings, now: datetime | None = None) -> int:
    """Remind mentors once when half the answer window has passed; returns how many."""
    now = now or utcnow()
    half = timedelta(days=settings.pairing_expiry_days) / 2
    already = exists().where(
        outbox.OutboxMessage.pairing_id == Pairing.id,
        outbox.OutboxMessage.kind == MessageKind.mentor_reminder,
    )
    due = list(
        session.scalars(
            select(Pairing).where(
                Pairing.status == S.approved,
                Pairing.expires_at > now,
                Pairing.expires_at <= now + half,
                ~already,
            )
        )
    )
    for pairing in due:
        mentor = session.get(Mentor, pairing.mentor_id)
        outbox.enqueue(
            session,
            kind=MessageKind.mentor_reminder,
            recipient=_mentor_email(session, mentor) if mentor else None,
            link=_link(settings, f"/mentor/pairings/{pairing.id}"),
            pairing_id=pairing.id,
        )
    session.commit()
    return len(due)


# --- reading --------------------------------------------------------------------------


def list_pairings(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    status: PairingStatus | None,
    newcomer_id: int | None,
    mentor_id: int | None,
    reference: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Pairing], int]:
    """A page of pairings, newest first (overdue requests are expired first)."""
    expire_due(session, settings=settings)
    query = select(Pairing)
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
    expire_due(session, settings=settings, pairing_ids=[pairing_id])
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or _hidden_from(actor, pairing):
        raise NotFound("no such pairing")
    audit.record_read(session, actor=actor, action="read", object_type=OBJECT, object_id=pairing_id)
    return pairing


def list_for_mentor(session: Session, *, actor: Principal, settings: Settings) -> list[Pairing]:
    """The mentor's requests and pairings, newest first."""
    mine = select(Pairing.id).where(Pairing.mentor_id == actor.mentor_id)
    expire_due(session, settings=settings, pairing_ids=list(session.scalars(mine)))
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


# --- whole-pool proposal --------------------------------------------------------------


def propose(
    session: Session, *, actor: Principal, ranker: RankerCache, settings: Settings, k: int = 50
) -> ProposalSummary:
    """One exact whole-pool assignment of waiting, non-urgent newcomers who completed the
    intake (never a minimal urgent request), longest waiting first."""
    has_proposal = exists().where(Pairing.newcomer_id == Newcomer.id, Pairing.status == S.proposed)
    pool = list(
        session.execute(
            select(Newcomer.id, Newcomer.waiting_since)
            .where(
                Newcomer.status == NewcomerStatus.waiting,
                Newcomer.urgent.is_(False),
                Newcomer.minimal.is_(False),
                ~has_proposal,
            )
            .order_by(Newcomer.waiting_since, Newcomer.id)
        ).all()
    )
    waited = {newcomer_id: since for newcomer_id, since in pool}
    pairings: list[Pairing] = []
    unplaced: list[UnplacedNewcomer] = []
    scores: list[float] = []
    if pool:
        graph = matching.candidate_graph(session, ranker=ranker, newcomer_ids=list(waited), k=k)
        csr, newcomer_ids, mentor_ids = graph.scores, graph.newcomer_ids, graph.mentor_ids
        remaining, blocking = graph.remaining_capacity, graph.blocking_rule
        proposed = dict(
            session.execute(
                select(Pairing.mentor_id, func.count())
                .where(Pairing.status == S.proposed)
                .group_by(Pairing.mentor_id)
            ).all()
        )
        capacity = np.maximum(
            np.asarray(remaining, dtype=np.int64)
            - np.asarray([proposed.get(int(m), 0) for m in mentor_ids], dtype=np.int64),
            0,
        )
        now = utcnow()
        priority = np.asarray(
            [(now - waited[int(n)]).total_seconds() / 86400 for n in newcomer_ids], dtype=float
        )
        result = assign(csr, capacity, priority=priority)
        for (i, j), score in zip(result.pairs, result.scores.tolist(), strict=True):
            newcomer = session.get(Newcomer, int(newcomer_ids[i]))
            assert newcomer is not None
            pairing = Pairing(
                newcomer_id=newcomer.id,
                mentor_id=int(mentor_ids[j]),
                score=float(score),
                components={},
                reasons=[],
            )
            lifecycle.move(
                session,
                pairing=pairing,
                newcomer=newcomer,
                to=S.proposed,
                actor=actor,
                reason="whole_pool",
                at=now,
            )
            pairings.append(pairing)
            scores.append(float(score))
        for i in result.unplaced.tolist():
            newcomer_id = int(newcomer_ids[i])
            unplaced.append(
                UnplacedNewcomer(
                    newcomer_id=newcomer_id, blocking_rule=blocking.get(newcomer_id, "capacity")
                )
            )
    audit.record(session, actor=actor, action="propose", object_type=OBJECT)
    session.commit()
    total = float(sum(scores))
    return ProposalSummary(
        placed=len(pairings),
        total_score=total,
        mean_score=total / len(pairings) if pairings else 0.0,
        pairings=[PairingPublic.model_validate(p) for p in pairings],
        unplaced=unplaced,
    )
