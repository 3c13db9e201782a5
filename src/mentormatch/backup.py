"""Online backup and restore: SQLite's backup API, or pg_dump/pg_restore for PostgreSQL.

Both work while the app is serving: a SQLite backup copies a consistent snapshot page by
page; pg_dump reads one snapshot in a repeatable-read transaction. A restore then moves the
mentor pool's version (`mentors.models.MentorPool`) past every value it has held: a worker's
ranker cache trusts that number, and the backup's own value may already have been seen
with other data.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from mentormatch.db import make_engine

# How far a restore moves the pool version past the larger of its value just before the
# restore and the backup's: more than the commits any worker could see during a restore.
VERSION_LEAP = 1 << 32


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("backup needs a SQLite database file, not an in-memory database")
    return database


def _libpq_url(url: str) -> str:
    """The URL without SQLAlchemy's driver name, as pg_dump and pg_restore expect it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, path: Path) -> None:
    """Write a consistent copy of the database at `url` to `path` (the app may keep serving)."""
    path = Path(path)
    if url.startswith("sqlite"):
        tmp = path.with_name(path.name + ".partial")
        tmp.unlink(missing_ok=True)
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        tmp.replace(path)  # only a complete backup ever carries the final name
        return
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), _libpq_url(url)],
        check=True,
        capture_output=True,
    )


def _pool_version(connection: Connection) -> int | None:
    """The mentor pool's version, or None if the database has no pool table (yet)."""
    if not inspect(connection).has_table("mentor_pool"):
        return None
    version = connection.execute(text("SELECT version FROM mentor_pool WHERE id = 1")).scalar()
    return None if version is None else int(version)


def restore(url: str, path: Path) -> None:
    """Replace the contents of the database at `url` with the backup at `path`, then move
    the pool version past any value a serving worker may have seen."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no backup at {path}")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            before = _pool_version(connection)
        _restore(url, path)
        with engine.begin() as connection:
            restored = _pool_version(connection)
            if restored is not None:
                connection.execute(
                    text("UPDATE mentor_pool SET version = :version WHERE id = 1"),
                    {"version": max(restored, before or 0) + VERSION_LEAP},
                )
    finally:
        engine.dispose()


def _restore(url: str, path: Path) -> None:
    """Copy the backup's contents over the database's."""
    if url.startswith("sqlite"):
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url), timeout=30)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise ValueError(f"{path} is not an intact SQLite backup")
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            _libpq_url(url),
            str(path),
        ],
        check=True,
        capture_output=True,
    )
