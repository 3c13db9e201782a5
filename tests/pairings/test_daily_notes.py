"""The daily messages of a pairing's life, each sent once and saying nothing about health:
the milestone-day note to newcomers who asked for it, and the fit check by email when it
comes due (SQLite and PostgreSQL; time is a parameter)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mentormatch.aftercare import fit_reminders, milestone_messages
from mentormatch.cli import app as cli
from mentormatch.config import Settings, get_settings
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import PairingEvent
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from tests.conftest import Actor
from tests.pairings.conftest import PAIRINGS, accepted_pairing

SHARING = "/api/v1/newcomers/me/sharing"
NOTES = {"share_with_mentor": True, "share_milestones": False, "milestone_messages": True}
# 2 December 2026 in Chicago (the example intake's zone): 60 days from 3 October.
SIXTY_DAYS = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
Trio = tuple[Actor, Actor, int]


def sent(db: Session, kind: MessageKind) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_a_milestone_note_goes_once_to_those_who_asked_for_it(
    client: TestClient, db: Session, settings: Settings, make_newcomer: Callable[..., Actor]
) -> None:
    asked = make_newcomer(first_name="Ana", email="ana@example.org", recovery_start="2026-10-03")
    quiet = make_newcomer(first_name="Bo", email="bo@example.org", recovery_start="2026-10-03")
    no_email = make_newcomer(first_name="Cy", email=None, recovery_start="2026-10-03")
    left = make_newcomer(first_name="Di", email="di@example.org", recovery_start="2026-10-03")
    for person in (asked, no_email, left):
        assert client.put(SHARING, json=NOTES, headers=person.headers).status_code == 200
    db.execute(
        update(Newcomer).where(Newcomer.id == left.newcomer_id).values(status=NewcomerStatus.closed)
    )
    db.commit()

    day_before = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert milestone_messages.run(db, settings=settings, now=day_before) == 0
    assert milestone_messages.run(db, settings=settings, now=SIXTY_DAYS) == 1
    assert milestone_messages.run(db, settings=settings, now=SIXTY_DAYS) == 0  # once
    [note] = sent(db, MessageKind.milestone_reached)
    assert note.recipient == "ana@example.org"
    assert "something to celebrate" in note.body
    for secret in ("60 days", "recovery", "milestone", "alcohol"):
        assert secret not in note.body.lower() and secret not in note.subject.lower()
    assert quiet.newcomer_id  # never asked: nothing sent
    export = client.get("/api/v1/newcomers/me/export", headers=asked.headers).json()
    assert [(n["words"], n["reached_on"]) for n in export["milestone_notes"]] == [
        ("60 days", "2026-12-02")
    ]


def test_the_fit_check_is_asked_by_email_once_and_not_of_who_answered(
    app: FastAPI, client: TestClient, db: Session, settings: Settings, active: Trio
) -> None:
    newcomer, mentor, pairing_id = active
    db.execute(
        update(PairingEvent)
        .where(PairingEvent.pairing_id == pairing_id, PairingEvent.to_status == "active")
        .values(at=datetime(2026, 12, 10, 15, 0, tzinfo=UTC))
    )
    db.commit()
    now = datetime(2026, 12, 20, 15, 0, tzinfo=UTC)  # 10 days on: fewer than fit_check_days
    assert fit_reminders.run(db, settings=settings, now=now) == 0  # no contact, days not up
    app.state.clock = lambda: now
    logged = client.post(
        f"{PAIRINGS}/{pairing_id}/contacts",
        json={"contacted_on": "2026-12-19", "mode": "phone", "minutes": 15},
        headers=mentor.headers,
    )
    assert logged.status_code == 201, logged.text
    answered = client.post(
        "/api/v1/newcomers/me/fit-check", json={"answer": "good_fit"}, headers=newcomer.headers
    )
    assert answered.status_code == 201, answered.text

    assert fit_reminders.run(db, settings=settings, now=now) == 1
    assert fit_reminders.run(db, settings=settings, now=now) == 0  # once
    [asked] = sent(db, MessageKind.fit_check_mentor)
    assert f"/mentor/pairings/{pairing_id}#fit" in asked.body
    assert sent(db, MessageKind.fit_check_newcomer) == []  # they had answered already


def test_the_commands_say_what_they_sent(
    live_app: FastAPI, staff: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", live_app.state.settings.database_url)
    get_settings.cache_clear()
    accepted_pairing(live_app, staff, datetime(2026, 1, 5, tzinfo=UTC))
    runner = CliRunner()
    try:
        first = runner.invoke(cli, ["pairings", "fit-checks"])
        assert first.exit_code == 0, first.output
        assert first.output.strip() == "asked 1"
        assert runner.invoke(cli, ["pairings", "fit-checks"]).output.strip() == "asked 0"
        notes = runner.invoke(cli, ["pairings", "milestones"])
        assert notes.exit_code == 0 and notes.output.startswith("sent "), notes.output
    finally:
        get_settings.cache_clear()
