"""Migration 20261203_urgent_contacts with data in it, on both back ends.

Existing newcomers and accounts are untouched; attempts recorded after the upgrade go with
their newcomer (cascade) and outlive the coordinator's account (SET NULL); an attempt
for no newcomer is refused. Downgrading drops the table and keeps everything else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from mentormatch.db import make_engine
from tests.db import BACKENDS, throwaway_database
from tests.reliability.test_minimal_intake_migration import newcomers as _before_references
from tests.reliability.test_minimal_intake_migration import row

BEFORE = "20261203_ids_and_references"
REVISION = "20261203_urgent_contacts"
NOW = datetime(2026, 12, 3, tzinfo=UTC)

newcomers = sa.table(
    "newcomers",
    *(sa.column(c.name, c.type) for c in _before_references.columns),
    sa.column("reference"),
)
users = sa.table(
    "users",
    *(sa.column(n) for n in ("id", "email", "password_hash", "role", "is_active")),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_keeps_data_and_attempts_follow_their_newcomer(
    backend: str, tmp_path: Path
) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, BEFORE)
            with engine.begin() as conn:
                refs = {"reference": "ABCD2345"}
                conn.execute(newcomers.insert(), [row(1, urgent=True) | refs])
                conn.execute(newcomers.insert(), [row(2) | {"reference": "EFGH6789"}])
                conn.execute(
                    users.insert(),
                    [
                        {
                            "id": 7,
                            "email": "c@example.org",
                            "password_hash": "x",
                            "role": "coordinator",
                            "is_active": True,
                            "created_at": NOW,
                        }
                    ],
                )
            engine.dispose()

            migrate.upgrade(url, REVISION)
            engine.dispose()
            insert = sa.text(
                "INSERT INTO urgent_contacts (newcomer_id, coordinator_id, contacted_at, "
                "outcome, handled, note) VALUES (:n, :c, :at, :o, :h, :note)"
            )
            with engine.begin() as conn:
                conn.execute(
                    insert,
                    [
                        {"n": 1, "c": 7, "at": NOW, "o": "no_answer", "h": False, "note": ""},
                        {"n": 1, "c": 7, "at": NOW, "o": "reached", "h": True, "note": "ok"},
                        {"n": 2, "c": 7, "at": NOW, "o": "other", "h": False, "note": ""},
                    ],
                )
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(
                        insert,
                        {"n": 99, "c": 7, "at": NOW, "o": "reached", "h": True, "note": ""},
                    )
                conn.execute(sa.text("DELETE FROM users WHERE id = 7"))
                conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
            with engine.connect() as conn:
                kept = conn.execute(
                    sa.text(
                        "SELECT newcomer_id, coordinator_id, outcome FROM urgent_contacts "
                        "ORDER BY id"
                    )
                ).all()
                assert [tuple(r) for r in kept] == [(1, None, "no_answer"), (1, None, "reached")]
                names = conn.execute(sa.text("SELECT first_name FROM newcomers")).scalars().all()
                assert names == ["N1"]
            engine.dispose()

            migrate.downgrade(url, BEFORE)
            engine.dispose()
            assert "urgent_contacts" not in sa.inspect(engine).get_table_names()
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM newcomers")).scalar() == 1
            engine.dispose()
            migrate.upgrade(url)
        finally:
            engine.dispose()
