"""Migration 20261204_fit_checks with data in every table, on both back ends.

Every row is kept; afterwards each side answers once per pairing (a second answer from the
same side is refused, an answer for no pairing too), and the answers go with their
pairing (cascade, so with the newcomer); the coordinator who kept a pairing after a "not a
fit" may leave (their account id is cleared, the decision kept). Downgrading drops the
table and keeps every other row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "20261204_import_consent"
REVISION = "20261204_fit_checks"
NOW = datetime(2026, 12, 4, tzinfo=UTC)
ANSWER = sa.text(
    "INSERT INTO fit_checks (pairing_id, program_id, side, answer, word, answered_at) "
    "VALUES (:p, 1, :side, :answer, :word, :at)"
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_answers_are_once_per_side_and_follow_their_pairing(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | {"fit_checks": 0}
            said = {"p": 1, "side": "mentor", "answer": "good_fit", "word": None, "at": NOW}
            conn.execute(ANSWER, [
                said,
                said | {"side": "newcomer", "answer": "not_a_fit", "word": "too rushed"},
                said | {"p": 2},
            ])  # fmt: skip
            for refused in (
                said | {"answer": "not_sure"},  # the same side, twice
                said | {"p": 99},  # no such pairing
            ):
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(ANSWER, refused)
            # The second newcomer is erased: their pairing goes, and its answers with it.
            conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
            conn.execute(
                sa.text("UPDATE fit_checks SET kept_at = :at, kept_by = 3 WHERE id = 2"),
                {"at": NOW},
            )
            conn.execute(sa.text("DELETE FROM users WHERE id = 3"))  # a coordinator leaves
        with engine.connect() as conn:
            kept = conn.execute(
                sa.text(
                    "SELECT pairing_id, side, answer, word, kept_at IS NOT NULL, kept_by "
                    "FROM fit_checks ORDER BY id"
                )
            ).all()
            assert [tuple(r) for r in kept] == [
                (1, "mentor", "good_fit", None, False, None),
                (1, "newcomer", "not_a_fit", "too rushed", True, None),
            ]
            after = {t: n for t, n in _counts(conn).items() if t != "fit_checks"}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert "fit_checks" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
