"""Migrations: upgrade from empty, downgrade to empty and up again, on both back ends."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from mentormatch import migrate
from mentormatch.db import make_engine
from mentormatch.models import metadata
from tests.db import BACKENDS, throwaway_database

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade_from_empty(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url)
            with engine.connect() as conn:
                diff = compare_metadata(
                    MigrationContext.configure(conn, opts={"compare_type": True}), metadata
                )
            assert diff == []
            migrate.downgrade(url, "base")
            engine.dispose()
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            migrate.upgrade(url)
            engine.dispose()
            assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()


THROTTLE = "20261203_login_throttle"


@pytest.mark.parametrize("backend", BACKENDS)
def test_login_throttle_migration_keeps_accounts_and_sessions(backend: str, tmp_path: Path) -> None:
    """Up: the lock columns go, accounts and their sessions stay. Down: the failures go."""
    previous = ScriptDirectory.from_config(migrate.alembic_config()).get_revision(THROTTLE)
    assert previous is not None and isinstance(previous.down_revision, str)
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, previous.down_revision)
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, role, is_active,"
                        " failed_logins, locked_until_at, created_at) VALUES (7,"
                        " 'locked@example.org', 'h', 'coordinator', true, 4, :at, :at)"
                    ),
                    {"at": NOW},
                )
                conn.execute(
                    text(
                        "INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at)"
                        " VALUES (:digest, 7, :at, :at)"
                    ),
                    {"digest": "d" * 64, "at": NOW},
                )
            engine.dispose()
            migrate.upgrade(url, THROTTLE)
            engine.dispose()
            columns = {c["name"] for c in inspect(engine).get_columns("users")}
            assert not columns & {"failed_logins", "locked_until_at"}
            with engine.begin() as conn:
                assert conn.execute(text("SELECT email FROM users")).scalars().all() == [
                    "locked@example.org"
                ]
                assert conn.execute(text("SELECT user_id FROM auth_sessions")).scalar() == 7
                conn.execute(
                    text(
                        "INSERT INTO login_failures (account, client, failed_at)"
                        " VALUES (:account, '203.0.113.9', :at)"
                    ),
                    {"account": "a" * 64, "at": NOW},
                )
            engine.dispose()
            migrate.downgrade(url, previous.down_revision)
            engine.dispose()
            assert "login_failures" not in inspect(engine).get_table_names()
            with engine.begin() as conn:
                row = conn.execute(text("SELECT email, failed_logins FROM users")).one()
                assert tuple(row) == ("locked@example.org", 0)
                assert conn.execute(text("SELECT count(*) FROM auth_sessions")).scalar() == 1
        finally:
            engine.dispose()
