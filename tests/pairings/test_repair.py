"""Re-pairing: ending a pairing from the coordinator's pages, mentors who leave, and the
declines and expiries that need action (SQLite and PostgreSQL, through HTTP and pages)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.audit.models import AuditEvent
from mentormatch.db import utcnow
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing
from mentormatch.web.core import STAFF_COOKIE
from tests.conftest import Actor
from tests.factories import token_for
from tests.web.conftest import post_form

PAIRINGS = "/api/v1/pairings"
Trio = tuple[Actor, Actor, int]


def signed_in(client: TestClient, db: Session, user_id: int | None) -> None:
    user = db.get(User, user_id)
    assert user is not None
    client.cookies.set(STAFF_COOKIE, token_for(db, user))
    db.commit()


def waited_days(db: Session, newcomer_id: int | None, days: int) -> None:
    db.execute(
        update(Newcomer)
        .where(Newcomer.id == newcomer_id)
        .values(waiting_since=utcnow() - timedelta(days=days, hours=1))
    )
    db.commit()


def pairing_of(client: TestClient, coordinator: Actor, pairing_id: int) -> dict[str, Any]:
    response = client.get(f"{PAIRINGS}/{pairing_id}", headers=coordinator.headers)
    assert response.status_code == 200, response.text
    return response.json()


def newcomer_of(client: TestClient, coordinator: Actor, newcomer_id: int | None) -> dict[str, Any]:
    response = client.get(f"/api/v1/newcomers/{newcomer_id}", headers=coordinator.headers)
    assert response.status_code == 200, response.text
    return response.json()


def end_form(client: TestClient, newcomer: Actor, pairing_id: int, data: dict) -> Any:
    return post_form(
        client,
        f"/coordinator/newcomers/{newcomer.newcomer_id}",
        f"/coordinator/pairings/{pairing_id}/end",
        data,
    )


class TestEndFromThePage:
    def test_ending_requeues_keeping_waiting_time_with_suggestions_one_click_away(
        self, client: TestClient, db: Session, coordinator: Actor, active: Trio
    ) -> None:
        newcomer, _mentor, pairing_id = active
        waited_days(db, newcomer.newcomer_id, 10)
        since = newcomer_of(client, coordinator, newcomer.newcomer_id)["waiting_since"]
        signed_in(client, db, coordinator.user_id)
        page = client.get(f"/coordinator/newcomers/{newcomer.newcomer_id}").text
        assert "End this pairing" in page and 'name="reason"' in page
        response = end_form(client, newcomer, pairing_id, {"reason": "not_a_fit", "note": "n"})
        assert response.status_code == 303, response.text
        target = response.headers["location"]
        assert target.startswith(f"/coordinator/newcomers/{newcomer.newcomer_id}?ended=")
        after = client.get(target).text
        assert "back in the queue, waiting 10 days" in after
        assert '<a href="#suggestions">See fresh suggestions</a>' in after
        assert 'id="suggestions"' in after and "End this pairing" not in after
        assert pairing_of(client, coordinator, pairing_id)["status"] == "ended"
        record = newcomer_of(client, coordinator, newcomer.newcomer_id)
        assert record["status"] == "waiting" and record["waiting_since"] == since
        # In the queue they keep their place among the longest waiting.
        assert "10 days" in client.get("/coordinator").text

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({}, "Reason"),
            ({"reason": "bored"}, "Reason"),
            ({"reason": ["other", "safety"]}, "Reason"),
            ({"reason": "other", "note": "a\x00b"}, "Note"),
            ({"reason": "other", "note": "x" * 5000}, "Note"),
        ],
    )
    def test_bad_input_names_the_field_and_changes_nothing(
        self,
        client: TestClient,
        db: Session,
        coordinator: Actor,
        active: Trio,
        data: dict,
        field: str,
    ) -> None:
        newcomer, _mentor, pairing_id = active
        signed_in(client, db, coordinator.user_id)
        response = end_form(client, newcomer, pairing_id, data)
        assert response.status_code == 422, response.text
        assert 'id="end-error"' in response.text
        error = response.text.split('id="end-error"')[1].split("</p>")[0]
        assert field in error
        assert pairing_of(client, coordinator, pairing_id)["status"] == "active"

    def test_ending_twice_or_a_missing_pairing_is_a_page_not_a_crash(
        self, client: TestClient, db: Session, coordinator: Actor, active: Trio
    ) -> None:
        newcomer, _mentor, pairing_id = active
        signed_in(client, db, coordinator.user_id)
        assert end_form(client, newcomer, pairing_id, {"reason": "other"}).status_code == 303
        again = end_form(client, newcomer, pairing_id, {"reason": "other"})
        assert again.status_code == 409 and "Status" in again.text
        missing = end_form(client, newcomer, 999_999, {"reason": "other"})
        assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]

    def test_only_coordinators_may_end_a_pairing_from_the_pages(
        self, client: TestClient, db: Session, coordinator: Actor, active: Trio
    ) -> None:
        newcomer, mentor, pairing_id = active
        signed_in(client, db, coordinator.user_id)
        page = f"/coordinator/newcomers/{newcomer.newcomer_id}"
        action = f"/coordinator/pairings/{pairing_id}/end"
        token = client.get(page).text.split('name="csrf_token" value="')[1].split('"')[0]
        client.cookies.delete(STAFF_COOKIE)
        anonymous = client.post(action, data={"csrf_token": token, "reason": "other"})
        assert anonymous.status_code in (303, 401) or anonymous.url.path == "/login"
        mentor_user = db.scalar(select(Mentor.user_id).where(Mentor.id == mentor.mentor_id))
        signed_in(client, db, mentor_user)
        refused = client.post(
            action, data={"csrf_token": token, "reason": "other"}, follow_redirects=False
        )
        assert refused.status_code == 403
        assert pairing_of(client, coordinator, pairing_id)["status"] == "active"


def _pause_self(client: TestClient, coordinator: Actor, mentor: Actor) -> Response:
    return client.patch("/api/v1/mentors/me", json={"paused": True}, headers=mentor.headers)


def _as_coordinator(
    client: TestClient, coordinator: Actor, mentor: Actor, **change: Any
) -> Response:
    url = f"/api/v1/mentors/{mentor.mentor_id}"
    version = client.get(url, headers=coordinator.headers).json()["version"]
    return client.patch(url, json={"version": version, **change}, headers=coordinator.headers)


def _retire(client: TestClient, coordinator: Actor, mentor: Actor) -> Response:
    return _as_coordinator(client, coordinator, mentor, active=False)


def _unvet(client: TestClient, coordinator: Actor, mentor: Actor) -> Response:
    return _as_coordinator(client, coordinator, mentor, vetted=False)


def _pause_by_coordinator(client: TestClient, coordinator: Actor, mentor: Actor) -> Response:
    return _as_coordinator(client, coordinator, mentor, paused=True)


LEAVING: dict[str, Callable[..., Response]] = {
    "paused by the mentor": _pause_self,
    "paused by a coordinator": _pause_by_coordinator,
    "retired": _retire,
    "no longer vetted": _unvet,
}


class TestMentorLeaves:
    @pytest.mark.parametrize("how", [*LEAVING, "deactivated"])
    def test_newcomers_go_back_flagged_and_requests_are_withdrawn(
        self,
        client: TestClient,
        db: Session,
        coordinator: Actor,
        admin: Actor,
        active: Trio,
        make_newcomer: Callable[..., Actor],
        approve: Callable[..., Response],
        how: str,
    ) -> None:
        newcomer, mentor, pairing_id = active
        waited_days(db, newcomer.newcomer_id, 6)
        other = make_newcomer(first_name="Robin")
        asked = approve(other, mentor)
        assert asked.status_code == 201, asked.text
        if how == "deactivated":
            user_id = db.scalar(select(Mentor.user_id).where(Mentor.id == mentor.mentor_id))
            response = client.patch(
                f"/api/v1/users/{user_id}", json={"is_active": False}, headers=admin.headers
            )
        else:
            response = LEAVING[how](client, coordinator, mentor)
        assert response.status_code == 200, response.text
        ended = pairing_of(client, coordinator, pairing_id)
        assert ended["status"] == "ended" and ended["events"][-1]["reason"] == "mentor_left"
        withdrawn = pairing_of(client, coordinator, asked.json()["id"])
        assert withdrawn["status"] == "withdrawn"
        for who in (newcomer, other):
            assert newcomer_of(client, coordinator, who.newcomer_id)["status"] == "waiting"
        trail = db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "mentor", AuditEvent.object_id == mentor.mentor_id
            )
        ).all()
        assert "mentor_left" in trail
        signed_in(client, db, coordinator.user_id)
        queue = client.get("/coordinator").text
        assert queue.count("Needs a new mentor") == 2
        page = client.get(f"/coordinator/newcomers/{newcomer.newcomer_id}").text
        assert 'id="needs-new-mentor"' in page and "waiting 6 days" in page
        dashboard = client.get("/coordinator/dashboard").text
        assert "2 newcomers need a new mentor" in dashboard

    def test_the_flag_clears_once_a_new_mentor_accepts(
        self,
        client: TestClient,
        db: Session,
        coordinator: Actor,
        active: Trio,
        make_mentor: Callable[..., Actor],
        approve: Callable[..., Response],
    ) -> None:
        newcomer, mentor, _ = active
        assert _pause_self(client, coordinator, mentor).status_code == 200
        signed_in(client, db, coordinator.user_id)
        assert "Needs a new mentor" in client.get("/coordinator").text
        second = make_mentor(first_name="Jo")
        again = approve(newcomer, second)
        assert again.status_code == 201, again.text
        accepted = client.post(f"{PAIRINGS}/{again.json()['id']}/accept", headers=second.headers)
        assert accepted.status_code == 200
        assert "Needs a new mentor" not in client.get("/coordinator?status=paired").text

    def test_a_mentor_already_paused_or_unpausing_leaves_nothing(
        self, client: TestClient, coordinator: Actor, active: Trio
    ) -> None:
        _newcomer, mentor, pairing_id = active
        same = client.patch("/api/v1/mentors/me", json={"paused": False}, headers=mentor.headers)
        assert same.status_code == 200
        assert pairing_of(client, coordinator, pairing_id)["status"] == "active"


class TestNeedsAction:
    def test_declines_and_expiries_are_counted_first_until_followed_up(
        self,
        client: TestClient,
        db: Session,
        coordinator: Actor,
        asked: Trio,
        make_newcomer: Callable[..., Actor],
        make_mentor: Callable[..., Actor],
        approve: Callable[..., Response],
    ) -> None:
        newcomer, mentor, pairing_id = asked
        declined = client.post(
            f"{PAIRINGS}/{pairing_id}/decline", json={"reason": "schedule"}, headers=mentor.headers
        )
        assert declined.status_code == 200, declined.text
        late = make_newcomer(first_name="Kim")
        second = make_mentor(first_name="Lee")
        overdue = approve(late, second).json()["id"]
        db.execute(
            update(Pairing)
            .where(Pairing.id == overdue)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.commit()
        signed_in(client, db, coordinator.user_id)
        page = client.get("/coordinator/pairings").text
        tabs = page.split('<ul class="tabs"')[1].split("</ul>")[0]
        assert tabs.index("Needs action") < tabs.index("Active")
        assert "Needs action <span" in tabs and "(2)" in tabs.split("Active")[0]
        listed = client.get("/coordinator/pairings?status=needs_action").text
        assert "2 declined or expired requests" in listed and "Kim" in listed
        # Asking another mentor for the declined newcomer is the follow-up: one left.
        third = make_mentor(first_name="Max")
        assert approve(newcomer, third).status_code == 201
        listed = client.get("/coordinator/pairings?status=needs_action").text
        assert "1 declined or expired request " in listed and "Kim" in listed
        dashboard = client.get("/coordinator/dashboard").text
        assert "1 declined or expired request needs action" in dashboard
