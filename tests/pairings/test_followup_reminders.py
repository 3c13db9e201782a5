"""Reminders of follow-up windows (issue 19): a newcomer with an email is sent a link to the
questionnaire when a window opens and once more before it closes, once each, in their
interface language, with no health detail; never after they stop them or are erased; the
cron-able command takes the day (both back ends; time is a parameter)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mentormatch.assessments import reminders
from mentormatch.assessments.models import FollowupReminder
from mentormatch.cli import app as cli
from mentormatch.config import Settings, get_settings
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from tests.conftest import Actor
from tests.factories import intake_body

INTAKE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BARC10 = {"instrument": "barc10", "answers": [{"item": f"q{n}", "value": 5} for n in range(1, 11)]}


def _sent(db: Session) -> list[OutboxMessage]:
    kinds = (MessageKind.followup_due, MessageKind.followup_closing)
    return list(
        db.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.in_(kinds)).order_by(OutboxMessage.id)
        )
    )


def _on(app: FastAPI, day: datetime) -> None:
    app.state.clock = lambda: day


def _made_on(db: Session, *people: Actor) -> None:
    """Their intake was on INTAKE (the record's own clock is the database's)."""
    ids = [p.newcomer_id for p in people]
    db.execute(update(Newcomer).where(Newcomer.id.in_(ids)).values(created_at=INTAKE))
    db.commit()


def test_a_window_is_reminded_when_it_opens_and_once_more_before_it_closes(
    app: FastAPI,
    client: TestClient,
    db: Session,
    settings: Settings,
    make_newcomer: Callable[..., Actor],
) -> None:
    _on(app, INTAKE)
    ana = make_newcomer(first_name="Ana", email="ana@example.org")
    cy = make_newcomer(first_name="Cy", email=None)  # no email: nothing to send
    _made_on(db, ana, cy)
    assert reminders.run(db, settings=settings, now=INTAKE) == 1  # the baseline is open
    assert reminders.run(db, settings=settings, now=INTAKE + timedelta(days=3)) == 0  # once
    (message,) = _sent(db)
    assert message.recipient == "ana@example.org"
    assert "/status/questionnaire\n" in message.body
    for private in ("BARC", "recovery", "baseline", "substance", "Ana"):
        assert private.lower() not in (message.subject + message.body).lower()
    # past the baseline's middle (day 15 of 30), still not answered: once more, once
    later = INTAKE + timedelta(days=16)
    assert reminders.run(db, settings=settings, now=later) == 1
    assert reminders.run(db, settings=settings, now=later + timedelta(days=1)) == 0
    assert [m.kind for m in _sent(db)] == [MessageKind.followup_due, MessageKind.followup_closing]
    held = client.get("/api/v1/newcomers/me/export", headers=ana.headers).json()
    assert [(r["episode"], r["window_name"], r["kind"]) for r in held["followup_reminders"]] == [
        (1, "baseline", "opened"), (1, "baseline", "closing"),
    ]  # fmt: skip
    # answered: the 6-month window (day 150) is reminded when it opens, nothing before
    _on(app, later)
    answered = client.post("/api/v1/newcomers/me/assessments", json=BARC10, headers=ana.headers)
    assert answered.status_code == 201, answered.text
    assert reminders.run(db, settings=settings, now=INTAKE + timedelta(days=140)) == 0
    assert reminders.run(db, settings=settings, now=INTAKE + timedelta(days=150)) == 1


def test_the_reminder_is_in_the_newcomers_language(
    app: FastAPI, db: Session, settings: Settings, make_newcomer: Callable[..., Actor]
) -> None:
    _on(app, INTAKE)
    lu = make_newcomer(first_name="Lu", email="lu@example.org")
    _made_on(db, lu)
    db.execute(
        update(Newcomer).where(Newcomer.id == lu.newcomer_id).values(interface_language="es")
    )
    db.commit()
    assert reminders.run(db, settings=settings, now=INTAKE) == 1
    (message,) = _sent(db)
    assert message.subject == "Tienes un cuestionario breve listo"
    assert "cuestionario breve" in message.body and "/status/questionnaire" in message.body


def test_never_after_they_stop_them_or_are_erased(
    app: FastAPI,
    client: TestClient,
    db: Session,
    settings: Settings,
    make_newcomer: Callable[..., Actor],
) -> None:
    _on(app, INTAKE)
    bo = make_newcomer(first_name="Bo", email="bo@example.org")
    di = make_newcomer(first_name="Di", email="di@example.org")
    _made_on(db, bo, di)
    body = {"share_with_mentor": True, "share_milestones": False, "milestone_messages": False}
    kept = client.put("/api/v1/newcomers/me/sharing", json=body, headers=bo.headers)
    assert kept.status_code == 200 and kept.json()["followup_reminders"] is True  # omitted: kept
    stopped = client.put(
        "/api/v1/newcomers/me/sharing", json=body | {"followup_reminders": False},
        headers=bo.headers,
    )  # fmt: skip
    assert stopped.status_code == 200 and stopped.json()["followup_reminders"] is False
    assert reminders.run(db, settings=settings, now=INTAKE) == 1  # Di only
    assert [m.recipient for m in _sent(db)] == ["di@example.org"]
    assert client.delete("/api/v1/newcomers/me", headers=di.headers).status_code in (200, 204)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(FollowupReminder)) == 0
    assert reminders.run(db, settings=settings, now=INTAKE + timedelta(days=16)) == 0


def test_the_command_takes_the_day_and_sends_nothing_twice(
    live_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", live_app.state.settings.database_url)
    get_settings.cache_clear()
    with TestClient(live_app) as client:
        made = client.post("/api/v1/newcomers", json=intake_body(email="ana@example.org"))
        assert made.status_code == 201, made.text
    runner = CliRunner()
    try:
        a_year_ago = (datetime.now(UTC) - timedelta(days=400)).strftime("%Y-%m-%d")
        assert runner.invoke(cli, ["pairings", "follow-ups", "--today", a_year_ago]).output == (
            "reminded 0\n"  # before the intake: nothing open
        )
        first = runner.invoke(cli, ["pairings", "follow-ups"])
        assert first.exit_code == 0, first.output
        assert first.output.strip() == "reminded 1"
        assert runner.invoke(cli, ["pairings", "follow-ups"]).output.strip() == "reminded 0"
        bad = runner.invoke(cli, ["pairings", "follow-ups", "--today", "tomorrow"])
        assert bad.exit_code != 0 and "--today" in bad.output
    finally:
        get_settings.cache_clear()
