"""Urgent cases: the coordinators' alert, the "contacted" record, and the open cases.

A crisis intake (full or minimal) alerts every active coordinator through the outbox in the
intake's own transaction, with a link and no answers. A coordinator records each attempt to
reach the person; a case is handled when an attempt that reached them says so. Open cases
show how long they have waited since intake (the app's clock), longest first, on the API,
the queue and the dashboard. The newcomer's export holds the attempts; erasure removes them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.audit.models import AuditEvent
from mentormatch.db import utcnow
from mentormatch.newcomers.models import Newcomer
from mentormatch.newcomers.urgent import UrgentContact
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from tests.conftest import Actor
from tests.factories import intake_body, make_user, newcomer_id
from tests.web.conftest import csrf_from
from tests.web.test_pages import sign_in

HOPES = "Someone who gets the night shifts"


def alerts(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == MessageKind.urgent_intake)
            .order_by(OutboxMessage.id)
        )
    )


def crisis_intake(client: TestClient, db: Session, **overrides: Any) -> Actor:
    body = intake_body(in_crisis=True, hopes=HOPES, **overrides)
    response = client.post("/api/v1/newcomers", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    return Actor(
        {"Authorization": f"Bearer {created['status_token']}"}, newcomer_id=newcomer_id(db, created)
    )


def contact(
    client: TestClient, coordinator: Actor, newcomer: int, **body: Any
) -> tuple[int, dict[str, Any]]:
    response = client.post(
        f"/api/v1/newcomers/{newcomer}/urgent-contacts", json=body, headers=coordinator.headers
    )
    return response.status_code, response.json()


class TestAlert:
    def test_a_crisis_intake_alerts_every_active_coordinator_with_a_link_only(
        self, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        second = make_user(db, Role.coordinator)
        gone = make_user(db, Role.coordinator)
        gone.is_active = False
        make_user(db, Role.admin)
        db.commit()
        kim = crisis_intake(client, db)
        sent = alerts(db)
        emails = db.scalars(select(User.email).where(User.id.in_([coordinator.user_id, second.id])))
        assert sorted(m.recipient or "" for m in sent) == sorted(emails)
        for message in sent:
            assert f"/coordinator/newcomers/{kim.newcomer_id}\n" in message.body
            body = (message.subject + message.body).lower()
            for private in ("danger", "crisis", "alcohol", HOPES.lower(), "kim", "555"):
                assert private not in body, private

    def test_a_minimal_urgent_request_alerts_too_and_an_ordinary_intake_does_not(
        self, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        client.post("/api/v1/newcomers", json=intake_body())
        assert alerts(db) == []
        response = client.post("/api/v1/newcomers/urgent", json={"first_name": "Lee"})
        assert response.status_code == 201
        assert len(alerts(db)) == 1

    def test_no_urgent_record_without_its_alert(
        self, app: FastAPI, db: Session, coordinator: Actor, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from mentormatch.pairings import outbox

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("outbox unavailable")

        monkeypatch.setattr(outbox, "enqueue", broken)
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.post("/api/v1/newcomers/urgent", json={"first_name": "Lee"})
        assert response.status_code == 500
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(Newcomer)) == 0


class TestContacts:
    def test_record_and_read_attempts_with_how_to_reach_them(
        self, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        kim = crisis_intake(client, db, phone="+1 312 555 7070")
        assert contact(client, coordinator, kim.newcomer_id or 0, outcome="no_answer")[0] == 201
        status, body = contact(
            client, coordinator, kim.newcomer_id or 0, outcome="reached", note="Safe tonight."
        )
        assert status == 201 and body["handled"] is True
        read = client.get(
            f"/api/v1/newcomers/{kim.newcomer_id}/urgent-contacts", headers=coordinator.headers
        ).json()
        assert read["phone"] == "+1 312 555 7070" and read["handled"] is True
        assert [(c["outcome"], c["handled"], c["note"]) for c in read["items"]] == [
            ("no_answer", False, ""),
            ("reached", True, "Safe tonight."),
        ]
        assert {c["coordinator_id"] for c in read["items"]} == {coordinator.user_id}
        actions = db.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == kim.newcomer_id)
        ).all()
        assert actions.count("urgent_contact") == 2

    def test_reached_can_be_recorded_without_closing_the_case(
        self, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        kim = crisis_intake(client, db)
        status, body = contact(
            client, coordinator, kim.newcomer_id or 0, outcome="reached", handled=False
        )
        assert (status, body["handled"]) == (201, False)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"outcome": "called"}, "outcome"),
            ({}, "outcome"),
            ({"outcome": "no_answer", "handled": True}, "handled"),
            ({"outcome": "left_message", "handled": True}, "handled"),
            ({"outcome": "reached", "handled": 1}, "handled"),
            ({"outcome": "reached", "note": "x" * 2001}, "note"),
            ({"outcome": "reached", "coordinator_id": 1}, "coordinator_id"),
        ],
    )
    def test_bad_input_names_the_field_and_writes_nothing(
        self,
        client: TestClient,
        db: Session,
        coordinator: Actor,
        body: dict[str, Any],
        field: str,
    ) -> None:
        kim = crisis_intake(client, db)
        status, answer = contact(client, coordinator, kim.newcomer_id or 0, **body)
        assert status == 422, answer
        named = answer.get("field") or answer["detail"][0]["loc"][-1]
        assert named == field
        assert db.scalar(select(func.count()).select_from(UrgentContact)) == 0

    def test_a_missing_newcomer_is_404(self, client: TestClient, coordinator: Actor) -> None:
        assert contact(client, coordinator, 999_999, outcome="reached")[0] == 404


class TestOpenCases:
    def test_longest_waiting_first_since_intake_until_handled(
        self, app: FastAPI, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        now = utcnow()
        app.state.clock = lambda: now
        recent = crisis_intake(client, db, first_name="Recent")
        older = crisis_intake(client, db, first_name="Older")
        client.post("/api/v1/newcomers", json=intake_body(first_name="Calm"))
        for who, days in ((recent, 1), (older, 5)):
            db.execute(
                update(Newcomer)
                .where(Newcomer.id == who.newcomer_id)
                .values(created_at=now - timedelta(days=days))
            )
        db.commit()
        contact(client, coordinator, older.newcomer_id or 0, outcome="no_answer")

        def listed() -> list[tuple[str, int, int]]:
            body = client.get("/api/v1/newcomers/urgent-cases", headers=coordinator.headers)
            assert body.status_code == 200, body.text
            return [
                (c["first_name"], c["waited_seconds"] // 86400, c["attempts"])
                for c in body.json()["items"]
            ]

        # An unanswered call does not restart the clock.
        assert listed() == [("Older", 5, 1), ("Recent", 1, 0)]
        app.state.clock = lambda: now + timedelta(days=2)
        assert listed() == [("Older", 7, 1), ("Recent", 3, 0)]
        contact(client, coordinator, older.newcomer_id or 0, outcome="referred", handled=True)
        assert listed() == [("Recent", 3, 0)]

    def test_queue_and_dashboard_show_the_open_cases_and_their_wait(
        self, app: FastAPI, client: TestClient, db: Session
    ) -> None:
        crisis_intake(client, db, first_name="Robin")
        now = utcnow()
        app.state.clock = lambda: now + timedelta(days=3)
        user = make_user(db, Role.coordinator)
        sign_in(client, db, user)
        for page in ("/coordinator", "/coordinator/dashboard"):
            html = client.get(page).text
            section = html[html.index('id="urgent-cases"') :]
            assert "Urgent: 1 not reached yet" in section
            assert re.search(r"Robin</a>.*?<td>3 days</td>", section, re.S), page


class TestPage:
    def test_the_contacted_form_records_and_closes_the_case(
        self, client: TestClient, db: Session
    ) -> None:
        kim = crisis_intake(client, db, first_name="Kim", phone="+1 312 555 7070")
        user = make_user(db, Role.coordinator, email="coord@example.org")
        sign_in(client, db, user)
        page = f"/coordinator/newcomers/{kim.newcomer_id}"
        html = client.get(page).text
        assert 'href="tel:+1 312 555 7070"' in html and "Not reached yet" in html
        action = f"{page}/urgent-contacts"
        token = csrf_from(html)
        bad = client.post(action, data={"csrf_token": token, "note": "hi"})
        assert bad.status_code == 422 and 'id="outcome-error"' in bad.text
        assert "hi</textarea>" in bad.text
        refused = client.post(
            action, data={"csrf_token": token, "outcome": "no_answer", "handled": "yes"}
        )
        assert refused.status_code == 422 and 'id="handled-error"' in refused.text
        long = client.post(
            action, data={"csrf_token": token, "outcome": "other", "note": "x" * 2001}
        )
        assert long.status_code == 422 and 'id="note-error"' in long.text
        assert db.scalar(select(func.count()).select_from(UrgentContact)) == 0
        done = client.post(
            action,
            data={"csrf_token": token, "outcome": "reached", "handled": "yes", "note": "Talked."},
            follow_redirects=False,
        )
        assert done.status_code == 303
        html = client.get(done.headers["location"]).text
        assert "Handled" in html and "Talked." in html and "coord@example.org" in html

    def test_only_coordinators_may_send_the_form(self, client: TestClient, db: Session) -> None:
        kim = crisis_intake(client, db)
        action = f"/coordinator/newcomers/{kim.newcomer_id}/urgent-contacts"
        for role, expected in ((Role.mentor, 403), (Role.admin, 403)):
            sign_in(client, db, make_user(db, role))
            token = csrf_from(client.get("/account/password").text)
            answer = client.post(
                action, data={"csrf_token": token, "outcome": "reached"}, follow_redirects=False
            )
            assert answer.status_code in (expected, 303), (role, answer.status_code)
            assert "text/html" in answer.headers["content-type"]
        assert db.scalar(select(func.count()).select_from(UrgentContact)) == 0


class TestExportAndErasure:
    def test_the_export_holds_the_attempts_and_erasure_removes_them(
        self, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        kim = crisis_intake(client, db)
        contact(client, coordinator, kim.newcomer_id or 0, outcome="reached", note="Talked.")
        export = client.get("/api/v1/newcomers/me/export", headers=kim.headers).json()
        assert [(c["outcome"], c["by_role"], c["note"]) for c in export["urgent_contacts"]] == [
            ("reached", "coordinator", "Talked.")
        ]
        assert set(export["urgent_contacts"][0]) == {
            "contacted_at",
            "by_role",
            "outcome",
            "handled",
            "note",
        }
        assert client.delete("/api/v1/newcomers/me", headers=kim.headers).status_code == 204
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(UrgentContact)) == 0
        assert alerts(db) == []
        assert (
            db.scalars(select(AuditEvent).where(AuditEvent.action == "urgent_contact")).all() == []
        )
