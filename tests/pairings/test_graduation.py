"""Ending as planned: a pairing graduates after the program's `pairing_months`, counted in
calendar months from the day its mentor accepted (the mentor's zone); all three see the date
ahead; the job ends it as completed, closes the request as done and congratulates both
(a link, nothing else), once; a program without a set length never graduates anyone
(SQLite and PostgreSQL; time is a parameter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mentormatch.aftercare import graduation
from mentormatch.cli import app as cli
from mentormatch.config import Settings, get_settings
from mentormatch.db import utcnow
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.pairings.conftest import accepted_pairing
from tests.pairings.test_repair import signed_in

Trio = tuple[Actor, Actor, int]
# Accepted on 31 August 2026, 10:00 in New York (the mentor's zone): with the default six
# months it graduates on 28 February 2027, that month's last day.
ACCEPTED = datetime(2026, 8, 31, 14, 0, tzinfo=UTC)


def accepted_on(db: Session, pairing_id: int, at: datetime = ACCEPTED) -> None:
    db.execute(
        update(PairingEvent)
        .where(PairingEvent.pairing_id == pairing_id, PairingEvent.to_status == "active")
        .values(at=at)
    )
    db.commit()


def messages(db: Session, pairing_id: int) -> dict[str, OutboxMessage]:
    db.expire_all()
    rows = db.scalars(select(OutboxMessage).where(OutboxMessage.pairing_id == pairing_id))
    return {str(m.kind): m for m in rows}


def test_the_planned_end_is_shown_to_all_three(
    app: FastAPI, client: TestClient, db: Session, coordinator: Actor, active: Trio
) -> None:
    newcomer, mentor, pairing_id = active
    accepted_on(db, pairing_id)
    app.state.clock = lambda: datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    signed_in(client, db, coordinator.user_id)
    case = client.get(f"/coordinator/newcomers/{newcomer.newcomer_id}").text
    assert "Planned to end on <strong>28 February 2027</strong>" in case
    signed_in(client, db, mentor.user_id)
    page = client.get(f"/mentor/pairings/{pairing_id}").text
    assert "Planned to end on <strong>28 February 2027</strong>" in page
    client.cookies.clear()
    client.cookies.set(NEWCOMER_COOKIE, newcomer.headers["Authorization"].split()[1])
    status = client.get("/status").text
    assert "planned to run until <strong>28 February 2027</strong>" in status


def test_the_job_graduates_on_the_day_once_and_congratulates_both(
    app: FastAPI, client: TestClient, db: Session, settings: Settings, active: Trio
) -> None:
    newcomer, _mentor, pairing_id = active
    accepted_on(db, pairing_id)
    eve = datetime(2027, 2, 28, 4, 0, tzinfo=UTC)  # 27 Feb, 23:00 in New York
    assert graduation.run(db, settings=settings, now=eve) == 0
    assert db.get(Pairing, pairing_id).status is PairingStatus.active  # type: ignore[union-attr]

    day = datetime(2027, 2, 28, 5, 30, tzinfo=UTC)  # 28 Feb, 00:30 in New York
    assert graduation.run(db, settings=settings, now=day) == 1
    assert graduation.run(db, settings=settings, now=day) == 0  # nothing twice
    db.expire_all()
    pairing = db.get(Pairing, pairing_id)
    assert pairing is not None and pairing.status is PairingStatus.ended
    last = pairing.events[-1]
    assert (last.reason, last.actor_role) == ("completed", "system")
    assert last.note == "graduated: the program's 6 months are over"
    person = db.get(Newcomer, newcomer.newcomer_id)
    assert person is not None and person.status is NewcomerStatus.closed  # done, not re-queued
    sent = messages(db, pairing_id)
    for kind in (MessageKind.mentor_graduated, MessageKind.newcomer_graduated):
        assert kind in sent
    assert sent[MessageKind.newcomer_graduated].recipient == "sam@example.org"
    body = sent[MessageKind.newcomer_graduated].body
    assert "Congratulations" in body and "alcohol" not in body and "recovery" not in body
    assert f"/mentor/pairings/{pairing_id}" in sent[MessageKind.mentor_graduated].body

    app.state.clock = lambda: day
    client.cookies.set(NEWCOMER_COOKIE, newcomer.headers["Authorization"].split()[1])
    status = client.get("/status").text
    # on the newcomer's own day: still 27 February, 23:30, in Chicago when it graduated
    assert "You completed your planned time with your mentor on 27 February 2027" in status


def test_an_early_end_is_not_a_graduation(
    client: TestClient, db: Session, coordinator: Actor, active: Trio
) -> None:
    newcomer, _mentor, pairing_id = active
    ended = client.post(
        f"/api/v1/pairings/{pairing_id}/end",
        json={"reason": "not_a_fit"},
        headers=coordinator.headers,
    )
    assert ended.status_code == 200, ended.text
    client.cookies.set(NEWCOMER_COOKIE, newcomer.headers["Authorization"].split()[1])
    status = client.get("/status").text
    assert "You completed your planned time" not in status
    assert "You are on the list" in status  # back to waiting, their waiting time kept


def test_a_program_without_a_set_length_never_graduates(
    client: TestClient, db: Session, settings: Settings, active: Trio
) -> None:
    _newcomer, mentor, pairing_id = active
    accepted_on(db, pairing_id)
    program = db.get(Program, DEFAULT_PROGRAM_ID)
    assert program is not None
    program.settings = {**program.settings, "pairing_months": 0}
    db.commit()
    years_later = datetime(2030, 1, 1, tzinfo=UTC)
    assert graduation.run(db, settings=settings, now=years_later) == 0
    signed_in(client, db, mentor.user_id)
    assert "Planned to end on" not in client.get(f"/mentor/pairings/{pairing_id}").text


def test_the_setting_is_validated(client: TestClient, admin: Actor) -> None:
    url = f"/api/v1/programs/{DEFAULT_PROGRAM_ID}/settings"
    version = client.get(url, headers=admin.headers).json()["settings_version"]
    for bad in (-1, 61, "six"):
        body = {"settings_version": version, "pairing_months": bad}
        refused = client.patch(url, json=body, headers=admin.headers)
        assert refused.status_code == 422, refused.text
        assert "pairing_months" in refused.text
    body = {"settings_version": version, "pairing_months": 9}
    done = client.patch(url, json=body, headers=admin.headers)
    assert done.status_code == 200, done.text
    assert done.json()["values"]["pairing_months"] == 9


def test_the_command_graduates_and_says_how_many(
    live_app: FastAPI, staff: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", live_app.state.settings.database_url)
    get_settings.cache_clear()
    accepted_pairing(live_app, staff, utcnow() - timedelta(days=200))
    runner = CliRunner()
    try:
        first = runner.invoke(cli, ["pairings", "graduate"])
        assert first.exit_code == 0, first.output
        assert first.output.strip() == "graduated 1"
        assert runner.invoke(cli, ["pairings", "graduate"]).output.strip() == "graduated 0"
    finally:
        get_settings.cache_clear()
