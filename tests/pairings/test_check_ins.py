"""The newcomer's check-in (issue 15): "how are things?", "did you talk this week?" while
paired, and the danger question, whose "yes" shows the crisis resources at once and opens an
urgent case for the coordinators — a new one even after an earlier case was handled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.aftercare.models import CheckIn
from mentormatch.audit.models import AuditEvent
from mentormatch.db import utcnow
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.api.test_urgent_contacts import contact, crisis_intake
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.conftest import post_form

MINE = "/api/v1/newcomers/me/check-ins"


def alerts(db: Session) -> int:
    kind = OutboxMessage.kind == MessageKind.urgent_intake
    return len(db.scalars(select(OutboxMessage.id).where(kind)).all())


def open_cases(client: TestClient, coordinator: Actor) -> list[str]:
    body = client.get("/api/v1/newcomers/urgent-cases", headers=coordinator.headers).json()
    return [case["first_name"] for case in body["items"]]


def test_a_check_in_is_kept_and_read_by_coordinators_only(
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
) -> None:
    sam = make_newcomer()
    first = client.post(MINE, json={"feeling": 2, "in_danger": False}, headers=sam.headers)
    assert first.status_code == 201, first.text
    assert first.json()["feeling"] == 2 and first.json()["crisis_resources"] == []
    client.post(MINE, json={"feeling": 4, "in_danger": False}, headers=sam.headers)
    read = client.get(f"/api/v1/newcomers/{sam.newcomer_id}/check-ins?limit=1",
                      headers=coordinator.headers)  # fmt: skip
    assert read.status_code == 200
    assert read.json()["total"] == 2 and [c["feeling"] for c in read.json()["items"]] == [4]
    reads = select(AuditEvent.id).where(
        AuditEvent.action == "read_check_ins", AuditEvent.object_id == sam.newcomer_id
    )
    assert len(db.scalars(reads).all()) == 1  # the read is on the newcomer's accounting
    mentor = make_mentor()
    as_mentor = client.get(f"/api/v1/newcomers/{sam.newcomer_id}/check-ins", headers=mentor.headers)
    assert as_mentor.status_code == 403
    export = client.get("/api/v1/newcomers/me/export", headers=sam.headers).json()
    assert [c["feeling"] for c in export["check_ins"]] == [2, 4]
    assert client.delete("/api/v1/newcomers/me", headers=sam.headers).status_code == 204
    assert db.scalars(select(CheckIn.id)).all() == []  # erased with the record


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"in_danger": False}, "feeling"),
        ({"feeling": 0, "in_danger": False}, "feeling"),
        ({"feeling": 6, "in_danger": False}, "feeling"),
        ({"feeling": 3}, "in_danger"),
        ({"feeling": 3, "in_danger": "maybe"}, "in_danger"),
        ({"feeling": 3, "in_danger": False, "talked": True}, "talked"),  # no mentor yet
        ({"feeling": 3, "in_danger": False, "mood": "fine"}, "mood"),
    ],
)
def test_bad_answers_are_named_and_nothing_is_kept(
    client: TestClient, coordinator: Actor, make_newcomer: Callable[..., Actor],
    body: dict, field: str,
) -> None:  # fmt: skip
    sam = make_newcomer()
    response = client.post(MINE, json=body, headers=sam.headers)
    assert response.status_code == 422 and field in response.text, response.text
    read = client.get(f"/api/v1/newcomers/{sam.newcomer_id}/check-ins", headers=coordinator.headers)
    assert read.json()["total"] == 0


def test_danger_opens_a_case_at_once_even_after_an_earlier_one_was_handled(
    app: FastAPI, client: TestClient, db: Session, coordinator: Actor
) -> None:
    now = utcnow()
    app.state.clock = lambda: now
    kim = crisis_intake(client, db, first_name="Kim")
    assert alerts(db) == 1 and open_cases(client, coordinator) == ["Kim"]
    status, _ = contact(client, coordinator, kim.newcomer_id or 0, outcome="reached", handled=True)
    assert status == 201 and open_cases(client, coordinator) == []

    app.state.clock = lambda: now + timedelta(days=10)
    calm = client.post(MINE, json={"feeling": 3, "in_danger": False}, headers=kim.headers)
    assert calm.status_code == 201 and open_cases(client, coordinator) == []
    answer = client.post(MINE, json={"feeling": 1, "in_danger": True}, headers=kim.headers)
    assert answer.status_code == 201
    assert answer.json()["crisis_resources"] and answer.json()["crisis_notice"]
    assert alerts(db) == 2 and open_cases(client, coordinator) == ["Kim"]
    cases = client.get("/api/v1/newcomers/urgent-cases", headers=coordinator.headers).json()
    assert cases["items"][0]["attempts"] == 0  # the earlier case's attempt is not this one's
    assert cases["items"][0]["waited_seconds"] == 0  # counted from the danger answer
    again = client.post(MINE, json={"feeling": 1, "in_danger": True}, headers=kim.headers)
    assert again.status_code == 201 and alerts(db) == 2  # one case, one alert
    contact(client, coordinator, kim.newcomer_id or 0, outcome="reached", handled=True)
    assert open_cases(client, coordinator) == []


def test_a_closed_request_takes_no_check_in(
    client: TestClient, db: Session, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer()
    db.execute(
        update(Newcomer).where(Newcomer.id == sam.newcomer_id).values(status=NewcomerStatus.closed)
    )
    db.commit()
    response = client.post(MINE, json={"feeling": 3, "in_danger": False}, headers=sam.headers)
    assert response.status_code == 409 and "status" in response.text


def test_the_status_page_form_and_its_danger_answer(
    client: TestClient, db: Session, coordinator: Actor, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer(first_name="Sam")
    client.cookies.set(NEWCOMER_COOKIE, sam.headers["Authorization"].split()[1])
    page = client.get("/status").text
    assert 'id="check-in"' in page and "How are things?" in page
    assert "Did you and your mentor talk this week?" not in page  # not paired
    missing = post_form(client, "/status", "/status/check-in", {"feeling": "3"})
    assert missing.status_code == 422
    assert "Please answer: are you in danger right now?" in missing.text
    assert "Your check-in was not sent" in missing.text
    assert 'id="feeling-3" checked' in missing.text  # what was chosen is kept
    fine = post_form(client, "/status", "/status/check-in", {"feeling": "4", "in_danger": "no"})
    assert fine.status_code == 303
    assert "Thank you for checking in." in client.get(fine.headers["location"]).text
    danger = post_form(client, "/status", "/status/check-in",
                       {"feeling": "1", "in_danger": "yes"})  # fmt: skip
    assert danger.status_code == 200
    assert danger.text.index('id="crisis"') < danger.text.index('id="check-in-danger"')
    assert open_cases(client, coordinator) == ["Sam"]


def test_the_coordinator_reads_every_check_in_on_the_newcomers_page(
    client: TestClient, db: Session, coordinator: Actor, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer()
    for feeling in [1, 2, 3, 4, 5] * 2 + [3]:
        answer = {"feeling": feeling, "in_danger": False}
        assert client.post(MINE, json=answer, headers=sam.headers).status_code == 201
    signed_in(client, db, coordinator.user_id)
    page = client.get(f"/coordinator/newcomers/{sam.newcomer_id}")
    assert page.status_code == 200
    assert "11 check-ins in all; showing 1 to 10, newest first." in page.text
    section = page.text.split('id="check-ins"', 1)[1].split("</section>", 1)[0]
    assert section.count("<tr><td>") == 10 and "Okay" in section and "Very good" in section
    second = client.get(f"/coordinator/newcomers/{sam.newcomer_id}?check_ins_page=2").text
    rest = second.split('id="check-ins"', 1)[1].split("</section>", 1)[0]
    assert rest.count("<tr><td>") == 1 and "Very hard" in rest  # the oldest
