"""Migrations 20261204_contacts and 20261204_quiet with data in them, on both back ends.

Every table holds rows before; after the upgrades nothing is lost, contacts and nudges
follow their pairing (cascade, so with the newcomer too), a contact for no pairing and a
second nudge for the same silence are refused. Downgrading drops the two tables and keeps
everything else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mentormatch import migrate
from mentormatch.db import make_engine
from tests.db import BACKENDS, throwaway_database
from tests.reliability.test_migration_programs import _arrange, _counts

BEFORE_PROGRAMS = "20261203_urgent_contacts"
CONTACTS = "20261204_contacts"
QUIET = "20261204_quiet"
NOW = datetime(2026, 12, 4, tzinfo=UTC)
NEW_TABLES = ("pairing_contacts", "pairing_nudges")

CONTACT = sa.text(
    "INSERT INTO pairing_contacts (pairing_id, program_id, logged_by, contacted_on, mode, "
    "minutes, note, created_at) VALUES (:p, 1, :u, :day, :mode, :m, :note, :at)"
)
NUDGE = sa.text(
    "INSERT INTO pairing_nudges (pairing_id, program_id, kind, quiet_since, after_days, at) "
    "VALUES (:p, 1, :kind, :since, 14, :at)"
)


def _without_new(conn: Connection) -> dict[str, int]:
    return {t: n for t, n in _counts(conn).items() if t not in NEW_TABLES}


@pytest.mark.parametrize("backend", BACKENDS)
def test_contacts_and_nudges_follow_their_pairing(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, BEFORE_PROGRAMS)
            with engine.begin() as conn:
                _arrange(conn)
            engine.dispose()
            migrate.upgrade(url, "20261203_programs")
            engine.dispose()
            with engine.connect() as conn:
                before = _without_new(conn)

            migrate.upgrade(url, CONTACTS)
            engine.dispose()
            day = date(2026, 12, 1)
            with engine.begin() as conn:
                assert _without_new(conn) == before
                conn.execute(CONTACT, [
                    {"p": 1, "u": 4, "day": day, "mode": "phone", "m": 30, "note": "ok", "at": NOW},
                    {"p": 1, "u": 4, "day": day, "mode": "text", "m": 5, "note": None, "at": NOW},
                    {"p": 2, "u": 4, "day": day, "mode": "video", "m": 60, "note": None,
                     "at": NOW},
                ])  # fmt: skip
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(
                        CONTACT,
                        {"p": 99, "u": 4, "day": day, "mode": "phone", "m": 1, "note": None,
                         "at": NOW},
                    )  # fmt: skip
            engine.dispose()

            migrate.upgrade(url, QUIET)
            engine.dispose()
            with engine.begin() as conn:
                nudge = {"p": 1, "kind": "quiet_reminder", "since": day, "at": NOW}
                conn.execute(NUDGE, [nudge, nudge | {"kind": "quiet_escalation"}])
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(NUDGE, nudge)  # the same silence, twice
                conn.execute(NUDGE, nudge | {"since": date(2026, 12, 2)})  # a new silence
                conn.execute(NUDGE, nudge | {"p": 2})
                # The second newcomer is erased: their pairing goes, and its rows with it.
                conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
            with engine.connect() as conn:
                kept = conn.execute(
                    sa.text("SELECT pairing_id, mode FROM pairing_contacts ORDER BY id")
                ).all()
                assert [tuple(r) for r in kept] == [(1, "phone"), (1, "text")]
                nudges = conn.execute(
                    sa.text("SELECT pairing_id, kind FROM pairing_nudges ORDER BY id")
                ).all()
                assert [tuple(r) for r in nudges] == [
                    (1, "quiet_reminder"),
                    (1, "quiet_escalation"),
                    (1, "quiet_reminder"),
                ]
                after = _without_new(conn)
            engine.dispose()

            migrate.downgrade(url, "20261203_programs")
            engine.dispose()
            tables = sa.inspect(engine).get_table_names()
            assert not set(NEW_TABLES) & set(tables)
            with engine.connect() as conn:
                assert _without_new(conn) == after
            engine.dispose()
            migrate.upgrade(url)
        finally:
            engine.dispose()
