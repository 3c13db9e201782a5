"""Ids are never reused: after an erasure, and through migration 20261203_ids_and_references
run on a database holding data (both back ends)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from mentormatch import migrate
from mentormatch.db import make_engine
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from mentormatch.references import is_reference
from tests.conftest import Actor
from tests.db import BACKENDS, throwaway_database
from tests.factories import intake_body, newcomer_id

REVISION = "20261203_ids_and_references"
TABLES = ("users", "mentors", "newcomers", "pairings")
POOL = "SELECT version FROM mentor_pool"


def test_an_erased_newcomers_ids_are_never_handed_out_again(
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_mentor: Callable[..., Actor],
) -> None:
    mentor = make_mentor()

    def newcomer_with_pairing() -> tuple[dict[str, str], int, int]:
        created = client.post("/api/v1/newcomers", json=intake_body()).json()
        the_id = newcomer_id(db, created)
        pairing = client.post(
            "/api/v1/pairings",
            json={"newcomer_id": the_id, "mentor_id": mentor.mentor_id},
            headers=coordinator.headers,
        )
        assert pairing.status_code == 201, pairing.text
        return {"Authorization": f"Bearer {created['status_token']}"}, the_id, pairing.json()["id"]

    headers, erased_id, erased_pairing = newcomer_with_pairing()
    assert client.delete("/api/v1/newcomers/me", headers=headers).status_code == 204
    assert db.get(Newcomer, erased_id) is None and db.get(Pairing, erased_pairing) is None
    _, new_id, new_pairing = newcomer_with_pairing()
    assert new_id > erased_id and new_pairing > erased_pairing


def _previous_revision() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    previous = script.get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    return previous


def _arrange(conn: Connection) -> dict[str, int]:
    """Rows in every table the migration rebuilds or that refers to one, then one erased
    newcomer (and its pairing) whose ids only the audit trail still names."""
    now = "2026-11-30 12:00:00"
    user = conn.execute(
        text(
            "INSERT INTO users (email, password_hash, role, is_active, created_at)"
            " VALUES ('m@example.org', 'x', 'mentor', true, :now) RETURNING id"
        ),
        {"now": now},
    ).scalar_one()
    mentor = conn.execute(
        text(
            "INSERT INTO mentors (user_id, first_name, gender, mentee_genders, birth_year,"
            " languages, timezone, availability, substances, pathways, pathways_ruled_out,"
            " medication_affirming, meeting_modes, lived_experience, interests, recovery_start,"
            " capacity, vetted, active, paused, youth_vetted, version, created_at, updated_at)"
            " VALUES (:user, 'Alex', 'man', '[]', 1980, '[\"en\"]', 'UTC', '[]', '[\"alcohol\"]',"
            " '[]', '[]', true, '[\"video\"]', '[]', '', '2015-01-01', 2, true, true, false,"
            " false, 1, :now, :now) RETURNING id"
        ),
        {"user": user, "now": now},
    ).scalar_one()
    ids = []
    for i in range(4):
        ids.append(
            conn.execute(
                text(
                    "INSERT INTO newcomers (first_name, share_contact, gender, gender_pref,"
                    " birth_year, languages, timezone, availability, substances, medication,"
                    " meeting_modes, lived_experience, wanted_experience, hopes, urgent, status,"
                    " waiting_since, status_token_hash, version, created_at, updated_at)"
                    " VALUES (:name, false, 'man', '[]', 1990, '[\"en\"]', 'UTC', '[]',"
                    " '[\"alcohol\"]', 'none', '[\"video\"]', '[]', '[]', '', false, 'waiting',"
                    " :now, :hash, 1, :now, :now) RETURNING id"
                ),
                {"name": f"N{i}", "hash": f"{i:064d}", "now": now},
            ).scalar_one()
        )
    pairings = []
    for newcomer in ids:
        conn.execute(
            text(
                "INSERT INTO consents (newcomer_id, scope, version, agreed_at)"
                " VALUES (:n, '[\"store_profile\"]', '2026-11', :now)"
            ),
            {"n": newcomer, "now": now},
        )
        pairings.append(
            conn.execute(
                text(
                    "INSERT INTO pairings (newcomer_id, mentor_id, status, components, reasons,"
                    " created_at, updated_at) VALUES (:n, :m, 'proposed', '{}', '[]', :now, :now)"
                    " RETURNING id"
                ),
                {"n": newcomer, "m": mentor, "now": now},
            ).scalar_one()
        )
    for pairing in pairings:
        conn.execute(
            text(
                "INSERT INTO pairing_events (pairing_id, to_status, actor_role, reason, at)"
                " VALUES (:p, 'proposed', 'coordinator', 'whole_pool', :now)"
            ),
            {"p": pairing, "now": now},
        )
    # The newest newcomer is erased (its pairing goes with it); the trail names both.
    conn.execute(text("DELETE FROM newcomers WHERE id = :n"), {"n": ids[-1]})
    for object_type, object_id in (("newcomer", ids[-1]), ("pairing", pairings[-1])):
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor_role, actor_id, action, object_type,"
                " object_id, outcome) VALUES (:now, 'newcomer', :actor, 'erase', :type, :id, 'ok')"
            ),
            {"now": now, "actor": ids[-1], "type": object_type, "id": object_id},
        )
    return {"newcomer": ids[-1], "pairing": pairings[-1], "mentor": mentor, "user": user}


def _counts(conn: Connection) -> dict[str, int]:
    names = (*TABLES, "consents", "pairing_events", "audit_events")
    return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in names}


def _schema(engine: Engine) -> dict[str, object]:
    """Each table's indexes (the new references' aside), foreign keys and checks."""
    found = inspect(engine)
    return {
        t: (
            sorted(i["name"] for i in found.get_indexes(t) if "reference" not in str(i["name"])),
            sorted(str(fk["name"]) for fk in found.get_foreign_keys(t)),
            sorted(str(c["name"]) for c in found.get_check_constraints(t)),
        )
        for t in TABLES
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_migration_keeps_data_backfills_references_and_never_reuses_ids(
    backend: str, tmp_path: Path
) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, _previous_revision())
            with engine.begin() as conn:
                erased = _arrange(conn)
                before = _counts(conn)
            schema = _schema(engine)
            migrate.upgrade(url, REVISION)
            engine.dispose()
            assert _schema(engine) == schema  # indexes, foreign keys and checks kept
            migrate.upgrade(url)  # the models below are today's
            with engine.begin() as conn:
                assert _counts(conn) == before  # nothing lost, nothing cascaded away
                for table in ("newcomers", "pairings"):
                    refs = conn.execute(text(f"SELECT reference FROM {table}")).scalars().all()
                    assert len(set(refs)) == len(refs) == before[table]
                    assert all(is_reference(r) for r in refs)
                version = conn.execute(text(POOL)).scalar_one()
                conn.execute(text("UPDATE mentors SET capacity = 3"))  # the triggers still run
            with engine.connect() as conn:  # (deferred to the commit on PostgreSQL)
                assert conn.execute(text(POOL)).scalar_one() > version
            with Session(engine) as session:
                newcomer = Newcomer(
                    program_id=DEFAULT_PROGRAM_ID, first_name="New", gender="man",
                    birth_year=1990, languages=["en"],
                    timezone="UTC", substances=["alcohol"], meeting_modes=["video"],
                    status_token_hash="f" * 64,
                )  # fmt: skip
                session.add(newcomer)
                session.flush()
                pairing = Pairing(
                    program_id=DEFAULT_PROGRAM_ID,
                    newcomer_id=newcomer.id,
                    mentor_id=erased["mentor"],
                )
                pairing.status = "proposed"  # type: ignore[assignment]
                session.add(pairing)
                session.flush()
                assert newcomer.id > erased["newcomer"] and pairing.id > erased["pairing"]
                assert is_reference(newcomer.reference) and is_reference(pairing.reference)
                session.delete(newcomer)  # foreign keys are on again: the pairing goes too
                session.flush()
                left = select(func.count()).select_from(Pairing).where(Pairing.id == pairing.id)
                assert session.scalar(left) == 0
                session.rollback()
        finally:
            engine.dispose()
