"""Migration 20261208_interface_language with data in every table, on both back ends: every
row is kept and every existing newcomer reads `en` (the language every page was written in);
a newcomer written afterwards may read `es`; downgrading drops the column, keeping the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "20261208_import_jobs"
REVISION = "20261208_interface_language"
LANGUAGES = "SELECT id, interface_language FROM newcomers ORDER BY id"


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_newcomers_read_english(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
            ids = conn.execute(sa.text("SELECT id FROM newcomers ORDER BY id")).scalars().all()
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before
            assert conn.execute(sa.text(LANGUAGES)).all() == [(i, "en") for i in ids]
            conn.execute(
                sa.text("UPDATE newcomers SET interface_language = 'es' WHERE id = :id"),
                {"id": ids[0]},
            )
            assert conn.execute(sa.text(LANGUAGES)).all()[0] == (ids[0], "es")
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        columns = {c["name"] for c in sa.inspect(engine).get_columns("newcomers")}
        assert "interface_language" not in columns
        with engine.connect() as conn:
            assert _counts(conn) == before
        engine.dispose()
        migrate.upgrade(url)
