"""Migration 20261203_minimal_intake with data in it, on both back ends.

Existing newcomers keep every answer and their consents (SQLite rebuilds the table: a
cascade must not empty `consents`), become non-minimal, and minimal records may then hold
no gender, birth year or time zone. A downgrade is refused while a minimal record exists
and restores the NOT NULLs once none does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mentormatch import migrate
from mentormatch.db import JSONType, UTCDateTime, make_engine
from tests.db import BACKENDS, throwaway_database

BEFORE = "20261203_login_throttle"
REVISION = "20261203_minimal_intake"
NOW = datetime(2026, 12, 1, tzinfo=UTC)

newcomers = sa.table(
    "newcomers",
    *(
        sa.column(name)
        for name in (
            "id",
            "first_name",
            "share_contact",
            "gender",
            "birth_year",
            "timezone",
            "medication",
            "hopes",
            "urgent",
            "status",
            "status_token_hash",
            "version",
        )
    ),
    *(
        sa.column(name, JSONType)
        for name in (
            "gender_pref",
            "languages",
            "availability",
            "substances",
            "meeting_modes",
            "lived_experience",
            "wanted_experience",
        )
    ),
    *(sa.column(name, UTCDateTime()) for name in ("waiting_since", "created_at", "updated_at")),
)
consents = sa.table(
    "consents",
    sa.column("id"),
    sa.column("newcomer_id"),
    sa.column("scope", JSONType),
    sa.column("version"),
    sa.column("agreed_at", UTCDateTime()),
)


def row(newcomer_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "id": newcomer_id,
        "first_name": f"N{newcomer_id}",
        "share_contact": False,
        "gender": "woman",
        "birth_year": 1990,
        "timezone": "America/Chicago",
        "medication": "none",
        "hopes": "",
        "urgent": False,
        "status": "waiting",
        "status_token_hash": f"{newcomer_id:064d}",
        "version": 1,
        "gender_pref": [],
        "languages": ["en"],
        "availability": [],
        "substances": ["alcohol"],
        "meeting_modes": ["video"],
        "lived_experience": [],
        "wanted_experience": [],
        "waiting_since": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    } | overrides


def _revision(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar())


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_keeps_data_and_downgrade_refuses_minimal_records(
    backend: str, tmp_path: Path
) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, BEFORE)
            with engine.begin() as conn:
                conn.execute(newcomers.insert(), [row(1), row(2, urgent=True)])
                conn.execute(
                    consents.insert(),
                    [
                        {
                            "newcomer_id": 1,
                            "scope": ["store_profile"],
                            "version": "2026-11",
                            "agreed_at": NOW,
                        }
                    ],
                )
            engine.dispose()

            migrate.upgrade(url, REVISION)
            engine.dispose()
            with engine.begin() as conn:
                kept = conn.execute(
                    sa.text(
                        "SELECT id, gender, birth_year, urgent, minimal FROM newcomers ORDER BY id"
                    )
                ).all()
                assert [tuple(r) for r in kept] == [
                    (1, "woman", 1990, False, False),
                    (2, "woman", 1990, True, False),
                ]
                assert conn.execute(sa.text("SELECT count(*) FROM consents")).scalar() == 1
                conn.execute(
                    newcomers.insert(),
                    [
                        row(
                            3,
                            gender=None,
                            birth_year=None,
                            timezone=None,
                            languages=[],
                            substances=[],
                            meeting_modes=[],
                            urgent=True,
                        )
                    ],
                )
                conn.execute(
                    sa.text("UPDATE newcomers SET minimal = :yes WHERE id = 3"), {"yes": True}
                )
            engine.dispose()

            with pytest.raises(RuntimeError, match="minimal urgent request"):
                migrate.downgrade(url, BEFORE)
            engine.dispose()
            assert _revision(engine) == REVISION

            with engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM newcomers WHERE id = 3"))
            engine.dispose()
            migrate.downgrade(url, BEFORE)
            engine.dispose()
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM newcomers")).scalar() == 2
                assert conn.execute(sa.text("SELECT count(*) FROM consents")).scalar() == 1
            with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
                conn.execute(newcomers.insert(), [row(4, gender=None)])
            engine.dispose()
            migrate.upgrade(url)
        finally:
            engine.dispose()
