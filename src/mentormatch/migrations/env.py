"""Alembic environment: migrates the database named by the settings (or a given connection)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from mentormatch.config import get_settings
from mentormatch.db import make_engine
from mentormatch.models import metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Connection) -> None:
    """Run the migrations in one transaction; on SQLite, with foreign keys off.

    SQLite changes a table by rebuilding it (a new copy replaces the old), and dropping
    the old table with foreign keys on would first delete, by cascade, every row that
    refers to it. SQLite switches foreign keys only outside a transaction, so they are
    turned off before it and on again after, and `PRAGMA foreign_key_check` must find no
    dangling reference before the migrations commit.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _foreign_keys(connection, on=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if dangling:
                    raise RuntimeError(f"migrations left dangling references: {dangling[:5]}")
    finally:
        if sqlite:
            _foreign_keys(connection, on=True)


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign keys (a no-op inside a transaction, so commit around it)."""
    if connection.in_transaction():
        connection.commit()
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


run_migrations()
