"""Online backup and restore: SQLite's backup API, or pg_dump/pg_restore for PostgreSQL.

Both work while the app is serving: a SQLite backup copies a consistent snapshot page by
page; pg_dump reads one snapshot in a repeatable-read transaction.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


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


def restore(url: str, path: Path) -> None:
    """Replace the contents of the database at `url` with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no backup at {path}")
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
