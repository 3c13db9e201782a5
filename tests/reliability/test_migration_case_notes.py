"""Migration 20261204_case_notes with data in it, on both back ends.

Existing newcomers, pairings and accounts are untouched; notes written after the upgrade go
with their newcomer (cascade, as at erasure), outlive their pairing and their author's
account (SET NULL), and a note for no newcomer is refused. Downgrading drops the notes and
keeps everything else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from mentormatch.db import make_engine
from tests.db import BACKENDS, throwaway_database
from tests.reliability.test_migration_programs import _insert, newcomers_now
from tests.reliability.test_minimal_intake_migration import row as newcomer_row

BEFORE = "20261204_audit_index"
REVISION = "20261204_case_notes"
NOW = datetime(2026, 12, 4, tzinfo=UTC)
MENTOR = {
    "first_name": "Alex", "gender": "man", "mentee_genders": "[]", "birth_year": 1980,
    "languages": '["en"]', "timezone": "UTC", "availability": "[]",
    "substances": '["alcohol"]', "pathways": "[]", "pathways_ruled_out": "[]",
    "medication_affirming": True, "meeting_modes": '["video"]', "lived_experience": "[]",
    "interests": "", "recovery_start": "2015-01-01", "capacity": 2, "vetted": True,
    "active": True, "paused": False, "youth_vetted": False, "version": 1,
    "created_at": NOW, "updated_at": NOW, "program_id": 1,
}  # fmt: skip
INSERT_NOTE = sa.text(
    "INSERT INTO case_notes (newcomer_id, pairing_id, author_id, author_role, written_at, text)"
    " VALUES (:n, :p, :a, 'coordinator', :at, :text)"
)


def _arrange(conn: sa.Connection) -> None:
    _insert(conn, "users", [
        {"id": i, "email": e, "password_hash": "x", "role": r, "is_active": True, "created_at": NOW}
        for i, e, r in ((2, "coord@example.org", "coordinator"), (4, "m@example.org", "mentor"))
    ])  # fmt: skip
    _insert(conn, "mentors", [MENTOR | {"id": 1, "user_id": 4}])
    conn.execute(newcomers_now.insert(), [
        newcomer_row(i) | {"reference": f"REF{i}ABCD", "program_id": 1} for i in (1, 2)
    ])  # fmt: skip
    _insert(conn, "pairings", [
        {"id": 1, "reference": "PAIR1XYZ", "newcomer_id": 1, "mentor_id": 1, "program_id": 1,
         "status": "active", "components": "{}", "reasons": "[]", "created_at": NOW,
         "updated_at": NOW}
    ])  # fmt: skip


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_keeps_data_and_notes_follow_their_newcomer(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, BEFORE)
            with engine.begin() as conn:
                _arrange(conn)
            engine.dispose()

            migrate.upgrade(url, REVISION)
            engine.dispose()
            with engine.begin() as conn:
                conn.execute(INSERT_NOTE, [
                    {"n": 1, "p": None, "a": 2, "at": NOW, "text": "case"},
                    {"n": 1, "p": 1, "a": 2, "at": NOW, "text": "about the pairing"},
                    {"n": 2, "p": None, "a": 2, "at": NOW, "text": "other"},
                ])  # fmt: skip
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(INSERT_NOTE, {"n": 99, "p": None, "a": 2, "at": NOW, "text": "x"})
                conn.execute(sa.text("DELETE FROM pairings WHERE id = 1"))
                conn.execute(sa.text("DELETE FROM users WHERE id = 2"))
                conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))
            with engine.connect() as conn:
                kept = conn.execute(sa.text(
                    "SELECT newcomer_id, pairing_id, author_id, author_role, text, written_at"
                    " FROM case_notes ORDER BY id"
                )).all()  # fmt: skip
                assert [tuple(r)[:5] for r in kept] == [
                    (1, None, None, "coordinator", "case"),
                    (1, None, None, "coordinator", "about the pairing"),
                ]
                names = conn.execute(sa.text("SELECT first_name FROM newcomers")).scalars().all()
                assert names == ["N1"]
            engine.dispose()

            migrate.downgrade(url, BEFORE)
            engine.dispose()
            assert "case_notes" not in sa.inspect(engine).get_table_names()
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM newcomers")).scalar() == 1
                assert conn.execute(sa.text("SELECT count(*) FROM mentors")).scalar() == 1
            engine.dispose()
            migrate.upgrade(url)
        finally:
            engine.dispose()
