"""What every `mentormatch` command shares: one-line errors, and refusing an unmigrated database."""

from __future__ import annotations

from typing import NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError

from mentormatch import migrate
from mentormatch.db import make_engine


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit 2."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def require_database(url: str) -> None:
    """Exit 2 with one line, never a traceback, unless the database is migrated to the newest
    revision (only `db upgrade`, `db downgrade`, `demo` and `restore` run without it)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            current = migrate.is_current(connection)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        fail(f"cannot open the database: {reason}")
    finally:
        engine.dispose()
    if not current:
        typer.secho(migrate.NOT_SET_UP, fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
