"""The bridge between the database and the ranker: fresh suggestions, explanations, candidates.

One `RankerCache` per process holds the fitted `MentorRanker`. Before every use it reads
the mentor pool's version, one row that database triggers raise with every committed
change to a mentor or to a mentor's load (`mentors.models.MentorPool`); when it differs
from the last use it compares each mentor's (version, load) with what it fitted and
applies only the changed rows (`update_mentors`), so a mentor's edit, pause or new
pairing shows in the very next suggestion, in every worker process; it refits from
scratch once a day (the coming week's DST rules move), when an edit brings a word the text
vocabulary lacks (a refit takes ~0.2 s at 10k mentors, 2.4 s at 100k;
`docs/benchmarks.md`) and on first use after a restart — nothing is stored.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.config import Settings
from mentormatch.errors import NotFound
from mentormatch.matching import frames as F
from mentormatch.matching import rules, synthetic
from mentormatch.matching.db_frames import mentor_frame, newcomer_frame, one_newcomer_record
from mentormatch.matching.explain import Explanation, Suggestion
from mentormatch.matching.newcomer_rows import encode_newcomers
from mentormatch.matching.ranker import MentorRanker
from mentormatch.mentors import capacity as mentor_capacity
from mentormatch.mentors.models import Mentor, MentorPool
from mentormatch.newcomers.minimal import NotMatchable
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs import scope

REFIT_AFTER = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class FailedRule:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class CandidateGraph:
    """Top-k feasible mentors per newcomer, for the whole-pool assignment."""

    scores: sp.csr_matrix  # newcomers x mentors
    newcomer_ids: np.ndarray
    mentor_ids: np.ndarray
    remaining_capacity: np.ndarray  # per mentor column
    blocking_rule: dict[int, str]  # newcomer id -> rule excluding most mentors, if none feasible


def make_ranker(settings: Settings) -> MentorRanker:
    """A ranker configured with the program's settings."""
    return MentorRanker(
        weights=settings.match_weights or None,
        overlap_saturation_hours=settings.overlap_saturation_hours,
        min_recovery_days=settings.min_recovery_days,
        min_age=settings.min_age,
        serves_youth=settings.serves_youth,
    )


_VERSION = select(MentorPool.version).where(MentorPool.id == 1)
_VERSION_PG = select(MentorPool.version, func.txid_current_if_assigned().is_not(None)).where(
    MentorPool.id == 1
)


