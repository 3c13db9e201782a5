"""Mentor capacity: the one definition of load, of who takes new requests, and of free places.

A mentor's *load* is their approved + active pairings. A mentor *takes new requests* when
active, vetted and not paused; their *free places* are then capacity - load (never below
0), otherwise none. Approvals, acceptances, capacity changes and the whole-pool assignment
all read these functions, and so does the ranker's capacity rule
(`matching/rules.py`). The mentor list filters and sorts by the same rules written as SQL
(`load_column`, `taking_requests`, `free_places_column`), so a page of mentors "with a free
place" holds exactly those `remaining` counts above zero.

Whoever compares load with capacity and then writes holds the mentor's lock from the count
to the commit (`lock`): ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite that locking read
starts the transaction with ``BEGIN IMMEDIATE`` (see db.py). So an approval and a capacity
cut never both pass their check against a load the other is about to change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Subquery, and_, case, func, select
from sqlalchemy.orm import Session

from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.mentors.models import Mentor
from mentormatch.pairings.models import HOLDS_CAPACITY, Pairing


def lock(session: Session, mentor_id: int) -> Mentor:
    """The mentor, re-read and locked until this transaction ends (404 when missing)."""
    mentor = session.scalar(
        select(Mentor)
        .where(Mentor.id == mentor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if mentor is None:
        raise NotFound(N_("no such mentor"))
    return mentor


def loads(session: Session, mentor_ids: list[int] | None = None) -> dict[int, int]:
    """Approved + active pairings per mentor (missing mentors have none)."""
    query = (
        select(Pairing.mentor_id, func.count())
        .where(Pairing.status.in_(HOLDS_CAPACITY))
        .group_by(Pairing.mentor_id)
    )
    if mentor_ids is not None:
        query = query.where(Pairing.mentor_id.in_(mentor_ids))
    return {mentor_id: count for mentor_id, count in session.execute(query)}


def load(session: Session, mentor_id: int, *, excluding: int | None = None) -> int:
    """One mentor's approved + active pairings, leaving out pairing `excluding`."""
    query = select(func.count()).where(
        Pairing.mentor_id == mentor_id, Pairing.status.in_(HOLDS_CAPACITY)
    )
    if excluding is not None:
        query = query.where(Pairing.id != excluding)
    return session.scalar(query) or 0


def takes_requests(*, active: bool, vetted: bool, paused: bool) -> bool:
    """Whether a mentor may be asked for anyone new."""
    return active and vetted and not paused


def has_room(*, takes: Any, load: Any, capacity: Any) -> Any:
    """Whether a place is free for a new request (bools or numpy arrays alike)."""
    return takes & (load < capacity)


def free_places(*, capacity: int, load: int, takes: bool) -> int:
    """Places left for new requests."""
    return max(capacity - load, 0) if takes else 0


def load_column() -> ColumnElement[int]:
    """`load` per row of a query over mentors: a correlated count of their pairings."""
    return (
        select(func.count())
        .where(Pairing.mentor_id == Mentor.id, Pairing.status.in_(HOLDS_CAPACITY))
        .correlate(Mentor)
        .scalar_subquery()
    )


def taking_requests() -> ColumnElement[bool]:
    """`takes_requests` over the mentors table."""
    return and_(Mentor.active.is_(True), Mentor.vetted.is_(True), Mentor.paused.is_(False))


def free_places_column(load: Any = None) -> ColumnElement[int]:
    """`free_places` per row of a query over mentors. `load` is their load as SQL: by
    default `load_column()`; a whole-program figure joins `load_by_mentor()` and passes
    its (coalesced) count instead."""
    held = load_column() if load is None else load
    return case((and_(taking_requests(), Mentor.capacity > held), Mentor.capacity - held), else_=0)


def remaining(session: Session, mentor_ids: list[int]) -> np.ndarray:
    """Free places per mentor, in the order given (0 for unknown mentors)."""
    rows = session.execute(
        select(Mentor.id, Mentor.capacity, Mentor.active, Mentor.vetted, Mentor.paused).where(
            Mentor.id.in_(mentor_ids)
        )
    )
    held = loads(session, mentor_ids)
    free = {
        mid: free_places(
            capacity=cap,
            load=held.get(mid, 0),
            takes=takes_requests(active=active, vetted=vetted, paused=paused),
        )
        for mid, cap, active, vetted, paused in rows
    }
    return np.asarray([free.get(mid, 0) for mid in mentor_ids], dtype=np.int64)


def load_by_mentor() -> Subquery:
    """`loads` as a subquery (`mentor_id`, `load`) to join, for whole-program figures."""
    return (
        select(Pairing.mentor_id, func.count().label("load"))
        .where(Pairing.status.in_(HOLDS_CAPACITY))
        .group_by(Pairing.mentor_id)
        .subquery()
    )


def check_room(
    session: Session, mentor: Mentor, *, new_request: bool, excluding: int | None = None
) -> None:
    """409 unless the (locked) mentor has a place: for a new request, or to accept one.

    A paused mentor is asked for no one new, but may still accept a request made before.
    """
    if not (mentor.active and mentor.vetted):
        raise Conflict(
            said("mentor %(mentor_id)s is not active", mentor_id=mentor.id), field="mentor_id"
        )
    if new_request and mentor.paused:
        raise Conflict(
            said("mentor %(mentor_id)s has paused new requests", mentor_id=mentor.id),
            field="mentor_id",
        )
    held = load(session, mentor.id, excluding=excluding)
    if not has_room(takes=True, load=held, capacity=mentor.capacity):
        raise Conflict(
            said(
                "mentor %(mentor_id)s has no free capacity (%(held)s of %(capacity)s taken)",
                mentor_id=mentor.id,
                held=held,
                capacity=mentor.capacity,
            ),
            field="mentor_id",
        )


def check_cap(capacity: int, cap: int) -> None:
    """422 naming `capacity` above the program's cap (its `capacity_cap` setting)."""
    if capacity > cap:
        raise Invalid(
            said("capacity: this program lets a mentor take at most %(cap)s mentees", cap=cap),
            field="capacity",
        )


def check_new_capacity(session: Session, mentor: Mentor, capacity: int) -> None:
    """409 naming `capacity` when the (locked) mentor already holds more pairings than that."""
    held = load(session, mentor.id)
    if capacity < held:
        raise Conflict(
            said(
                "capacity: the current load is %(held)s approved or active pairings; "
                "capacity cannot be set below %(held)s",
                held=held,
            ),
            field="capacity",
        )


def clamp_to_cap(session: Session, program_id: int, cap: int) -> list[int]:
    """A lowered cap in force at once: each of the program's mentors above it is brought
    down to it, or to their current load when that is higher (nobody is dropped; they are
    asked for no one new). Returns the mentors changed; the caller audits and commits."""
    over = list(
        session.scalars(
            select(Mentor)
            .where(Mentor.program_id == program_id, Mentor.capacity > cap)
            .order_by(Mentor.id)
            .with_for_update()
        )
    )
    held = loads(session, [m.id for m in over])
    changed = []
    for mentor in over:
        lowered = max(cap, held.get(mentor.id, 0))
        if lowered < mentor.capacity:
            mentor.capacity = lowered
            changed.append(mentor.id)
    session.flush()
    return changed
