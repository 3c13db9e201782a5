"""Migration 20261205_check_ins with data in every table, on both back ends.

Every row is kept, and every urgent case stays as it was: an urgent newcomer reached and
handled before the upgrade is still handled after it (`urgent_case_after` 0 counts every
attempt; `urgent_since` empty counts from the intake). Check-ins written afterwards go with
their newcomer (cascade, as at erasure) and outlive their pairing (SET NULL); one for no
newcomer is refused. Downgrading drops the check-ins and both new columns, keeping the rest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "20261204_fit_checks"
REVISION = "20261205_check_ins"
NOW = datetime(2026, 12, 5, tzinfo=UTC)
CHECK_IN = sa.text(
    "INSERT INTO check_ins (newcomer_id, program_id, pairing_id, answered_at, feeling, talked,"
    " in_danger) VALUES (:n, 1, :p, :at, :feeling, :talked, :danger)"
)
URGENT = "SELECT id, urgent, urgent_since, urgent_case_after FROM newcomers ORDER BY id"


@pytest.mark.parametrize("backend", BACKENDS)
def test_cases_stay_as_they_were_and_check_ins_follow_their_newcomer(
    backend: str, tmp_path: Path
) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE newcomers SET urgent = true WHERE id = 1"))
            conn.execute(
                sa.text(
                    "INSERT INTO urgent_contacts (id, newcomer_id, coordinator_id,"
                    " contacted_at, outcome, handled, note)"
                    " VALUES (100, 1, 2, :at, 'reached', true, '')"
                ),
                {"at": NOW},
            )
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | {"check_ins": 0}
            rows = [tuple(r) for r in conn.execute(sa.text(URGENT))]
            assert [(i, bool(u), s, a) for i, u, s, a in rows][:2] == [
                (1, True, None, 0),
                (2, False, None, 0),
            ]
            said = {"n": 1, "p": 1, "at": NOW, "feeling": 4, "talked": True, "danger": False}
            conn.execute(CHECK_IN, [said, said | {"n": 2, "p": None, "talked": None}])
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(CHECK_IN, said | {"n": 99})  # no such newcomer
            conn.execute(sa.text("DELETE FROM pairings WHERE id = 1"))
            conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
        with engine.connect() as conn:
            kept = conn.execute(
                sa.text("SELECT newcomer_id, pairing_id, feeling FROM check_ins")
            ).all()
            assert [tuple(r) for r in kept] == [(1, None, 4)]
            after = {t: n for t, n in _counts(conn).items() if t != "check_ins"}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert "check_ins" not in sa.inspect(engine).get_table_names()
        columns = {c["name"] for c in sa.inspect(engine).get_columns("newcomers")}
        assert not {"urgent_since", "urgent_case_after"} & columns
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
