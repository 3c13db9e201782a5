"""Migration 20261207_assessments with data in every table, on both back ends.

Every row is kept. A questionnaire's code is unique; answers written afterwards go with
their newcomer (cascade, as at erasure), one for no newcomer is refused, and a questionnaire
that has answers cannot be removed. Downgrading drops both tables, keeping the rest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "20261206_recovery_dates"
REVISION = "20261207_assessments"
NOW = datetime(2026, 12, 7, tzinfo=UTC)
INSTRUMENT = sa.text(
    "INSERT INTO instruments (id, code, name, definition, created_at)"
    " VALUES (:id, :code, 'A questionnaire', '{}', :at)"
)
ANSWERS = sa.text(
    "INSERT INTO assessments (newcomer_id, program_id, instrument_id, answers, total, language,"
    " taken_at) VALUES (:n, 1, 1, '{\"q1\": 4}', 4, 'en', :at)"
)
NEW = {"instruments": 0, "assessments": 0}


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_are_kept_and_answers_follow_their_newcomer(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | NEW
            conn.execute(INSTRUMENT, {"id": 1, "code": "barc10", "at": NOW})
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(INSTRUMENT, {"id": 2, "code": "barc10", "at": NOW})
            conn.execute(ANSWERS, [{"n": 1, "at": NOW}, {"n": 2, "at": NOW}])
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(ANSWERS, {"n": 99, "at": NOW})  # no such newcomer
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(sa.text("DELETE FROM instruments WHERE id = 1"))
            conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
        with engine.connect() as conn:
            kept = conn.execute(sa.text("SELECT newcomer_id, total FROM assessments")).all()
            assert [tuple(r) for r in kept] == [(1, 4)]
            after = {t: n for t, n in _counts(conn).items() if t not in NEW}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert not set(NEW) & set(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
