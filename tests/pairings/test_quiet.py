"""Quiet pairings: the mentor's reminder, the coordinators' attention, each once per silence;
the program's settings; the `mentormatch pairings quiet` command (SQLite and PostgreSQL;
time is a parameter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mentormatch.aftercare import quiet
from mentormatch.aftercare.models import Nudge
from mentormatch.audit.models import AuditEvent
from mentormatch.cli import app as cli
from mentormatch.config import Settings, get_settings
from mentormatch.db import utcnow
from mentormatch.pairings.models import PairingEvent
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from tests.conftest import Actor
from tests.pairings.conftest import accepted_pairing
from tests.pairings.test_repair import signed_in

PAIRINGS = "/api/v1/pairings"
Trio = tuple[Actor, Actor, int]
# Accepted on Monday 2 Nov 2026, 10:00 in New York (the mentor's zone). Default settings:
# reminded after 14 quiet days (16 Nov), escalated 7 days later (23 Nov).
ACCEPTED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def day(month: int, d: int) -> datetime:
    """10:00 in New York on that day of 2026."""
    return datetime(2026, month, d, 15, 0, tzinfo=UTC)


@pytest.fixture
def quiet_pair(db: Session, active: Trio) -> Trio:
    _newcomer, _mentor, pairing_id = active
    db.execute(
        update(PairingEvent)
        .where(PairingEvent.pairing_id == pairing_id, PairingEvent.to_status == "active")
        .values(at=ACCEPTED)
    )
    db.commit()
    return active


def run(db: Session, settings: Settings, now: datetime) -> tuple[int, int]:
    report = quiet.run(db, settings=settings, now=now)
    return report.reminded, report.escalated


def reminders(db: Session, pairing_id: int) -> list[OutboxMessage]:
    db.expire_all()
    return list(
        db.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == MessageKind.quiet_reminder,
                OutboxMessage.pairing_id == pairing_id,
            )
        )
    )


def needs_action(client: TestClient, db: Session, coordinator: Actor) -> str:
    signed_in(client, db, coordinator.user_id)
    return client.get("/coordinator/pairings?status=needs_action").text


def log(client: TestClient, app: FastAPI, mentor: Actor, pairing_id: int, on: str) -> None:
    app.state.clock = lambda: day(12, 31)
    body = {"contacted_on": on, "mode": "phone", "minutes": 15}
    response = client.post(f"{PAIRINGS}/{pairing_id}/contacts", json=body, headers=mentor.headers)
    assert response.status_code == 201, response.text


class TestQuietPairings:
    def test_the_mentor_is_reminded_once_with_a_link_only(
        self, db: Session, settings: Settings, quiet_pair: Trio
    ) -> None:
        _newcomer, _mentor, pairing_id = quiet_pair
        assert run(db, settings, day(11, 15)) == (0, 0)  # 13 quiet days
        assert run(db, settings, day(11, 16)) == (1, 0)  # 14
        assert run(db, settings, day(11, 16)) == (0, 0)  # twice: nothing twice
        assert run(db, settings, day(11, 20)) == (0, 0)
        [message] = reminders(db, pairing_id)
        assert message.recipient and message.recipient.startswith("mentor")
        assert f"/mentor/pairings/{pairing_id}#contacts" in message.body
        for private in ("Sam", "alcohol", "opioid", "recovery"):
            assert private not in message.body

    def test_after_more_quiet_days_the_pairing_needs_a_coordinator_until_a_contact(
        self,
        app: FastAPI,
        client: TestClient,
        db: Session,
        settings: Settings,
        coordinator: Actor,
        quiet_pair: Trio,
    ) -> None:
        _newcomer, mentor, pairing_id = quiet_pair
        assert run(db, settings, day(11, 22)) == (1, 0)
        assert f"/coordinator/pairings/{pairing_id}/contacts" not in needs_action(
            client, db, coordinator
        )
        assert run(db, settings, day(11, 23)) == (0, 1)
        assert run(db, settings, day(11, 24)) == (0, 0)
        listed = needs_action(client, db, coordinator)
        assert f"/coordinator/pairings/{pairing_id}/contacts" in listed
        assert "1 quiet pairing:" in listed
        dashboard = client.get("/coordinator/dashboard").text
        assert "1 quiet pairing needs a look" in dashboard
        # A contact logged before the silence began does not break it ...
        log(client, app, mentor, pairing_id, "2026-11-02")
        assert f"/coordinator/pairings/{pairing_id}/contacts" in needs_action(
            client, db, coordinator
        )
        # ... one after it does: the pairing leaves the coordinators' list at once.
        log(client, app, mentor, pairing_id, "2026-11-25")
        listed = needs_action(client, db, coordinator)
        assert f"/coordinator/pairings/{pairing_id}/contacts" not in listed
        assert "0 quiet pairings" in client.get("/coordinator/dashboard").text
        # A new silence from 25 Nov: reminded again 14 days later, escalated 7 after that.
        assert run(db, settings, day(12, 8)) == (0, 0)
        assert run(db, settings, day(12, 9)) == (1, 0)
        assert run(db, settings, day(12, 16)) == (0, 1)
        assert len(reminders(db, pairing_id)) == 2

    def test_every_reminder_and_escalation_is_recorded(
        self, db: Session, settings: Settings, quiet_pair: Trio
    ) -> None:
        _newcomer, _mentor, pairing_id = quiet_pair
        run(db, settings, day(11, 30))
        nudges = db.scalars(
            select(Nudge).where(Nudge.pairing_id == pairing_id).order_by(Nudge.id)
        ).all()
        assert [(n.kind, str(n.quiet_since), n.after_days) for n in nudges] == [
            ("quiet_reminder", "2026-11-02", 14),
            ("quiet_escalation", "2026-11-02", 21),
        ]
        audited = db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_id == pairing_id,
                AuditEvent.actor_role == "system",
                AuditEvent.action.like("quiet_%"),
            )
        ).all()
        assert sorted(audited) == ["quiet_escalation", "quiet_reminder"]

    def test_the_programs_settings_decide(
        self, db: Session, settings: Settings, quiet_pair: Trio
    ) -> None:
        program = db.get_one(Program, DEFAULT_PROGRAM_ID)
        program.settings = {**program.settings, "quiet_pairing_days": 3, "quiet_escalation_days": 2}
        db.commit()
        assert run(db, settings, day(11, 4)) == (0, 0)
        assert run(db, settings, day(11, 5)) == (1, 0)
        assert run(db, settings, day(11, 7)) == (0, 1)

    def test_a_pairing_that_ended_is_left_alone(
        self, client: TestClient, db: Session, settings: Settings, coordinator: Actor,
        quiet_pair: Trio,
    ) -> None:  # fmt: skip
        _newcomer, _mentor, pairing_id = quiet_pair
        ended = client.post(
            f"{PAIRINGS}/{pairing_id}/end",
            json={"reason": "completed"},
            headers=coordinator.headers,
        )
        assert ended.status_code == 200, ended.text
        assert run(db, settings, day(12, 30)) == (0, 0)


def test_the_command_sends_nothing_twice(
    live_app: FastAPI, staff: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", live_app.state.settings.database_url)
    get_settings.cache_clear()
    pairing_id = accepted_pairing(live_app, staff, utcnow() - timedelta(days=30))
    runner = CliRunner()
    try:
        first = runner.invoke(cli, ["pairings", "quiet"])
        assert first.exit_code == 0, first.output
        assert first.output.strip() == "reminded 1, escalated 1"
        second = runner.invoke(cli, ["pairings", "quiet"])
        assert second.output.strip() == "reminded 0, escalated 0"
    finally:
        get_settings.cache_clear()
    with live_app.state.sessionmaker() as session:
        kinds = session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.pairing_id == pairing_id)
        ).all()
        assert kinds.count(MessageKind.quiet_reminder) == 1
        assert len(session.scalars(select(Nudge).where(Nudge.pairing_id == pairing_id)).all()) == 2


def test_another_pairings_contact_does_not_clear_a_quiet_one(
    app: FastAPI,
    client: TestClient,
    db: Session,
    settings: Settings,
    coordinator: Actor,
    make_newcomer: Any,
    make_mentor: Any,
    approve: Any,
    quiet_pair: Trio,
) -> None:
    _newcomer, _mentor, pairing_id = quiet_pair
    other_mentor = make_mentor()
    other = approve(make_newcomer(first_name="Kai"), other_mentor).json()["id"]
    accepted = client.post(f"{PAIRINGS}/{other}/accept", headers=other_mentor.headers)
    assert accepted.status_code == 200, accepted.text
    log(client, app, other_mentor, other, "2026-12-30")
    assert run(db, settings, day(11, 23))[1] == 1
    listed = needs_action(client, db, coordinator)
    assert f"/coordinator/pairings/{pairing_id}/contacts" in listed
    assert f"/coordinator/pairings/{other}/contacts" not in listed
