"""Whole-pool proposals that no longer hold are withdrawn, with the reason in words.

A proposal is a suggestion to approve later; meanwhile its mentor may fill up or leave,
its newcomer may be matched another way or leave the queue, or the pair may be put on
the do-not-pair list. `sweep` finds such proposals (one read; nothing is locked or
written when none is stale) and withdraws each with reason `lifecycle.STALE` and a note
saying why ("Alex has no free place left (2 of 2 taken)"). It runs at the moment it
matters within this domain (after every approval, for that mentor's and that newcomer's
other proposals), before a proposal is approved, before a new proposal is computed and
whenever open proposals are listed — so a coordinator never approves one that fails with
codes, and sees why it went. A mentor who pauses or retires and a newcomer who withdraws
have their proposals withdrawn in the same transaction (`ending`). `withdrawn_words` is
the one place a withdrawn proposal's reason becomes a sentence.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from mentormatch.audit.service import Actor
from mentormatch.mentors import capacity
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import DoNotPair, Newcomer, NewcomerStatus
from mentormatch.pairings import lifecycle, locking
from mentormatch.pairings.models import HOLDS_CAPACITY, Pairing, PairingStatus

S = PairingStatus


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A proposal the sweep withdrew, and why (in words)."""

    pairing_id: int
    why: str


def person(first_name: str, reference: str | None = None) -> str:
    """How a person is named in a sentence: first name, then the public reference."""
    return f"{first_name} ({reference})" if reference else first_name


def sweep(
    session: Session,
    *,
    actor: Actor = lifecycle.SYSTEM,
    where: ColumnElement[bool] | None = None,
    commit: bool = True,
) -> list[Withdrawn]:
    """Withdraw every open proposal (of those `where` keeps) that no longer holds."""
    query = (
        select(
            Pairing.id,
            Newcomer.id,
            Newcomer.first_name,
            Newcomer.reference,
            Newcomer.status,
            Mentor.id,
            Mentor.first_name,
            Mentor.capacity,
            Mentor.active,
            Mentor.vetted,
            Mentor.paused,
        )
        .join(Newcomer, Newcomer.id == Pairing.newcomer_id)
        .join(Mentor, Mentor.id == Pairing.mentor_id)
        .where(Pairing.status == S.proposed)
        .order_by(Pairing.id)
    )
    if where is not None:
        query = query.where(where)
    rows = session.execute(query).all()
    if not rows:
        return []
    newcomer_ids = {r[1] for r in rows}
    loads = capacity.loads(session, sorted({r[5] for r in rows}))
    matched = set(
        session.scalars(
            select(Pairing.newcomer_id).where(
                Pairing.newcomer_id.in_(newcomer_ids), Pairing.status.in_(HOLDS_CAPACITY)
            )
        )
    )
    barred = set(
        session.execute(
            select(DoNotPair.newcomer_id, DoNotPair.mentor_id).where(
                DoNotPair.newcomer_id.in_(newcomer_ids)
            )
        ).all()
    )
    stale = []
    for pairing_id, nid, n_name, ref, status, mid, m_name, cap, active, vetted, paused in rows:
        newcomer, mentor = person(n_name, ref), person(m_name)
        why = _newcomer_gone(newcomer, status, nid in matched) or _mentor_gone(
            mentor, active=active, vetted=vetted, paused=paused, load=loads.get(mid, 0), cap=cap
        )
        if why is None and (nid, mid) in barred:
            why = f"{newcomer} and {mentor} are now on the do-not-pair list."
        if why is not None:
            stale.append(Withdrawn(pairing_id, why))
    if not stale:
        return []
    done = [w for w in stale if withdraw(session, pairing_id=w.pairing_id, why=w.why, actor=actor)]
    if commit:
        session.commit()
    return done


def _newcomer_gone(newcomer: str, status: NewcomerStatus, matched: bool) -> str | None:
    if matched:
        return f"{newcomer} has been matched with a mentor another way."
    if status is NewcomerStatus.closed:
        return f"{newcomer} is no longer waiting: their request is closed."
    if status is not NewcomerStatus.waiting:
        return f"{newcomer} is no longer waiting."
    return None


def _mentor_gone(
    mentor: str, *, active: bool, vetted: bool, paused: bool, load: int, cap: int
) -> str | None:
    if not active:
        return f"{mentor} has retired."
    if not vetted:
        return f"{mentor} is no longer vetted."
    if paused:
        return f"{mentor} has paused new requests."
    if capacity.free_places(capacity=cap, load=load, takes=True) == 0:
        return f"{mentor} has no free place left ({load} of {cap} taken)."
    return None


def withdraw(session: Session, *, pairing_id: int, why: str, actor: Actor) -> bool:
    """Withdraw one proposal with `why` as the note, if it is still proposed (locked)."""
    pairing = locking.lock_row(session, Pairing, pairing_id)
    if pairing is None or pairing.status is not S.proposed:
        return False
    newcomer = locking.lock_newcomer(session, pairing.newcomer_id)
    lifecycle.move(
        session,
        pairing=pairing,
        newcomer=newcomer,
        to=S.withdrawn,
        actor=actor,
        reason=lifecycle.STALE,
        note=why,
    )
    return True


def after_approval(session: Session, *, newcomer_id: int, mentor_id: int) -> list[Withdrawn]:
    """Right after an approval committed: the newcomer's other proposals, and the mentor's
    if that took the last free place, no longer hold. Its own transaction, so that its
    locks (pairing, then newcomer) never wait behind the approval's (mentor last)."""
    return sweep(
        session, where=(Pairing.newcomer_id == newcomer_id) | (Pairing.mentor_id == mentor_id)
    )


def of_pairings(session: Session, pairing_ids: Collection[int]) -> list[Withdrawn]:
    """Sweep these proposals only (those about to be approved)."""
    if not pairing_ids:
        return []
    return sweep(session, where=Pairing.id.in_(sorted(pairing_ids)))


def withdrawn_words(reason: str, note: str | None, *, newcomer: str, mentor: str) -> str:
    """Why a proposal was withdrawn, as a sentence for the coordinator."""
    if reason == lifecycle.STALE and note:
        return note
    if reason == lifecycle.MENTOR_LEFT:
        return (
            f"{mentor} left the pool ({note.removeprefix('the mentor ')})."
            if note
            else (f"{mentor} left the pool.")
        )
    if reason == "newcomer_withdrew":
        return f"{newcomer} withdrew their request."
    return note or "Withdrawn."
