"""Migration 20261204_newcomer_search with data in it, on both back ends.

Every existing newcomer gets the search keys the application would give them (so the
queue's search finds people who applied before the upgrade, by name in any case or accent,
email or phone digits), within their program; downgrading drops the keys and their indexes
and keeps every newcomer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentormatch import migrate
from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.db import make_engine
from mentormatch.newcomers import service
from mentormatch.newcomers.search import NewcomerFilters
from tests.db import BACKENDS, throwaway_database
from tests.reliability.test_minimal_intake_migration import NOW
from tests.reliability.test_minimal_intake_migration import newcomers as _before_references
from tests.reliability.test_minimal_intake_migration import row as _row

BEFORE = "20261204_case_notes"
REVISION = "20261204_newcomer_search"
KEYS = {"name_key", "email_key", "phone_key"}
newcomers = sa.table(
    "newcomers",
    *(sa.column(c.name, c.type) for c in _before_references.columns),
    *(sa.column(name) for name in ("reference", "program_id", "email", "phone")),
)


def row(newcomer_id: int, **answers: object) -> dict[str, object]:
    return _row(newcomer_id, reference=f"REF{newcomer_id}ABCD", program_id=1, **answers)


PEOPLE = [
    row(1, first_name="Émilie", email="Emilie.B@Example.org", phone="+1 (555) 010-7788"),
    row(2, first_name="Zoë Ann", email=None, phone=None),
    row(3, first_name="Sam", email="sam@example.org", phone="555 010 2030"),
]


def _columns(engine: sa.Engine) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns("newcomers")}


def _found(engine: sa.Engine, q: str) -> list[str]:
    coordinator = Principal(Role.coordinator, user_id=1, program_ids=frozenset((1,)))
    with Session(engine) as session:
        rows, total = service.list_newcomers(
            session,
            actor=coordinator,
            chosen=NewcomerFilters(q=q),
            now=NOW,
            limit=10,
            offset=0,
        )
        assert total == len(rows)
        return sorted(n.first_name for n in rows)


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_newcomers_are_found_after_the_upgrade(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, BEFORE)
            with engine.begin() as conn:
                conn.execute(newcomers.insert(), PEOPLE)
            engine.dispose()

            migrate.upgrade(url, REVISION)
            engine.dispose()
            with engine.connect() as conn:
                keys = conn.execute(
                    sa.text("SELECT id, name_key, email_key, phone_key FROM newcomers ORDER BY id")
                ).all()
            assert [tuple(k) for k in keys] == [
                (1, "emilie", "emilie.b@example.org", "88770105551"),
                (2, "zoe ann", None, None),
                (3, "sam", "sam@example.org", "0302010555"),
            ]
            migrate.upgrade(url)  # the search reads through today's models
            engine.dispose()
            assert _found(engine, "EMI") == ["Émilie"]
            assert _found(engine, "zoë") == ["Zoë Ann"]
            assert _found(engine, "010-7788") == ["Émilie"]
            assert _found(engine, "sam@") == ["Sam"]
            names = {i["name"] for i in sa.inspect(engine).get_indexes("newcomers")}
            assert {"ix_newcomers_name_key", "ix_newcomers_phone_key"} <= names
            engine.dispose()

            migrate.downgrade(url, BEFORE)
            engine.dispose()
            assert not KEYS & _columns(engine)
            with engine.connect() as conn:
                kept = conn.execute(sa.text("SELECT first_name FROM newcomers ORDER BY id"))
                assert kept.scalars().all() == ["Émilie", "Zoë Ann", "Sam"]
            migrate.upgrade(url)  # and up again
            engine.dispose()
            assert _columns(engine) >= KEYS
        finally:
            engine.dispose()
