"""Migration 20261203_programs with data in every table, on both back ends.

Before the upgrade every table holds rows; after it nothing is lost, every newcomer,
mentor, pairing and program message belongs to the default program (account messages to
none), coordinators (only they) are its members, ids still never come back, the mentor
pool's triggers still run, and the default program cannot be deleted while people belong
to it. Downgrading keeps every row and forgets the programs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mentormatch import migrate
from mentormatch.db import make_engine
from mentormatch.models import metadata
from tests.db import BACKENDS, throwaway_database
from tests.reliability.test_migration_urgent_contacts import newcomers
from tests.reliability.test_minimal_intake_migration import row as newcomer_row

BEFORE = "20261203_urgent_contacts"
REVISION = "20261203_programs"
NOW = datetime(2026, 12, 3, tzinfo=UTC)
PROGRAM_TABLES = ("programs", "program_coordinators", "program_setting_changes")
# Tables later migrations add
LATER_TABLES = (
    *("pairing_contacts", "pairing_nudges", "case_notes", "import_uploads", "fit_checks"),
    *("check_ins", "earlier_recovery_dates", "milestone_messages", "instruments", "assessments"),
    *("import_mappings", "import_jobs"),
    *("shown_lists", "match_decisions", "weight_proposals"),
    *("followup_reminders", "newcomer_episodes"),
)
POOL = "SELECT version FROM mentor_pool WHERE id = 1"


def _insert(conn: Connection, table: str, rows: list[dict[str, object]]) -> None:
    columns = list(rows[0])
    conn.execute(
        sa.text(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            f"({', '.join(':' + c for c in columns)})"
        ),
        rows,
    )


def _arrange(conn: Connection) -> None:
    """Rows in every table the schema had before programs."""
    users = [
        (1, "admin@example.org", "admin"),
        (2, "coord@example.org", "coordinator"),
        (3, "coord2@example.org", "coordinator"),
        (4, "mentor@example.org", "mentor"),
        (5, "mentor2@example.org", "mentor"),
    ]
    _insert(conn, "users", [
        {"id": i, "email": e, "password_hash": "x", "role": r, "is_active": True, "created_at": NOW}
        for i, e, r in users
    ])  # fmt: skip
    _insert(conn, "auth_sessions", [
        {"id": 1, "token_hash": "a" * 64, "user_id": 2, "created_at": NOW, "expires_at": NOW}
    ])  # fmt: skip
    _insert(conn, "login_failures", [
        {"id": 1, "account": "b" * 64, "client": "c" * 64, "failed_at": NOW}
    ])  # fmt: skip
    _insert(conn, "account_tokens", [
        {"id": 1, "purpose": "invitation", "user_id": 5, "token_hash": "d" * 64,
         "created_at": NOW, "expires_at": NOW}
    ])  # fmt: skip
    mentor = {
        "first_name": "Alex", "gender": "man", "mentee_genders": "[]", "birth_year": 1980,
        "languages": '["en"]', "timezone": "UTC", "availability": "[]",
        "substances": '["alcohol"]', "pathways": "[]", "pathways_ruled_out": "[]",
        "medication_affirming": True, "meeting_modes": '["video"]', "lived_experience": "[]",
        "interests": "", "recovery_start": "2015-01-01", "capacity": 2, "vetted": True,
        "active": True, "paused": False, "youth_vetted": False, "version": 1,
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    _insert(conn, "mentors", [mentor | {"id": 1, "user_id": 4}, mentor | {"id": 2, "user_id": 5}])
    conn.execute(newcomers.insert(), [
        newcomer_row(i, urgent=i == 3) | {"reference": f"REF{i}ABCD"} for i in (1, 2, 3)
    ])  # fmt: skip
    # An erased newcomer: the highest id so far, named only by the audit trail now.
    conn.execute(newcomers.insert(), [newcomer_row(4) | {"reference": "REF4ABCD"}])
    conn.execute(sa.text("DELETE FROM newcomers WHERE id = 4"))
    _insert(conn, "consents", [
        {"id": i, "newcomer_id": i, "scope": '["store_profile"]', "version": "2026-11",
         "agreed_at": NOW} for i in (1, 2, 3)
    ])  # fmt: skip
    _insert(conn, "do_not_pair", [
        {"id": 1, "newcomer_id": 1, "mentor_id": 2, "reason": "household", "created_at": NOW}
    ])  # fmt: skip
    _insert(conn, "urgent_contacts", [
        {"id": 1, "newcomer_id": 3, "coordinator_id": 2, "contacted_at": NOW,
         "outcome": "reached", "handled": True, "note": "ok"}
    ])  # fmt: skip
    _insert(conn, "pairings", [
        {"id": i, "reference": f"PAIR{i}XYZ", "newcomer_id": i, "mentor_id": 1,
         "status": status, "components": "{}", "reasons": "[]", "created_at": NOW,
         "updated_at": NOW} for i, status in ((1, "active"), (2, "proposed"))
    ])  # fmt: skip
    _insert(conn, "pairing_events", [
        {"id": i, "pairing_id": i, "to_status": "proposed", "actor_role": "coordinator",
         "reason": "whole_pool", "at": NOW} for i in (1, 2)
    ])  # fmt: skip
    _insert(conn, "outbox", [
        {"id": 1, "kind": "mentor_asked", "pairing_id": 1, "recipient": "mentor@example.org",
         "subject": "s", "body": "b", "created_at": NOW, "next_attempt_at": NOW, "attempts": 0},
        {"id": 2, "kind": "invitation", "pairing_id": None, "recipient": "mentor2@example.org",
         "subject": "s", "body": "b", "created_at": NOW, "next_attempt_at": NOW, "attempts": 0},
        {"id": 3, "kind": "urgent_intake", "pairing_id": None, "recipient": "coord@example.org",
         "subject": "s", "body": "b", "created_at": NOW, "next_attempt_at": NOW, "attempts": 0},
    ])  # fmt: skip
    _insert(conn, "audit_events", [
        {"id": 1, "at": NOW, "actor_role": "coordinator", "actor_id": 2, "action": "read",
         "object_type": "newcomer", "object_id": 9, "outcome": "ok"}
    ])  # fmt: skip


def _tables(conn: Connection) -> list[str]:
    names = sa.inspect(conn).get_table_names()
    return sorted(t for t in names if t != "alembic_version" and t not in PROGRAM_TABLES)


# The revision `_arrange` fills every table at (this migration's own `BEFORE`).
FILLED_AT = "20261203_urgent_contacts"


@contextmanager
def filled_at(backend: str, tmp_path: Path, revision: str) -> Iterator[tuple[str, Engine]]:
    """A throwaway database with a row in every table (`_arrange`, at `FILLED_AT`), then
    migrated to `revision`: its URL and an engine, disposed of afterwards."""
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, FILLED_AT)
            with engine.begin() as conn:
                _arrange(conn)
            engine.dispose()
            migrate.upgrade(url, revision)
            yield url, engine
        finally:
            engine.dispose()


def _counts(conn: Connection) -> dict[str, int]:
    return {
        t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in _tables(conn)
    }


newcomers_now = sa.table(
    "newcomers", *(sa.column(c.name, c.type) for c in newcomers.columns), sa.column("program_id")
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_data_moves_to_the_default_program(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, BEFORE)
            with engine.begin() as conn:
                _arrange(conn)
                if backend == "postgresql":  # as if the rows had taken their ids from it
                    for table in ("users", "mentors", "newcomers", "pairings", "outbox"):
                        conn.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                            f" (SELECT max(id) FROM {table}) + ({int(table == 'newcomers')}))"
                        ))  # fmt: skip
                before = _counts(conn)
            # every table of the schema before programs holds data (not only an empty one)
            later = set(PROGRAM_TABLES) | set(LATER_TABLES)
            assert set(before) == {t.name for t in metadata.sorted_tables} - later
            assert all(n > 0 for n in before.values()), before
            migrate.upgrade(url, REVISION)
            engine.dispose()
            with engine.begin() as conn:
                assert _counts(conn) == before
                assert conn.execute(sa.text("SELECT id, slug FROM programs")).all() == [(1, "main")]
                for table in ("newcomers", "mentors", "pairings"):
                    owners = conn.execute(sa.text(f"SELECT DISTINCT program_id FROM {table}"))
                    assert owners.scalars().all() == [1], table
                outbox = conn.execute(sa.text("SELECT id, program_id FROM outbox ORDER BY id"))
                assert outbox.all() == [(1, 1), (2, None), (3, 1)]
                members = conn.execute(
                    sa.text("SELECT program_id, user_id FROM program_coordinators ORDER BY user_id")
                )
                assert members.all() == [(1, 2), (1, 3)]
                version = conn.execute(sa.text(POOL)).scalar_one()
                conn.execute(sa.text("UPDATE mentors SET capacity = 3"))  # triggers still run
            with engine.connect() as conn:
                assert conn.execute(sa.text(POOL)).scalar_one() > version
            with engine.begin() as conn:  # a new newcomer and a new program take new ids
                fresh = newcomer_row(0, status_token_hash="e" * 64, reference="NEWREF22")
                del fresh["id"]
                conn.execute(newcomers_now.insert(), [fresh | {"program_id": 1}])
                newest = conn.execute(sa.text("SELECT max(id) FROM newcomers")).scalar_one()
                assert newest > 4  # 4 was erased before the upgrade: its id never returns
                conn.execute(sa.text(
                    "INSERT INTO programs (slug, name, settings, settings_version, created_at,"
                    " updated_at) VALUES ('second', 'Second', '{}', 1, :now, :now)"
                ), {"now": NOW})  # fmt: skip
                assert conn.execute(sa.text("SELECT max(id) FROM programs")).scalar_one() == 2
            with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM programs WHERE id = 1"))
            migrate.downgrade(url, BEFORE)
            engine.dispose()
            with engine.begin() as conn:
                assert _counts(conn) == before | {"newcomers": before["newcomers"] + 1}
                assert not set(PROGRAM_TABLES) & set(sa.inspect(conn).get_table_names())
                for table in ("newcomers", "mentors", "pairings", "outbox"):
                    columns = {c["name"] for c in sa.inspect(conn).get_columns(table)}
                    assert "program_id" not in columns, table
        finally:
            engine.dispose()
