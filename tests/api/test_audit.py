"""The audit trail records profile reads and changes, sign-ins and refusals — no health data."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.audit.models import AuditEvent
from tests.conftest import Actor
from tests.factories import PASSWORD, make_user


def events(db: Session) -> list[tuple[str, str, str, int | None, str]]:
    rows = db.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [(e.actor_role, e.action, e.object_type, e.object_id, e.outcome) for e in rows]


class TestAuditTrail:
    def test_intake_read_update_export_erase_are_recorded(
        self, client: TestClient, make_newcomer, db: Session
    ) -> None:
        sam = make_newcomer()
        client.get("/api/v1/newcomers/me", headers=sam.headers)
        client.patch("/api/v1/newcomers/me", json={"hopes": "x"}, headers=sam.headers)
        client.get("/api/v1/newcomers/me/export", headers=sam.headers)
        actions = [(a, o, i) for _, a, o, i, _ in events(db)]
        for action in ("create", "read", "update", "export"):
            assert (action, "newcomer", sam.newcomer_id) in actions
        client.delete("/api/v1/newcomers/me", headers=sam.headers)
        # The erasure unlinks the earlier rows from the person (tests/api/test_erasure_audit.py).
        after = [(a, o, i) for _, a, o, i, _ in events(db)]
        assert [row for row in after if row[2] == sam.newcomer_id] == [
            ("erase", "newcomer", sam.newcomer_id)
        ]
        assert ("export", "newcomer", None) in after

    def test_coordinator_reads_are_recorded_with_the_actor(
        self, client: TestClient, coordinator: Actor, make_newcomer, db: Session
    ) -> None:
        sam = make_newcomer()
        client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=coordinator.headers)
        row = db.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "read", AuditEvent.actor_role == "coordinator"
            )
        )
        assert row is not None
        assert row.actor_id == coordinator.user_id
        assert row.object_id == sam.newcomer_id
        assert row.at.tzinfo is not None

    def test_refused_access_is_recorded_and_nothing_else_is_written(
        self, client: TestClient, make_mentor, db: Session
    ) -> None:
        alex = make_mentor()
        response = client.get("/api/v1/newcomers", headers=alex.headers)
        assert response.status_code == 403
        assert events(db)[-1][0:2] == ("mentor", "GET /api/v1/newcomers")
        assert events(db)[-1][4] == "denied"

    def test_sign_ins_good_and_bad_are_recorded(self, client: TestClient, db: Session) -> None:
        make_user(db, Role.coordinator, email="c@example.org")
        db.commit()
        client.post("/api/v1/auth/token", data={"username": "c@example.org", "password": "x"})
        client.post("/api/v1/auth/token", data={"username": "c@example.org", "password": PASSWORD})
        outcomes = [(a, out) for _, a, _, _, out in events(db) if a == "login"]
        assert outcomes == [("login", "failed"), ("login", "ok")]
