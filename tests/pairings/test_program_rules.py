"""Per-program rules outside matching: request expiry and reminder, the capacity cap, and
who is alerted about an urgent request. Each read from the program's settings at the
moment it applies (a change is in force at the next request)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.db import utcnow
from mentormatch.pairings import expiry
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from tests.conftest import Actor
from tests.factories import drop_invitations, intake_body, make_user, mentor_body


def change_settings(db: Session, program_id: int, **changes: object) -> None:
    """What an admin's settings change leaves behind (the admin pages write the same)."""
    program = db.get_one(Program, program_id)
    program.settings = {**program.settings, **changes}
    program.settings_version += 1
    db.commit()


def test_a_request_expires_and_is_reminded_on_the_programs_days(
    client: TestClient,
    db: Session,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
) -> None:
    change_settings(db, DEFAULT_PROGRAM_ID, request_expiry_days=7, reminder_after_days=2)
    newcomer, mentor = make_newcomer(), make_mentor()
    drop_invitations(db)
    before = utcnow()
    response = approve(newcomer, mentor)
    assert response.status_code == 201, response.text
    expires = datetime.fromisoformat(response.json()["expires_at"])
    assert timedelta(days=7) <= expires - before < timedelta(days=7, minutes=5)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    assert expiry.remind_due(db, settings=settings, now=before + timedelta(days=1, hours=20)) == 0
    assert expiry.remind_due(db, settings=settings, now=before + timedelta(days=2, hours=1)) == 1
    assert expiry.remind_due(db, settings=settings, now=before + timedelta(days=3)) == 0  # once
    reminders = db.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.mentor_reminder)
    ).all()
    assert [m.program_id for m in reminders] == [DEFAULT_PROGRAM_ID]


def test_the_capacity_cap_is_the_programs(
    client: TestClient, db: Session, coordinator: Actor, make_mentor: Callable[..., Actor]
) -> None:
    mentor = make_mentor(capacity=3)
    change_settings(db, DEFAULT_PROGRAM_ID, capacity_cap=3)
    refused = client.post(
        "/api/v1/mentors", json=mentor_body(capacity=4), headers=coordinator.headers
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "capacity"
    assert "at most 3" in refused.json()["detail"]
    url = f"/api/v1/mentors/{mentor.mentor_id}"

    def patch(capacity: int) -> Response:
        version = client.get(url, headers=coordinator.headers).json()["version"]
        body = {"capacity": capacity, "version": version}
        return client.patch(url, json=body, headers=coordinator.headers)

    raised = patch(4)
    assert raised.status_code == 422 and raised.json()["field"] == "capacity"
    own = client.patch("/api/v1/mentors/me", json={"capacity": 5}, headers=mentor.headers)
    assert own.status_code == 422 and own.json()["field"] == "capacity"
    kept = patch(2)
    assert kept.status_code == 200, kept.text
    change_settings(db, DEFAULT_PROGRAM_ID, capacity_cap=5)  # in force at the next request
    assert patch(5).status_code == 200


def test_an_urgent_request_alerts_only_its_programs_coordinators(
    client: TestClient, db: Session
) -> None:
    other = Program(slug="evening-circle", name="Evening circle")
    db.add(other)
    db.flush()
    ours = make_user(db, Role.coordinator, email="ours@example.org")
    theirs = make_user(db, Role.coordinator, email="theirs@example.org", programs=(other.id,))
    both = make_user(
        db, Role.coordinator, email="both@example.org", programs=(DEFAULT_PROGRAM_ID, other.id)
    )
    db.commit()
    for body in (intake_body(in_crisis=True), {"first_name": "Kim"}):
        url = "/api/v1/newcomers" if "consent" in body else "/api/v1/newcomers/urgent"
        response = client.post(url, json={**body, "program": "evening-circle"})
        assert response.status_code == 201, response.text
    alerts = db.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.urgent_intake)
    ).all()
    assert sorted(m.recipient or "" for m in alerts) == sorted([theirs.email, both.email] * 2)
    assert {m.program_id for m in alerts} == {other.id}
    assert ours.email not in {m.recipient for m in alerts}


def test_a_lowered_cap_holds_at_once_and_drops_nobody(
    client: TestClient,
    db: Session,
    admin: Actor,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
) -> None:
    roomy, busy = make_mentor(capacity=4), make_mentor(capacity=3)
    drop_invitations(db)
    for _ in range(2):
        assert approve(make_newcomer(), busy).status_code == 201
    url = f"/api/v1/programs/{DEFAULT_PROGRAM_ID}/settings"
    version = client.get(url, headers=admin.headers).json()["settings_version"]
    lowered = client.patch(
        url, json={"settings_version": version, "capacity_cap": 1}, headers=admin.headers
    )
    assert lowered.status_code == 200, lowered.text

    def capacity_of(mentor: Actor) -> int:
        found = client.get(f"/api/v1/mentors/{mentor.mentor_id}", headers=coordinator.headers)
        return int(found.json()["capacity"])

    assert capacity_of(roomy) == 1  # down to the cap
    assert capacity_of(busy) == 2  # down to their two requests: nobody is dropped
    newcomer = make_newcomer()
    suggested = client.get(
        f"/api/v1/newcomers/{newcomer.newcomer_id}/suggestions", headers=coordinator.headers
    ).json()
    assert [s["mentor"]["id"] for s in suggested] == [roomy.mentor_id]
