"""Migration pathways_20261209_newcomer with data in every table, on both back ends: each
newcomer's single pathway becomes the main (only) one of their list, none becomes [];
downgrading keeps the main pathway of a newcomer who since gave two, and every row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "20261208_interface_language"
REVISION = "pathways_20261209_newcomer"
PATHWAYS = "SELECT id, pathways FROM newcomers ORDER BY id"
PATHWAY = "SELECT id, pathway FROM newcomers ORDER BY id"


def _lists(rows: list[sa.Row]) -> list[tuple[int, list[str]]]:
    """(id, list) pairs, whether the driver gives JSON as text (SQLite) or as a list."""
    return [(i, json.loads(v) if isinstance(v, str) else v) for i, v in rows]


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_pathway_becomes_the_main_one_and_comes_back(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.begin() as conn:
            before = _counts(conn)
            ids = conn.execute(sa.text("SELECT id FROM newcomers ORDER BY id")).scalars().all()
            assert len(ids) >= 2
            conn.execute(sa.text("UPDATE newcomers SET pathway = NULL"))
            conn.execute(
                sa.text("UPDATE newcomers SET pathway = 'smart_recovery' WHERE id = :id"),
                {"id": ids[0]},
            )
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        columns = {c["name"] for c in sa.inspect(engine).get_columns("newcomers")}
        assert "pathway" not in columns and "pathways" in columns
        with engine.begin() as conn:
            assert _counts(conn) == before
            got = _lists(list(conn.execute(sa.text(PATHWAYS)).all()))
            assert got == [(ids[0], ["smart_recovery"]), *((i, []) for i in ids[1:])]
            conn.execute(
                sa.text("UPDATE newcomers SET pathways = :p WHERE id = :id"),
                {"p": json.dumps(["twelve_step", "medication_supported"]), "id": ids[1]},
            )
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        columns = {c["name"] for c in sa.inspect(engine).get_columns("newcomers")}
        assert "pathways" not in columns
        with engine.connect() as conn:
            assert _counts(conn) == before
            assert conn.execute(sa.text(PATHWAY)).all()[:2] == [
                (ids[0], "smart_recovery"),
                (ids[1], "twelve_step"),
            ]
            assert all(p is None for _, p in conn.execute(sa.text(PATHWAY)).all()[2:])
        engine.dispose()
        migrate.upgrade(url)