def pool_version(session: Session) -> int | None:
    """The mentor pool's committed version, or None when it cannot vouch for this session.

    None when this transaction has written (or locked) anything: its own changes are not
    counted before it commits (PostgreSQL's triggers are deferred) and may yet be rolled
    back, so a version seen inside it could come round again with other data. Also None
    if the row is missing (a test emptied every table). One primary-key read.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        row = connection.execute(_VERSION_PG).first()
        return None if row is None or row[1] else int(row[0])
    # SQLite runs plain reads outside any transaction and begins one at the first write
    if getattr(connection.connection.dbapi_connection, "in_transaction", True):
        return None
    version = connection.execute(_VERSION).scalar()
    return None if version is None else int(version)


class ReadWriteLock:
    """Many readers at once, or one writer; a waiting writer holds new readers back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            self._cond.notify_all()  # wakes anyone watching for a queued writer (tests)
            self._cond.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class RankerCache:
    """The process's fitted ranker, brought up to date with the database before each use.

    Queries share it under a read lock (the ranker's kernels keep per-thread scratch space
    and release the GIL, so suggestions for several coordinators run side by side); an
    update takes the write lock, so no query ever sees a half-applied change.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = ReadWriteLock()
        self._ranker: MentorRanker | None = None
        self._fitted_at: datetime | None = None
        self._seen: dict[int, tuple[int, int]] = {}
        self._version: int | None = None

    @contextmanager
    def fresh(self, session: Session) -> Iterator[MentorRanker | None]:
        """The ranker reflecting every mentor as stored now (None when there are no mentors),
        held for reading while the block runs.

        The pool's version (`pool_version`) is read on every call; only when it differs
        from what the ranker reflects, or cannot vouch for this session, are each
        mentor's (version, load) compared and the changed rows applied, under the write
        lock. Not re-entrant: do not call it again inside the block.
        """
        version = pool_version(session)
        with self.lock.reading():
            if self._current(version):
                yield self._ranker
                return
        with self.lock.writing():
            if not self._current(version):
                self._update(session, version)
        with self.lock.reading():  # as fresh as `version`, or fresher
            yield self._ranker

    def _current(self, version: int | None) -> bool:
        return (
            version is not None
            and version == self._version
            and self._ranker is not None
            and self._fitted_at is not None
            and datetime.now(UTC) - self._fitted_at <= REFIT_AFTER
        )

    def _update(self, session: Session, version: int | None) -> None:
        """Apply changed mentors (or refit) so the ranker reflects the database; write lock held.

        Everything is read after `version` was, so the ranker is at least as fresh as it.
        """
        loads = mentor_capacity.loads(session)
        versions = dict(session.execute(select(Mentor.id, Mentor.version)).all())
        if not versions:
            self._ranker, self._seen, self._version = None, {}, None
            return
        now_seen = {mid: (v, loads.get(mid, 0)) for mid, v in versions.items()}
        stale = (
            self._ranker is None
            or self._fitted_at is None
            or datetime.now(UTC) - self._fitted_at > REFIT_AFTER
            or not set(self._seen) <= set(now_seen)
        )
        update = None
        if not stale:
            changed = [mid for mid, seen in now_seen.items() if self._seen.get(mid) != seen]
            rows = list(session.scalars(select(Mentor).where(Mentor.id.in_(changed))))
            update = mentor_frame(rows, loads) if rows else None
            # a word the vocabulary lacks would score nothing until tomorrow's refit
            stale = (
                update is not None and self._ranker is not None and self._ranker.new_words(update)
            )
        if stale:
            mentors = list(session.scalars(select(Mentor).order_by(Mentor.id)))
            self._ranker = make_ranker(self.settings).fit(mentor_frame(mentors, loads))
            self._fitted_at = datetime.now(UTC)
        elif update is not None:
            assert self._ranker is not None
            self._ranker.update_mentors(update)
        self._seen = now_seen
        self._version = version


async def get_ranker(request: Request) -> RankerCache:
    """The app's ranker cache (async: no worker thread for a lookup)."""
    cache: RankerCache = request.app.state.ranker
    return cache


RankerDep = Annotated[RankerCache, Depends(get_ranker)]


def _program_of(session: Session, newcomer_id: int, actor: Principal | None) -> int:
    """The newcomer's program; 404 when missing or outside the actor's programs (`actor`
    None: the caller has checked)."""
    program_id = session.scalar(select(Newcomer.program_id).where(Newcomer.id == newcomer_id))
    if program_id is None or scope.hidden(actor, program_id):
        raise NotFound("no such newcomer")
    return program_id


def _newcomer_record(session: Session, newcomer_id: int, actor: Principal | None) -> dict[str, Any]:
    """The newcomer's matching record (404 as `_program_of`)."""
    _program_of(session, newcomer_id, actor)
    record = one_newcomer_record(session, newcomer_id)
    if record is None:
        raise NotFound("no such newcomer")
    return record


def suggestions(
    session: Session,
    *,
    actor: Principal | None,
    ranker: RankerCache,
    newcomer_id: int,
    limit: int = 5,
) -> list[Suggestion]:
    """The best feasible mentors for a newcomer, with criterion scores and reasons (none
    for a minimal urgent request: it has no answers to match on yet)."""
    try:
        record = _newcomer_record(session, newcomer_id, actor)
    except NotMatchable:
        return []
    with ranker.fresh(session) as fitted:
        return [] if fitted is None else fitted.suggestions(record, k=limit)


