"""Test databases: a SQLite file and a throwaway PostgreSQL database per run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Engine

from mentormatch.models import metadata

PG_ADMIN_DSN = os.environ.get(
    "MENTORMATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = os.environ.get("MENTORMATCH_TEST_BACKENDS", "sqlite,postgresql").split(",")


@contextmanager
def throwaway_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """A fresh, empty database URL for `backend`, removed afterwards."""
    if backend == "sqlite":
        path = tmp_dir / f"mm-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        return
    name = f"mm_test_{uuid.uuid4().hex[:12]}"
    # No skip: if PostgreSQL is unreachable this raises and the PostgreSQL tests fail loudly.
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + (
            f"/{name}"
        )
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def truncate_all(engine: Engine) -> None:
    """Empty every table (for tests that commit for real, e.g. concurrency), leaving the
    mentor pool's version row and the default program as the migrations do."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
        conn.execute(text("INSERT INTO mentor_pool (id, version) VALUES (1, 1)"))
        conn.execute(
            text(
                "INSERT INTO programs (id, slug, name, settings, settings_version,"
                " created_at, updated_at) VALUES (1, 'main', 'Main program', '{}', 1,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('programs', 'id'), 1)"))
