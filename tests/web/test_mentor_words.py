"""A mentor's own pages and the dashboard's charts, on both back ends: load against capacity,
the answer-by time and the hours in common in the mentor's own time zone (named), a decline
with no reason chosen for them and a second step to confirm it; charts with nothing to draw
say so."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.mentors.models import Mentor
from mentormatch.pairings.models import Pairing, PairingStatus
from tests.conftest import Actor
from tests.factories import intake_body, newcomer_id
from tests.web.conftest import post_form
from tests.web.test_pages import sign_in


def asked_mentor(
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_mentor: Any,
    intake: dict[str, Any] | None = None,
) -> tuple[int, int]:
    """A mentor in Chicago time with capacity 3, asked about Sam (who gave `intake`, else
    the usual answers), signed in; (mentor id, pairing id)."""
    mentor = make_mentor(first_name="Alex", timezone="America/Chicago", capacity=3)
    answers = intake or intake_body()
    sam = newcomer_id(db, client.post("/api/v1/newcomers", json=answers).json())
    asked = client.post(
        "/api/v1/pairings",
        json={"newcomer_id": sam, "mentor_id": mentor.mentor_id},
        headers=coordinator.headers,
    )
    assert asked.status_code == 201, asked.text
    user = db.get_one(User, db.scalar(select(Mentor.user_id).where(Mentor.id == mentor.mentor_id)))
    sign_in(client, db, user)
    return mentor.mentor_id, asked.json()["id"]


class TestMentorPages:
    def test_load_against_capacity_and_times_in_their_zone(
        self, client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
    ) -> None:
        _, pairing_id = asked_mentor(client, db, coordinator, make_mentor)
        due = db.get_one(Pairing, pairing_id).expires_at
        assert due is not None
        local = due.astimezone(ZoneInfo("America/Chicago")).strftime("%a %d %b %Y, %H:%M")
        for path in ("/mentor", f"/mentor/pairings/{pairing_id}"):
            html = client.get(path).text
            assert re.search(r"Your mentees: <strong>1 of 3</strong>", html), path
            assert "Times are in your time zone, <strong>Central (Chicago)</strong>" in html
            assert f"{local} (Central (Chicago) time)" in html, path
            assert "UTC" not in html.split('id="load"')[1]
            assert "evening (Central (Chicago) time)" in html or "evenings (Central" in html
        profile = client.get("/mentor/profile").text
        assert "Your mentees: <strong>1 of 3</strong>" in profile

    def test_decline_has_no_reason_chosen_and_asks_to_confirm(
        self, client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
    ) -> None:
        _, pairing_id = asked_mentor(client, db, coordinator, make_mentor)
        page = client.get(f"/mentor/pairings/{pairing_id}").text
        select_tag = page.split(f'id="reason-{pairing_id}"')[1].split("</select>")[0]
        assert '<option value="">Choose a reason…</option>' in select_tag
        assert "selected" not in select_tag and "no_capacity" in select_tag
        assert "No room for another mentee" in select_tag
        action = f"/mentor/pairings/{pairing_id}/decline"

        missing = post_form(client, "/mentor", action, {"reason": ""})
        assert missing.status_code == 422  # type: ignore[attr-defined]
        assert "Reason: choose why you decline" in missing.text  # type: ignore[attr-defined]
        first = post_form(client, "/mentor", action, {"reason": "schedule", "note": "Nights only"})
        assert first.status_code == 200  # type: ignore[attr-defined]
        confirm = first.text  # type: ignore[attr-defined]
        assert "Decline the request from Sam?" in confirm and "Our times do not fit" in confirm
        assert db.get_one(Pairing, pairing_id).status is PairingStatus.approved  # not yet
        done = post_form(
            client,
            "/mentor",
            action,
            {"reason": "schedule", "note": "Nights only", "confirm": "yes"},
        )
        assert done.status_code == 303  # type: ignore[attr-defined]
        db.expire_all()
        pairing = db.get_one(Pairing, pairing_id)
        assert pairing.status is PairingStatus.declined
        assert pairing.events[-1].reason == "schedule" and pairing.events[-1].note == "Nights only"


class TestDashboardCharts:
    def test_empty_charts_say_so(self, client: TestClient, db: Session, coordinator: Actor) -> None:
        sign_in(client, db, db.get_one(User, coordinator.user_id))
        html = client.get("/coordinator/dashboard").text
        for words in (
            "Nobody is waiting for a mentor",
            "No mentor is taking requests yet",
            "No pairing started, ended or was turned down in the last 8 weeks",
        ):
            assert f'class="empty" x="240" y="120" text-anchor="middle">{words}</text>' in html
        assert 'class="bar"' not in html
