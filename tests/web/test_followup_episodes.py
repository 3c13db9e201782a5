"""A new episode (issue 19): a newcomer who comes back after their care ended is reopened by a
coordinator (API or the newcomer's page); the reopening is recorded, the follow-up windows
restart from it with a new baseline, and earlier episodes' windows and questionnaires stay
under the same person, numbered, on the page and in the funder's report (both back ends)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.assessments.models import Episode
from mentormatch.audit.models import AuditEvent
from mentormatch.db import utcnow
from mentormatch.newcomers.models import Newcomer
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.conftest import post_form

BARC10 = {"instrument": "barc10", "answers": [{"item": f"q{n}", "value": 4} for n in range(1, 11)]}


def _rows(client: TestClient, sheet: str) -> list[dict[str, str]]:
    got = client.get(f"/coordinator/follow-ups/download?format=csv&sheet={sheet}")
    assert got.status_code == 200, got.text
    return list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))


def _closed_long_ago(
    app: FastAPI, client: TestClient, db: Session, coordinator: Actor, person: Actor
) -> tuple[datetime, int]:
    """An intake 300 days ago with its baseline answered, closed today; (today, version)."""
    today = utcnow()
    made = today - timedelta(days=300)
    db.execute(update(Newcomer).where(Newcomer.id == person.newcomer_id).values(created_at=made))
    db.commit()
    app.state.clock = lambda: made + timedelta(days=10)
    answered = client.post("/api/v1/newcomers/me/assessments", json=BARC10, headers=person.headers)
    assert answered.status_code == 201, answered.text
    url = f"/api/v1/newcomers/{person.newcomer_id}"
    version = client.get(url, headers=coordinator.headers).json()["version"]
    closed = client.patch(url, json={"version": version, "status": "closed"},
                          headers=coordinator.headers)  # fmt: skip
    assert closed.status_code == 200, closed.text
    return today, closed.json()["version"]


def test_reopening_a_closed_request_starts_a_new_episode_with_a_new_baseline(
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
) -> None:
    ana = make_newcomer(first_name="Ana")
    today, version = _closed_long_ago(app, client, db, coordinator, ana)
    back = today + timedelta(days=5)
    app.state.clock = lambda: back
    url = f"/api/v1/newcomers/{ana.newcomer_id}"
    reopened = client.patch(url, json={"version": version, "status": "waiting"},
                            headers=coordinator.headers)  # fmt: skip
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "waiting"
    episode = db.scalar(select(Episode).where(Episode.newcomer_id == ana.newcomer_id))
    assert episode is not None and episode.number == 2
    assert episode.started_at == back and episode.previous_ended_on == today.date()
    assert episode.started_by == coordinator.user_id
    assert db.scalar(select(AuditEvent.id).where(AuditEvent.action == "new_episode"))
    held = client.get("/api/v1/newcomers/me/export", headers=ana.headers).json()
    assert [(e["number"], e["previous_ended_on"]) for e in held["episodes"]] == [
        (2, today.date().isoformat())
    ]

    answered = client.post("/api/v1/newcomers/me/assessments", json=BARC10, headers=ana.headers)
    assert answered.status_code == 201  # the new episode's baseline
    signed_in(client, db, coordinator.user_id)
    windows = [(r["Episode"], r["Window"], r["Standing"]) for r in _rows(client, "follow-ups")]
    assert windows == [
        ("1", "baseline", "done"),
        ("1", "6 months", "missed"),
        ("1", "closeout", "due"),  # from the day their care ended, 30 days
        ("2", "baseline", "done"),
    ]
    taken = [(r["Episode"], r["Questionnaire"]) for r in _rows(client, "questionnaires")]
    assert taken == [("1", "barc10"), ("2", "barc10")]  # both kept under the same person
    page = client.get("/coordinator/follow-ups").text
    row = page.split('id="follow-ups"')[1].split("</tr>")[1]
    assert "closeout" in row and "<td>1</td>" in row


def test_the_newcomer_page_starts_a_new_episode_for_a_closed_request_only(
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
) -> None:
    bo = make_newcomer(first_name="Bo")
    _today, version = _closed_long_ago(app, client, db, coordinator, bo)
    signed_in(client, db, coordinator.user_id)
    page = f"/coordinator/newcomers/{bo.newcomer_id}"
    action = f"{page}/new-episode"
    assert 'id="new-episode"' in client.get(page).text
    stale = post_form(client, page, action, {"version": str(version - 1)})
    assert stale.status_code == 409  # type: ignore[attr-defined]
    assert 'id="new-episode-error"' in stale.text and "out of date" in stale.text  # type: ignore[attr-defined]
    garbage = post_form(client, page, action, {"version": "x"})
    assert garbage.status_code == 409  # type: ignore[attr-defined]
    assert db.scalar(select(Episode.id)) is None
    done = post_form(client, page, action, {"version": str(version)})
    assert done.status_code == 303, done.text  # type: ignore[attr-defined]
    shown = client.get(done.headers["location"]).text  # type: ignore[attr-defined]
    assert "New episode started" in shown and 'id="new-episode"' not in shown
    again = post_form(client, page, action, {"version": str(version + 1)})
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert [e.number for e in db.scalars(select(Episode))] == [2]
