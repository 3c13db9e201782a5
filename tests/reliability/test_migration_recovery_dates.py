"""Migration 20261206_recovery_dates with data in every table, on both back ends.

Every row is kept. Earlier recovery dates and milestone notes written afterwards go with
their newcomer (cascade, as at erasure); a note for no newcomer is refused, and a second note
for the same newcomer and day too (the job's once-only rule). Downgrading drops both tables,
keeping the rest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "20261205_check_ins"
REVISION = "20261206_recovery_dates"
NOW = datetime(2026, 12, 6, tzinfo=UTC)
EARLIER = sa.text(
    "INSERT INTO earlier_recovery_dates (newcomer_id, started_on, replaced_at)"
    " VALUES (:n, :on, :at)"
)
NOTE = sa.text(
    "INSERT INTO milestone_messages (newcomer_id, program_id, words, reached_on, at)"
    " VALUES (:n, 1, '90 days', :on, :at)"
)
NEW = {"earlier_recovery_dates": 0, "milestone_messages": 0}


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_are_kept_and_the_new_ones_follow_their_newcomer(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | NEW
            day = date(2026, 12, 1)
            conn.execute(EARLIER, [{"n": 1, "on": day, "at": NOW}, {"n": 2, "on": day, "at": NOW}])
            conn.execute(NOTE, [{"n": 1, "on": day, "at": NOW}, {"n": 2, "on": day, "at": NOW}])
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(NOTE, {"n": 1, "on": day, "at": NOW})  # the same day twice
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(NOTE, {"n": 99, "on": day, "at": NOW})  # no such newcomer
            conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
        with engine.connect() as conn:
            for table in NEW:
                kept = conn.execute(sa.text(f"SELECT newcomer_id FROM {table}")).all()
                assert [tuple(r) for r in kept] == [(1,)]
            after = {t: n for t, n in _counts(conn).items() if t not in NEW}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert not set(NEW) & set(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
