"""Comparing what a database holds before and after a request or a restore."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from mentormatch.models import metadata

# Tables a refused request may legitimately write to (the audit trail of the refusal).
JOURNAL = frozenset({"audit_events", "auth_sessions"})


def rows(bind: Session | Connection, *, skip: frozenset[str] = JOURNAL) -> dict[str, list[Any]]:
    """Every row of every table (but `skip`), ordered by primary key, as plain tuples."""
    out: dict[str, list[Any]] = {}
    for table in metadata.sorted_tables:
        if table.name in skip:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        out[table.name] = [tuple(r) for r in bind.execute(select(table).order_by(*order))]
    return out
