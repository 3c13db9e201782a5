"""Every read is in the audit trail before it is answered, however many arrive at once.

Reads' audit rows are committed together (group commit, `audit.service.ReadAudit`); these
tests commit for real on both back ends: concurrent reads each leave exactly their own row,
and a read whose row cannot be written is not answered.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from mentormatch.accounts.models import Role
from mentormatch.audit.models import AuditEvent
from tests.factories import bearer, found_newcomer_id, intake_body, make_user, token_for

READERS = 24


def _coordinator(app: FastAPI) -> tuple[int, dict[str, str]]:
    with app.state.sessionmaker() as db:
        user = make_user(db, Role.coordinator)
        headers = bearer(token_for(db, user))
        db.commit()
        return user.id, headers


def test_concurrent_reads_each_leave_their_own_committed_row(live_app: FastAPI) -> None:
    coordinator_id, headers = _coordinator(live_app)
    with TestClient(live_app, raise_server_exceptions=False) as client:
        created = [client.post("/api/v1/newcomers", json=intake_body()).json() for _ in range(6)]
        ids = [found_newcomer_id(client, headers, c) for c in created]
        barrier = threading.Barrier(READERS)

        def read(i: int) -> int:
            barrier.wait()
            url = f"/api/v1/newcomers/{ids[i % len(ids)]}"
            return client.get(url, headers=headers).status_code

        with ThreadPoolExecutor(READERS) as pool:
            statuses = list(pool.map(read, range(READERS)))
    assert statuses == [200] * READERS
    with live_app.state.sessionmaker() as db:
        rows = db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "read", AuditEvent.actor_id == coordinator_id
            )
        ).all()
    assert sorted(r.object_id for r in rows) == sorted(ids[i % len(ids)] for i in range(READERS))
    assert {(r.actor_role, r.object_type, r.outcome) for r in rows} == {
        ("coordinator", "newcomer", "ok")
    }


def test_a_read_that_cannot_be_audited_is_not_answered(live_app: FastAPI) -> None:
    _, headers = _coordinator(live_app)
    with TestClient(live_app, raise_server_exceptions=False) as client:
        created = client.post("/api/v1/newcomers", json=intake_body(first_name="Quillon"))
        url = f"/api/v1/newcomers/{found_newcomer_id(client, headers, created.json())}"
        assert client.get(url, headers=headers).status_code == 200
        with live_app.state.engine.begin() as conn:  # the trail becomes unwritable
            conn.execute(text("ALTER TABLE audit_events RENAME TO audit_events_gone"))
        try:
            response = client.get(url, headers=headers)
        finally:
            with live_app.state.engine.begin() as conn:
                conn.execute(text("ALTER TABLE audit_events_gone RENAME TO audit_events"))
    assert response.status_code == 500
    assert "Quillon" not in response.text
    assert response.json()["type"] == "internal_error"
