"""Migration followups_20261209_episodes with data in every table, on both back ends.

Every row is kept and nobody gets an episode row (everyone is in their first). Episodes
written afterwards go with their newcomer (cascade, as at erasure) and keep (NULL) when the
coordinator's account goes; a second episode 2 for the same newcomer is refused.
Downgrading drops the table, keeping the rest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "followups_20261209_reminders"
REVISION = "followups_20261209_episodes"
NOW = datetime(2026, 12, 9, tzinfo=UTC)
EPISODE = sa.text(
    "INSERT INTO newcomer_episodes"
    " (newcomer_id, program_id, number, started_at, previous_ended_on, started_by)"
    " VALUES (:n, 1, :number, :at, :ended, :by)"
)
NEW = {"newcomer_episodes": 0}


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_are_kept_and_episodes_follow_their_newcomer(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | NEW
            ended = date(2026, 11, 1)
            conn.execute(
                EPISODE,
                [
                    {"n": 1, "number": 2, "at": NOW, "ended": ended, "by": 2},
                    {"n": 2, "number": 2, "at": NOW, "ended": ended, "by": None},
                ],
            )
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(EPISODE, {"n": 1, "number": 2, "at": NOW, "ended": ended, "by": 2})
            conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
        with engine.connect() as conn:
            kept = conn.execute(sa.text("SELECT newcomer_id, number FROM newcomer_episodes"))
            assert [tuple(r) for r in kept] == [(1, 2)]
            after = {t: n for t, n in _counts(conn).items() if t not in NEW}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert "newcomer_episodes" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
