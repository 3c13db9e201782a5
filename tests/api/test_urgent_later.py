"""Marking an existing newcomer urgent alerts the program's coordinators as a crisis intake
does (the same outbox message), once per case it opens (both back ends)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.audit.models import AuditEvent
from mentormatch.programs.models import Program
from tests.api.test_urgent_contacts import alerts, contact, crisis_intake
from tests.conftest import Actor
from tests.factories import make_user

CASES = "/api/v1/newcomers/urgent-cases"


def patch(client: TestClient, coordinator: Actor, newcomer_id: int | None, **body: Any) -> Any:
    url = f"/api/v1/newcomers/{newcomer_id}"
    version = client.get(url, headers=coordinator.headers).json()["version"]
    response = client.patch(url, json={"version": version, **body}, headers=coordinator.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_flagging_an_existing_newcomer_urgent_alerts_the_programs_coordinators_once(
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
) -> None:
    second = make_user(db, Role.coordinator)
    other_program = Program(slug="elsewhere", name="Elsewhere")
    db.add(other_program)
    db.flush()
    make_user(db, Role.coordinator, email="not-theirs@example.org", programs=(other_program.id,))
    db.commit()
    kim = make_newcomer(first_name="Kim", program="main")
    assert alerts(db) == []
    assert patch(client, coordinator, kim.newcomer_id, urgent=True)["urgent"] is True
    sent = alerts(db)
    emails = [db.get_one(User, coordinator.user_id).email, second.email]
    assert sorted(m.recipient or "" for m in sent) == sorted(emails)
    # Flagging again, or any other change while the case is open, sends nothing more.
    patch(client, coordinator, kim.newcomer_id, urgent=True)
    assert len(alerts(db)) == 2
    flagged = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_id == kim.newcomer_id, AuditEvent.action == "flag_urgent"
        )
    ).all()
    assert flagged == ["flag_urgent"]
    # The intake's message: the same subject and words, with this newcomer's page.
    lee = crisis_intake(client, db, program="main")
    intake = alerts(db)[2]
    for message in sent:
        assert message.subject == intake.subject
        assert message.body.replace(f"/{kim.newcomer_id}\n", f"/{lee.newcomer_id}\n") == intake.body


def test_each_newly_opened_case_alerts_once_and_marking_urgent_again_opens_a_new_one(
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
) -> None:
    kim = make_newcomer(first_name="Kim")
    patch(client, coordinator, kim.newcomer_id, urgent=True)
    assert len(alerts(db)) == 1
    patch(client, coordinator, kim.newcomer_id, urgent=False)
    patch(client, coordinator, kim.newcomer_id, urgent=True)  # a new case: alerted again
    assert len(alerts(db)) == 2
    # Closed and reopened while urgent and not reached: the case opens again.
    patch(client, coordinator, kim.newcomer_id, status="closed")
    patch(client, coordinator, kim.newcomer_id, status="waiting")
    assert len(alerts(db)) == 3
    cases = client.get(CASES, headers=coordinator.headers).json()
    assert [c["newcomer_id"] for c in cases["items"]] == [kim.newcomer_id]
    # Once someone reached them, the case is handled and leaves the list.
    assert contact(client, coordinator, kim.newcomer_id or 0, outcome="reached")[0] == 201
    assert client.get(CASES, headers=coordinator.headers).json()["items"] == []
    patch(client, coordinator, kim.newcomer_id, urgent=True)  # still urgent: no new case
    assert len(alerts(db)) == 3
    # Weeks later a coordinator marks them urgent again: a new case, waiting from then, that
    # the earlier call does not handle.
    later = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    app.state.clock = lambda: later
    patch(client, coordinator, kim.newcomer_id, urgent=False)
    patch(client, coordinator, kim.newcomer_id, urgent=True)
    assert len(alerts(db)) == 4
    (case,) = client.get(CASES, headers=coordinator.headers).json()["items"]
    assert case["newcomer_id"] == kim.newcomer_id and case["since"] == "2027-03-01T09:00:00Z"


def test_a_crisis_intake_still_alerts_once(
    client: TestClient, db: Session, coordinator: Actor
) -> None:
    lee = crisis_intake(client, db)
    assert len(alerts(db)) == 1
    patch(client, coordinator, lee.newcomer_id, urgent=True)  # already open: nothing more
    assert len(alerts(db)) == 1
