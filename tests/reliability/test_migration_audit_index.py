"""Migration 20261204_audit_index with a trail in it, on both back ends.

Upgrading keeps every audit event and adds the indexes the admin's search by actor and by
action reads (usable by each back end's planner); downgrading drops them and keeps the
events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from mentormatch.db import make_engine
from tests.db import BACKENDS, throwaway_database

BEFORE = "20261204_quiet"
REVISION = "20261204_audit_index"
NOW = datetime(2026, 12, 4, tzinfo=UTC)
INDEXES = {"ix_audit_events_actor", "ix_audit_events_action"}

events = sa.table(
    "audit_events",
    *(sa.column(n) for n in ("actor_role", "actor_id", "action", "object_type", "object_id")),
    sa.column("outcome"),
    sa.column("at", sa.DateTime(timezone=True)),
)


def _rows(n: int) -> list[dict[str, object]]:
    return [
        {
            "actor_role": ("coordinator", "mentor", "newcomer")[i % 3],
            "actor_id": i % 7 + 1,
            "action": ("read", "list", "update")[i % 3],
            "object_type": "newcomer",
            "object_id": i % 11 + 1,
            "outcome": "ok",
            "at": NOW - timedelta(minutes=i),
        }
        for i in range(n)
    ]


def _plan(conn: sa.Connection, backend: str, query: str) -> str:
    if backend == "sqlite":
        return " ".join(str(r[-1]) for r in conn.execute(sa.text(f"EXPLAIN QUERY PLAN {query}")))
    conn.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a few rows: force the choice
    return " ".join(str(r[0]) for r in conn.execute(sa.text(f"EXPLAIN {query}")))


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_keeps_the_trail_and_indexes_the_search(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, BEFORE)
            with engine.begin() as conn:
                conn.execute(events.insert(), _rows(300))
            engine.dispose()

            migrate.upgrade(url, REVISION)
            engine.dispose()
            names = {i["name"] for i in sa.inspect(engine).get_indexes("audit_events")}
            assert names >= INDEXES
            by_actor = (
                "SELECT id FROM audit_events WHERE actor_role = 'coordinator' AND actor_id = 4 "
                "ORDER BY at DESC LIMIT 50"
            )
            by_action = (
                "SELECT id FROM audit_events WHERE action = 'list' ORDER BY at DESC LIMIT 50"
            )
            with engine.begin() as conn:
                assert conn.scalar(sa.text("SELECT count(*) FROM audit_events")) == 300
                assert "ix_audit_events_actor" in _plan(conn, backend, by_actor)
            with engine.begin() as conn:
                assert "ix_audit_events_action" in _plan(conn, backend, by_action)
            engine.dispose()

            migrate.downgrade(url, BEFORE)
            engine.dispose()
            names = {i["name"] for i in sa.inspect(engine).get_indexes("audit_events")}
            assert not INDEXES & names
            with engine.connect() as conn:
                assert conn.scalar(sa.text("SELECT count(*) FROM audit_events")) == 300
        finally:
            engine.dispose()
