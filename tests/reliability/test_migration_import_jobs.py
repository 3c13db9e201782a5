"""Migration 20261208_import_jobs with data in every table, on both back ends.

Every row is kept and the new table starts empty; afterwards a job outlives its upload
(deleted once imported: the job forgets it) and goes with the account that started it.
Downgrading drops the table and keeps every other row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, _insert, filled_at

BEFORE = "20261208_import_mappings"
REVISION = "20261208_import_jobs"
NOW = datetime(2026, 12, 6, tzinfo=UTC)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_keeps_every_row_and_a_job_outlives_its_upload(
    backend: str, tmp_path: Path
) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | {"import_jobs": 0}
            _insert(conn, "import_uploads", [
                {"id": 1, "key_hash": "e" * 64, "user_id": 2, "program_id": 1,
                 "kind": "mentors", "filename": "m.csv", "content": b"a,b\n",
                 "mapping": "{}", "created_at": NOW}
            ])  # fmt: skip
            job = {"key_hash": "f" * 64, "user_id": 2, "program_id": 1, "upload_id": 1,
                   "kind": "mentors", "filename": "m.csv", "state": "checking", "total": 0,
                   "checked": 0, "created": 0, "updated": 0, "unchanged": 0,
                   "problems": "[]", "started_at": NOW, "updated_at": NOW}  # fmt: skip
            _insert(conn, "import_jobs", [
                job | {"id": 1}, job | {"id": 2, "key_hash": "g" * 64, "user_id": 3},
            ])  # fmt: skip
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                _insert(conn, "import_jobs", [job | {"id": 3, "upload_id": 99}])
            conn.execute(sa.text("DELETE FROM import_uploads WHERE id = 1"))
            conn.execute(sa.text("DELETE FROM users WHERE id = 3"))
        with engine.connect() as conn:
            kept = conn.execute(sa.text("SELECT id, upload_id FROM import_jobs")).all()
            assert [tuple(r) for r in kept] == [(1, None)]
            after = {t: n for t, n in _counts(conn).items() if t != "import_jobs"}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert "import_jobs" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