def explain(
    session: Session,
    *,
    ranker: RankerCache,
    newcomer_id: int,
    mentor_id: int,
    actor: Principal | None = None,
) -> Explanation:
    """Why this mentor is, or is not, suggested for this newcomer (a mentor of another
    program is missing: pairings never cross programs)."""
    program_id = _program_of(session, newcomer_id, actor)
    record = _newcomer_record(session, newcomer_id, None)
    mentor = session.get(Mentor, mentor_id)
    if mentor is None or mentor.program_id != program_id:
        raise NotFound("no such mentor")
    with ranker.fresh(session) as fitted:
        assert fitted is not None  # the mentor exists
        return fitted.explain(record, mentor_id)


def failed_rules(
    session: Session, *, ranker: RankerCache, newcomer_id: int, mentor_id: int
) -> list[FailedRule]:
    """Every hard rule this pair breaks now (capacity included); empty when allowed."""
    explanation = explain(session, ranker=ranker, newcomer_id=newcomer_id, mentor_id=mentor_id)
    return [FailedRule(code, message) for code, message in explanation.failed_rules]


def candidate_graph(
    session: Session,
    *,
    ranker: RankerCache,
    newcomer_ids: list[int],
    k: int = 50,
    mentor_k: int = 50,
) -> CandidateGraph:
    """Feasible pairs as a sparse score matrix, with capacities.

    Holds each newcomer's top-``k`` mentors and each mentor's top-``mentor_k``
    newcomers: without the latter, a mentor nobody ranks highly has no edge and the
    assignment can strand newcomers that mentor could take. With 50 and 50 the
    optimum on this graph is within 0.01 % of the optimum over all feasible pairs
    in the benchmark (docs/benchmarks.md); 10 per mentor was not.
    """
    newcomers = list(session.scalars(select(Newcomer).where(Newcomer.id.in_(newcomer_ids))))
    order = {nid: i for i, nid in enumerate(newcomer_ids)}
    newcomers.sort(key=lambda n: order[n.id])
    frame = newcomer_frame(session, newcomers)
    with ranker.fresh(session) as fitted:
        if fitted is None:
            empty = sp.csr_matrix((len(newcomers), 0))
            ids = np.asarray([n.id for n in newcomers], dtype=np.int64)
            return CandidateGraph(
                empty,
                ids,
                np.empty(0, dtype=np.int64),
                np.empty(0),
                {int(i): "capacity" for i in ids},
            )
        scores, ids, mentor_ids = fitted.candidates(frame, k=k, mentor_k=mentor_k)
        capacity = mentor_capacity.remaining(session, [int(m) for m in mentor_ids])
        blocked = np.flatnonzero(np.diff(scores.indptr) == 0)
        blocking = blocking_rules(fitted, frame.iloc[blocked]) if blocked.size else {}
    return CandidateGraph(scores, ids, mentor_ids, capacity, blocking)


def blocking_rules(fitted: MentorRanker, newcomers: pd.DataFrame) -> dict[int, str]:
    """For newcomers with no feasible mentor: the hard rule that excludes the most mentors."""
    out: dict[int, str] = {}
    for q in encode_newcomers(F.check_newcomers(newcomers), fitted.encoders_):
        pair = rules.Pair(fitted.mentors_, q, fitted.program_)
        failing: Counter[str] = Counter()
        for rule in rules.RULES:
            mask = rule.check(pair)
            if mask is not None:
                failing[rule.code] = int(np.count_nonzero(~mask))
        out[q.id] = failing.most_common(1)[0][0] if failing else "capacity"
    return out


def warm_up() -> None:
    """Compile the ranking kernel, or load it from numba's disk cache, before serving.

    A first compile takes several seconds; without this the first suggestion a
    coordinator asks for after a fresh install would wait for it.
    """
    world = synthetic.generate(0, mentors=40, newcomers=4)
    MentorRanker(reference_time=world.reference).fit(world.mentors).rank(world.newcomers, k=1)
