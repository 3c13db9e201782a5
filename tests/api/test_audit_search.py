"""The admin's search of the audit trail (GET /api/v1/audit) and sending a reset link.

Filters by who, action, record and days give the matching events, newest first, with the
true total; a bad filter is a 422 naming it; every search is itself recorded.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.audit.models import AuditEvent
from mentormatch.db import utcnow
from mentormatch.pairings.outbox import MessageKind
from tests.conftest import Actor
from tests.factories import bearer, link_sent_to, make_user, token_for


def _search(client: TestClient, admin: Actor, **params: object) -> dict:
    response = client.get("/api/v1/audit", params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestSearch:
    def test_by_actor_gives_their_events_newest_first_with_the_total(
        self, client: TestClient, admin: Actor, coordinator: Actor, make_newcomer, db: Session
    ) -> None:
        sam = make_newcomer()
        for _ in range(3):
            client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=coordinator.headers)
        email = db.get_one(User, coordinator.user_id).email
        page = _search(client, admin, actor=email.upper(), action="read", limit=2)
        assert page["total"] == 3
        assert [e["object_id"] for e in page["items"]] == [sam.newcomer_id] * 2
        assert {e["actor_email"] for e in page["items"]} == {email}
        assert page["items"][0]["at"] >= page["items"][1]["at"]
        rest = _search(
            client, admin, actor=email, action="read", limit=2, offset=2, as_of=page["as_of"]
        )
        assert (rest["total"], len(rest["items"])) == (3, 1)

    def test_by_record_and_days(
        self, client: TestClient, admin: Actor, coordinator: Actor, make_newcomer, db: Session
    ) -> None:
        sam, kim = make_newcomer(), make_newcomer()
        client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=coordinator.headers)
        client.get(f"/api/v1/newcomers/{kim.newcomer_id}", headers=coordinator.headers)
        # Sam's intake happened ten days ago.
        ten_days_ago = utcnow() - timedelta(days=10)
        db.execute(
            update(AuditEvent)
            .where(AuditEvent.object_id == sam.newcomer_id, AuditEvent.action == "create")
            .values(at=ten_days_ago)
        )
        db.commit()
        page = _search(client, admin, object_type="newcomer", object_id=sam.newcomer_id)
        assert [e["action"] for e in page["items"]] == ["read", "create"]
        day = ten_days_ago.date().isoformat()
        old = _search(client, admin, object_type="newcomer", since=day, until=day)
        assert [(e["action"], e["object_id"]) for e in old["items"]] == [
            ("create", sam.newcomer_id)
        ]
        today = utcnow().date().isoformat()
        recent = _search(
            client, admin, object_type="newcomer", object_id=sam.newcomer_id, since=today
        )
        assert [e["action"] for e in recent["items"]] == ["read"]

    def test_an_action_recorded_but_not_listed_can_be_searched(
        self, client: TestClient, admin: Actor, coordinator: Actor
    ) -> None:
        client.get("/api/v1/users", headers=coordinator.headers)  # refused, and recorded
        page = _search(client, admin, action="GET /api/v1/users", outcome="denied")
        assert page["total"] == 1
        assert page["items"][0]["actor_role"] == "coordinator"

    def test_every_search_is_recorded(self, client: TestClient, admin: Actor, db: Session) -> None:
        _search(client, admin)
        _search(client, admin, role="admin")
        searches = db.scalars(select(AuditEvent).where(AuditEvent.action == "audit_search"))
        assert [(e.actor_id, e.object_type) for e in searches] == [(admin.user_id, "audit")] * 2
        # The search sees itself: it is recorded before the trail is read.
        assert _search(client, admin, action="audit_search")["total"] == 3

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"since": "2026-13-45"}, "since"),
            ({"until": "yesterday"}, "until"),
            ({"since": "2026-12-03", "until": "2026-12-01"}, "since"),
            ({"action": "reed"}, "action"),
            ({"object_type": "person"}, "object_type"),
            ({"object_id": "abc"}, "object_id"),
            ({"object_id": "99999999999"}, "object_id"),
            ({"actor": "nobody@example.org"}, "actor"),
            ({"role": "wizard"}, "role"),
            ({"outcome": "maybe"}, "outcome"),
        ],
    )
    def test_a_bad_filter_is_refused_naming_it(
        self, client: TestClient, admin: Actor, db: Session, params: dict, field: str
    ) -> None:
        before = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        response = client.get("/api/v1/audit", params=params, headers=admin.headers)
        assert response.status_code == 422, response.text
        body = response.json()  # a rule's refusal names `field`; the schema's, each `loc`
        named = [body["field"]] if "field" in body else [i["loc"][-1] for i in body["detail"]]
        assert named == [field]
        newest = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        assert newest == before  # a refused search is not recorded as a search

    def test_only_an_admin_searches(
        self, client: TestClient, coordinator: Actor, make_mentor
    ) -> None:
        assert client.get("/api/v1/audit").status_code == 401
        assert client.get("/api/v1/audit", headers=coordinator.headers).status_code == 403
        assert client.get("/api/v1/audit", headers=make_mentor().headers).status_code == 403


class TestSendReset:
    def test_an_admin_sends_a_coordinator_a_reset_link(
        self, client: TestClient, admin: Actor, db: Session
    ) -> None:
        user = make_user(db, Role.coordinator, email="locked-out@example.org")
        db.commit()
        url = f"/api/v1/users/{user.id}/password-reset"
        response = client.post(url, headers=admin.headers)
        assert response.status_code == 202, response.text
        assert "/account/set-password?token=" in link_sent_to(
            db, "locked-out@example.org", MessageKind.reset
        )
        row = db.scalars(select(AuditEvent).where(AuditEvent.action == "password_reset_sent")).one()
        assert (row.actor_id, row.object_type, row.object_id) == (admin.user_id, "user", user.id)

    def test_a_disabled_account_gets_no_link(
        self, client: TestClient, admin: Actor, db: Session
    ) -> None:
        user = make_user(db, Role.coordinator)
        user.is_active = False
        db.commit()
        response = client.post(f"/api/v1/users/{user.id}/password-reset", headers=admin.headers)
        assert response.status_code == 409
        assert response.json()["field"] == "is_active"
        missing = client.post("/api/v1/users/2000000000/password-reset", headers=admin.headers)
        assert missing.status_code == 404

    def test_a_coordinator_cannot_send_one(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        other = make_user(db, Role.admin)
        token = token_for(db, other)
        db.commit()
        url = f"/api/v1/users/{other.id}/password-reset"
        assert client.post(url, headers=coordinator.headers).status_code == 403
        assert client.post(url, headers=bearer(token)).status_code == 202
