"""The first-meeting fit check: asked once, after the first contact or `fit_check_days`;
each side answers for themselves and only coordinators read the answers; "not a fit" puts
the pairing in front of a coordinator, who ends it in one click and the newcomer is back in
the queue with their waiting time (SQLite and PostgreSQL; time is the app's clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mentormatch.aftercare.models import FitCheck
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import PairingEvent
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.conftest import post_form

PAIRINGS = "/api/v1/pairings"
Trio = tuple[Actor, Actor, int]
ACCEPTED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # fit_check_days (14) later: 16 Nov
WORD = "zq-fit-word-5d1c"


@pytest.fixture
def paired(app: FastAPI, db: Session, active: Trio) -> Trio:
    _newcomer, _mentor, pairing_id = active
    db.execute(
        update(PairingEvent)
        .where(PairingEvent.pairing_id == pairing_id, PairingEvent.to_status == "active")
        .values(at=ACCEPTED)
    )
    db.commit()
    app.state.clock = lambda: ACCEPTED + timedelta(days=3)
    return active


def mentor_says(client: TestClient, mentor: Actor, pairing_id: int, **body: Any) -> Any:
    return client.post(
        f"{PAIRINGS}/{pairing_id}/fit-check",
        json={"answer": "good_fit"} | body,
        headers=mentor.headers,
    )


def newcomer_says(client: TestClient, newcomer: Actor, **body: Any) -> Any:
    return client.post(
        "/api/v1/newcomers/me/fit-check",
        json={"answer": "good_fit"} | body,
        headers=newcomer.headers,
    )


def answers(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(FitCheck)) or 0


def first_contact(client: TestClient, mentor: Actor, pairing_id: int) -> None:
    body = {"contacted_on": "2026-11-04", "mode": "phone", "minutes": 30}
    response = client.post(f"{PAIRINGS}/{pairing_id}/contacts", json=body, headers=mentor.headers)
    assert response.status_code == 201, response.text


class TestAsking:
    def test_not_asked_before_a_contact_or_fit_check_days(
        self, client: TestClient, db: Session, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        early = mentor_says(client, mentor, pairing_id)
        assert early.status_code == 409 and early.json()["field"] == "answer"
        assert newcomer_says(client, newcomer).status_code == 409
        assert answers(db) == 0

    def test_asked_after_the_first_contact(
        self, client: TestClient, db: Session, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        first_contact(client, mentor, pairing_id)
        assert mentor_says(client, mentor, pairing_id).status_code == 201
        assert newcomer_says(client, newcomer, answer="not_sure").status_code == 201
        assert answers(db) == 2

    def test_asked_fit_check_days_after_acceptance_without_a_contact(
        self, app: FastAPI, client: TestClient, paired: Trio
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        app.state.clock = lambda: ACCEPTED + timedelta(days=14)
        assert mentor_says(client, mentor, pairing_id).status_code == 201

    def test_each_side_answers_once(self, client: TestClient, db: Session, paired: Trio) -> None:
        newcomer, mentor, pairing_id = paired
        first_contact(client, mentor, pairing_id)
        assert mentor_says(client, mentor, pairing_id).status_code == 201
        again = mentor_says(client, mentor, pairing_id, answer="not_a_fit")
        assert again.status_code == 409 and "already answered" in again.text
        assert newcomer_says(client, newcomer).status_code == 201
        assert newcomer_says(client, newcomer).status_code == 409
        assert answers(db) == 2

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"answer": "meh"}, "answer"),
            ({"answer": None}, "answer"),
            ({"word": "x" * 501}, "word"),
            ({"word": "a\x00b"}, "word"),
            ({"score": 5}, "score"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field(
        self, client: TestClient, db: Session, paired: Trio, body: dict[str, Any], field: str
    ) -> None:
        newcomer, mentor, pairing_id = paired
        first_contact(client, mentor, pairing_id)
        for response in (
            mentor_says(client, mentor, pairing_id, **body),
            newcomer_says(client, newcomer, **body),
        ):
            assert response.status_code == 422 and field in response.text
        assert answers(db) == 0

    def test_only_coordinators_read_the_answers_and_words(
        self, client: TestClient, coordinator: Actor, make_mentor: Any, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        first_contact(client, mentor, pairing_id)
        assert mentor_says(client, mentor, pairing_id, word=WORD).status_code == 201
        assert newcomer_says(client, newcomer, answer="not_sure").status_code == 201
        read = client.get(f"{PAIRINGS}/{pairing_id}/fit-checks", headers=coordinator.headers)
        assert read.status_code == 200
        assert sorted((a["side"], a["answer"]) for a in read.json()) == [
            ("mentor", "good_fit"),
            ("newcomer", "not_sure"),
        ]
        assert WORD in read.text
        for other in (mentor, newcomer, make_mentor()):
            refused = client.get(f"{PAIRINGS}/{pairing_id}/fit-checks", headers=other.headers)
            assert refused.status_code == 403
        mentor_view = client.get(
            f"/api/v1/mentors/me/pairings/{pairing_id}", headers=mentor.headers
        )
        assert "not_sure" not in mentor_view.text
        # The newcomer's export holds their own answer, never the mentor's or its word.
        exported = client.get("/api/v1/newcomers/me/export", headers=newcomer.headers).json()
        assert [(a["pairing"], a["answer"]) for a in exported["fit_answers"]] == [(1, "not_sure")]
        assert WORD not in str(exported)

    def test_another_mentors_pairing_answers_like_a_missing_one(
        self, client: TestClient, make_mentor: Any, paired: Trio
    ) -> None:
        _newcomer, _mentor, pairing_id = paired
        stranger = make_mentor()
        other = mentor_says(client, stranger, pairing_id)
        missing = mentor_says(client, stranger, 2_000_000_000)
        assert other.status_code == missing.status_code == 404
        assert other.json() == missing.json()


class TestNotAFit:
    def test_not_a_fit_needs_a_coordinator_who_ends_it_in_one_click(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        first_contact(client, mentor, pairing_id)
        since = db.get_one(Newcomer, newcomer.newcomer_id).waiting_since
        signed_in(client, db, coordinator.user_id)
        listed = client.get("/coordinator/pairings?status=needs_action").text
        assert f'action="/coordinator/pairings/{pairing_id}/end"' not in listed
        assert newcomer_says(client, newcomer, answer="not_a_fit", word=WORD).status_code == 201
        listed = client.get("/coordinator/pairings?status=needs_action").text
        assert "not a fit" in listed
        assert f'action="/coordinator/pairings/{pairing_id}/end"' in listed
        dashboard = client.get("/coordinator/dashboard").text
        assert "1 pairing found not a fit" in dashboard
        contacts = client.get(f"/coordinator/pairings/{pairing_id}/contacts").text
        assert WORD in contacts and "Not a fit" in contacts
        # Nothing ended on its own: the pairing is still active until the coordinator acts.
        assert (
            client.get(f"{PAIRINGS}/{pairing_id}", headers=coordinator.headers).json()["status"]
            == "active"
        )
        ended = post_form(
            client,
            "/coordinator/pairings?status=needs_action",
            f"/coordinator/pairings/{pairing_id}/end",
            {"reason": "not_a_fit"},
        )
        assert ended.status_code == 303
        assert ended.headers["location"].endswith("#suggestions")
        db.expire_all()
        person = db.get_one(Newcomer, newcomer.newcomer_id)
        assert person.status == "waiting" and person.waiting_since == since
        listed = client.get("/coordinator/pairings?status=needs_action").text
        assert f'action="/coordinator/pairings/{pairing_id}/end"' not in listed

    def test_a_coordinator_keeps_it_and_it_leaves_needs_action(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        keep = f"{PAIRINGS}/{pairing_id}/fit-checks/keep"
        first_contact(client, mentor, pairing_id)
        nothing = client.post(keep, headers=coordinator.headers)
        assert nothing.status_code == 409 and nothing.json()["field"] == "answer"
        assert mentor_says(client, mentor, pairing_id, answer="not_a_fit").status_code == 201
        signed_in(client, db, coordinator.user_id)
        listed = client.get("/coordinator/pairings?status=needs_action").text
        assert f'action="/coordinator/pairings/{pairing_id}/keep"' in listed
        kept = post_form(
            client,
            "/coordinator/pairings?status=needs_action",
            f"/coordinator/pairings/{pairing_id}/keep",
            {},
        )
        assert kept.status_code == 303
        assert "kept by a coordinator" in client.get(kept.headers["location"]).text
        listed = client.get("/coordinator/pairings?status=needs_action").text
        assert f"/coordinator/pairings/{pairing_id}/keep" not in listed
        assert "0 pairings found not a fit" in client.get("/coordinator/dashboard").text
        assert client.post(keep, headers=coordinator.headers).status_code == 409  # done once
        # The newcomer's own "not a fit", later, waits for a decision of its own.
        assert newcomer_says(client, newcomer, answer="not_a_fit").status_code == 201
        assert client.post(keep, headers=coordinator.headers).status_code == 204
        read = client.get(f"{PAIRINGS}/{pairing_id}/fit-checks", headers=coordinator.headers)
        assert all(a["kept_at"] for a in read.json())
        mine = mentor_says(client, mentor, pairing_id)  # already answered: 409, no kept_at
        assert "kept_at" not in mine.text


class TestPages:
    def test_the_mentor_and_the_newcomer_answer_on_their_pages(
        self, client: TestClient, db: Session, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        first_contact(client, mentor, pairing_id)
        signed_in(client, db, mentor.user_id)
        page = f"/mentor/pairings/{pairing_id}"
        assert "Is this a good fit?" in client.get(page).text
        said = {"answer": "good_fit", "word": WORD}
        sent = post_form(client, page, f"{page}/fit-check", said)
        assert sent.status_code == 303
        assert "You answered: <strong>A good fit</strong>" in client.get(page).text

        client.cookies.clear()
        client.cookies.set(NEWCOMER_COOKIE, newcomer.headers["Authorization"].split()[1])
        status = client.get("/status").text
        # The newcomer is asked in their own words; the mentor's answer and word stay away
        # (the three choices are on the form, so "A good fit" alone says nothing).
        assert "How is it going with your mentor?" in status
        assert "You answered" not in status and WORD not in status
        for wrong in ({"answer": "maybe"}, {"answer": ["good_fit", "not_a_fit"]}):
            bad = post_form(client, "/status", "/status/fit-check", wrong)
            assert bad.status_code == 422 and "answer:" in bad.text.lower()
        assert answers(db) == 1  # the mentor's only
        sent = post_form(client, "/status", "/status/fit-check", {"answer": "not_sure"})
        assert sent.status_code == 303
        assert "You answered: <strong>Not sure yet</strong>" in client.get("/status").text
        assert answers(db) == 2

        client.cookies.clear()
        signed_in(client, db, mentor.user_id)
        assert "Not sure yet</strong>" not in client.get(page).text  # the newcomer's answer
