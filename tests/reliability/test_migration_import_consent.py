"""Migration 20261204_import_consent with data in every table, on both back ends.

Every row is kept; existing consents read as given by the person (no importer, no file),
existing people have no external id; afterwards an external id is unique within a program
only, the mentor pool's triggers still run (no table was rebuilt), an upload goes with its
account. Downgrading keeps every row and drops the new columns and table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import POOL, _counts, _insert, filled_at

BEFORE = "20261204_newcomer_search"
REVISION = "20261204_import_consent"
NOW = datetime(2026, 12, 4, tzinfo=UTC)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_keeps_every_row_and_adds_the_import_fields(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            after = _counts(conn)
            assert after == before | {"import_uploads": 0}
            consents = conn.execute(
                sa.text("SELECT entered_by, source FROM consents ORDER BY id")
            ).all()
            assert [tuple(c) for c in consents] == [(None, None)] * 3
            ids = conn.execute(sa.text("SELECT external_id FROM mentors")).scalars().all()
            assert ids == [None, None]
            conn.execute(sa.text("UPDATE mentors SET external_id = 'M-1' WHERE id = 1"))
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(sa.text("UPDATE mentors SET external_id = 'M-1' WHERE id = 2"))
            conn.execute(sa.text("UPDATE newcomers SET external_id = 'M-1' WHERE id = 1"))
            conn.execute(
                sa.text("UPDATE consents SET entered_by = 2, source = 'f.csv' WHERE id = 1")
            )
            pool = conn.execute(sa.text(POOL)).scalar_one()
            conn.execute(sa.text("UPDATE mentors SET capacity = 3 WHERE id = 2"))
        with engine.begin() as conn:
            assert conn.execute(sa.text(POOL)).scalar_one() > pool  # triggers still run
            _insert(conn, "import_uploads", [
                {"id": 1, "key_hash": "e" * 64, "user_id": 3, "program_id": 1,
                 "kind": "mentors", "filename": "m.csv", "content": b"a,b\n",
                 "mapping": "{}", "created_at": NOW}
            ])  # fmt: skip
            conn.execute(sa.text("DELETE FROM users WHERE id = 3"))
            assert conn.execute(sa.text("SELECT count(*) FROM import_uploads")).scalar() == 0
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        inspector = sa.inspect(engine)
        assert "import_uploads" not in inspector.get_table_names()
        assert "external_id" not in {c["name"] for c in inspector.get_columns("mentors")}
        assert "source" not in {c["name"] for c in inspector.get_columns("consents")}
        with engine.connect() as conn:
            assert _counts(conn) == before | {"users": before["users"] - 1}
        engine.dispose()
        migrate.upgrade(url)
