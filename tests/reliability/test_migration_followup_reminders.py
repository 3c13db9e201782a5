"""Migration followups_20261209_reminders with data in every table, on both back ends.

Every row is kept. Reminders written afterwards go with their newcomer (cascade, as at
erasure); a reminder for no newcomer is refused, and a second one of the same kind for the
same window too (the job's once-only rule). Downgrading drops the table, keeping the rest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "learn_20261209_learned_weights"
REVISION = "followups_20261209_reminders"
NOW = datetime(2026, 12, 9, tzinfo=UTC)
REMINDER = sa.text(
    "INSERT INTO followup_reminders"
    " (newcomer_id, program_id, episode, window_name, kind, opens_on, at)"
    " VALUES (:n, 1, 1, 'baseline', :kind, :on, :at)"
)
NEW = {"followup_reminders": 0}


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_are_kept_and_reminders_follow_their_newcomer(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | NEW
            day = date(2026, 12, 1)
            conn.execute(
                REMINDER,
                [
                    {"n": 1, "kind": "opened", "on": day, "at": NOW},
                    {"n": 1, "kind": "closing", "on": day, "at": NOW},
                    {"n": 2, "kind": "opened", "on": day, "at": NOW},
                ],
            )
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(REMINDER, {"n": 1, "kind": "opened", "on": day, "at": NOW})
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(REMINDER, {"n": 99, "kind": "opened", "on": day, "at": NOW})
            conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
        with engine.connect() as conn:
            kept = conn.execute(sa.text("SELECT newcomer_id, kind FROM followup_reminders"))
            assert sorted(tuple(r) for r in kept) == [(1, "closing"), (1, "opened")]
            after = {t: n for t, n in _counts(conn).items() if t not in NEW}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert "followup_reminders" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
