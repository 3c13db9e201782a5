"""Migration spanish_20261209_user_language with data in every table, on both back ends:
every row is kept and every existing account reads `en` (the language every email was
written in); an account may then read `es`; downgrading drops the column, keeping the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "followups_20261209_episodes"
REVISION = "spanish_20261209_user_language"
LANGUAGES = "SELECT id, interface_language FROM users ORDER BY id"


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_accounts_read_english(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
            ids = conn.execute(sa.text("SELECT id FROM users ORDER BY id")).scalars().all()
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before
            assert conn.execute(sa.text(LANGUAGES)).all() == [(i, "en") for i in ids]
            conn.execute(
                sa.text("UPDATE users SET interface_language = 'es' WHERE id = :id"),
                {"id": ids[0]},
            )
            assert conn.execute(sa.text(LANGUAGES)).all()[0] == (ids[0], "es")
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        columns = {c["name"] for c in sa.inspect(engine).get_columns("users")}
        assert "interface_language" not in columns
        with engine.connect() as conn:
            assert _counts(conn) == before
        engine.dispose()
        migrate.upgrade(url)
