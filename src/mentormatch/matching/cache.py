"""Each program's fitted ranker, kept as fresh as the database in every worker process.

One `RankerCache` per process holds one `MentorRanker` per program, fitted only on that
program's mentors and configured from its settings in force (`programs.settings.effective`),
so suggestions and proposals never cross programs.

Before every use it reads two small rows: the mentor pool's version (`mentors.models.
MentorPool`, raised by database triggers with every committed change to any mentor or to
a mentor's load) and the program's `settings_version`. When the pool version differs from
the last use it compares each of the program's mentors' (version, load) with what it
fitted and applies only the changed rows (`update_mentors`), so a mentor's edit, pause or
new pairing shows in the very next suggestion, in every worker process. It refits from
scratch when the program's settings version moved (an admin's change is in force at the
next suggestion in every worker, for that program only), once a day (the coming week's
DST rules move), when an edit brings a word the text vocabulary lacks (a refit takes
~0.2 s at 10k mentors, 2.4 s at 100k; `docs/benchmarks.md`) and on first use after a
restart — nothing is stored.

Memory: a program's ranker that has not been used for `DROP_AFTER` (a day: it would be
refitted at its next use anyway) is dropped at the next use of any ranker, so programs
nobody asks about cost nothing (`docs/benchmarks.md`: 50 programs x 2,000 mentors).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.config import Settings
from mentormatch.matching.db_frames import mentor_frame
from mentormatch.matching.ranker import MentorRanker
from mentormatch.mentors import capacity as mentor_capacity
from mentormatch.mentors.models import Mentor, MentorPool
from mentormatch.programs.models import Program
from mentormatch.programs.settings import ProgramSettings, effective

REFIT_AFTER = timedelta(days=1)
DROP_AFTER = REFIT_AFTER
Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def ranker_params(program: ProgramSettings, settings: Settings) -> dict[str, Any]:
    """The ranker's parameters for a program's settings in force (the rest are the
    installation's)."""
    return {
        "weights": dict(program.weights),
        "overlap_saturation_hours": settings.overlap_saturation_hours,
        "min_recovery_days": program.min_recovery_days,
        "mentor_longer_in_recovery": program.mentor_longer_in_recovery,
        "min_age": program.min_age,
        "serves_youth": program.serves_youth,
    }


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


def settings_version(session: Session, program_id: int) -> int | None:
    """The program's settings version (None for a missing program). One primary-key read."""
    version = session.scalar(select(Program.settings_version).where(Program.id == program_id))
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


class ProgramRanker:
    """One program's fitted ranker and what it reflects (mentors, pool and settings versions).

    Queries share it under a read lock (the ranker's kernels keep per-thread scratch space
    and release the GIL, so suggestions for several coordinators run side by side); an
    update takes the write lock, so no query ever sees a half-applied change.
    """

    def __init__(self, program_id: int, settings: Settings, clock: Clock) -> None:
        self.program_id = program_id
        self.settings = settings
        self.clock = clock
        self.lock = ReadWriteLock()
        self.used_at = clock()
        self._ranker: MentorRanker | None = None
        self._fitted_at: datetime | None = None
        self._seen: dict[int, tuple[int, int]] = {}
        self._version: int | None = None
        self._settings_version: int | None = None
        self._params: dict[str, Any] | None = None

    @contextmanager
    def fresh(self, session: Session) -> Iterator[MentorRanker | None]:
        """See `RankerCache.fresh`."""
        version = pool_version(session)
        configured = settings_version(session, self.program_id)
        with self.lock.reading():
            if self._current(version, configured):
                yield self._ranker
                return
        with self.lock.writing():
            if not self._current(version, configured):
                self._update(session, version)
        with self.lock.reading():  # as fresh as `version`, or fresher
            yield self._ranker

    def _current(self, version: int | None, configured: int | None) -> bool:
        return (
            version is not None
            and version == self._version
            and configured is not None
            and configured == self._settings_version
            and self._ranker is not None
            and self._fitted_at is not None
            and self.clock() - self._fitted_at <= REFIT_AFTER
        )

    def _update(self, session: Session, version: int | None) -> None:
        """Apply changed mentors (or refit) so the ranker reflects the database; write lock held.

        Everything is read after `version` was, so the ranker is at least as fresh as it.
        The program's settings are read here, after their version was: a ranker built with
        newer settings than the version it records refits once more, never less.
        """
        program = session.get(Program, self.program_id, populate_existing=True)
        in_force = None if program is None else effective(program, self.settings)
        params = None if in_force is None else ranker_params(in_force, self.settings)
        settings_at = None if program is None else program.settings_version
        versions = dict(
            session.execute(
                select(Mentor.id, Mentor.version).where(Mentor.program_id == self.program_id)
            ).all()
        )
        if not versions or params is None:
            self._ranker, self._seen, self._version = None, {}, None
            self._settings_version, self._params = settings_at, params
            return
        everyone = mentor_capacity.loads(session)
        loads = {mid: everyone[mid] for mid in versions if mid in everyone}
        now_seen = {mid: (v, loads.get(mid, 0)) for mid, v in versions.items()}
        stale = (
            self._ranker is None
            or self._fitted_at is None
            or self.clock() - self._fitted_at > REFIT_AFTER
            or params != self._params
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
            mentors = list(
                session.scalars(
                    select(Mentor).where(Mentor.program_id == self.program_id).order_by(Mentor.id)
                )
            )
            self._ranker = MentorRanker(**params).fit(mentor_frame(mentors, loads))
            self._fitted_at = self.clock()
        elif update is not None:
            assert self._ranker is not None
            self._ranker.update_mentors(update)
        self._seen = now_seen
        self._version = version
        self._settings_version, self._params = settings_at, params


class RankerCache:
    """The process's rankers, one per program, each brought up to date before each use."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or _now
        self._programs: dict[int, ProgramRanker] = {}
        self._guard = threading.Lock()  # over `_programs` only, never while fitting

    @contextmanager
    def fresh(self, session: Session, program_id: int) -> Iterator[MentorRanker | None]:
        """The program's ranker reflecting its mentors and settings as stored now (None when
        it has no mentors), held for reading while the block runs.

        The pool's version (`pool_version`) and the program's settings version are read on
        every call; only when the pool version differs from what the ranker reflects, or
        cannot vouch for this session, are each of the program's mentors' (version, load)
        compared and the changed rows applied, under the program's write lock; a settings
        version that moved refits. Not re-entrant: do not call it again inside the block.
        """
        with self.program(program_id).fresh(session) as fitted:
            yield fitted

    def program(self, program_id: int) -> ProgramRanker:
        """The program's entry (made on first use); drops entries idle for `DROP_AFTER`."""
        now = self.clock()
        with self._guard:
            idle = [pid for pid, e in self._programs.items() if now - e.used_at > DROP_AFTER]
            for pid in idle:
                del self._programs[pid]  # a query still holding it finishes undisturbed
            entry = self._programs.get(program_id)
            if entry is None:
                entry = self._programs[program_id] = ProgramRanker(
                    program_id, self.settings, self.clock
                )
            entry.used_at = now
            return entry

    def held(self) -> dict[int, MentorRanker]:
        """The fitted rankers held now, by program id (for the benchmark and tests)."""
        with self._guard:
            entries = list(self._programs.values())
        return {e.program_id: e._ranker for e in entries if e._ranker is not None}
