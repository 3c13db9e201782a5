"""Migration 20261208_import_mappings with data in every table, on both back ends.

Every row is kept and the new table starts empty; afterwards a program holds one saved
choice per kind of file and set of headers, a choice outlives the account that saved it
(who saved it is forgotten) and goes with its program. Downgrading drops the table and
keeps every other row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, _insert, filled_at

BEFORE = "20261207_assessments"
REVISION = "20261208_import_mappings"
NOW = datetime(2026, 12, 6, tzinfo=UTC)
SAVED = "SELECT program_id, kind, saved_by FROM import_mappings ORDER BY id"


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_keeps_every_row_and_saved_choices_follow_their_program(
    backend: str, tmp_path: Path
) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.begin() as conn:
            _insert(conn, "programs", [
                {"id": 2, "slug": "north", "name": "North", "settings": "{}",
                 "settings_version": 1, "created_at": NOW, "updated_at": NOW}
            ])  # fmt: skip
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | {"import_mappings": 0}
            saved = {"program_id": 1, "kind": "mentors", "headers_hash": "a" * 64,
                     "mapping": '{"date they got sober": "recovery_start"}',
                     "saved_by": 2, "saved_at": NOW}  # fmt: skip
            _insert(conn, "import_mappings", [
                saved, saved | {"kind": "newcomers"}, saved | {"program_id": 2},
            ])  # fmt: skip
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                _insert(conn, "import_mappings", [saved])  # the same program, kind, headers
            conn.execute(sa.text("DELETE FROM users WHERE id = 2"))
            conn.execute(sa.text("DELETE FROM programs WHERE id = 2"))
        with engine.connect() as conn:
            kept = [tuple(r) for r in conn.execute(sa.text(SAVED))]
            assert kept == [(1, "mentors", None), (1, "newcomers", None)]
            after = {t: n for t, n in _counts(conn).items() if t != "import_mappings"}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert "import_mappings" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
