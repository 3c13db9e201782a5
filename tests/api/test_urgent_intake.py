"""POST /api/v1/newcomers/urgent: a minimal request from someone in danger now.

A name or alias (and, if they wish, a validated way to reach them) is enough. The record is
urgent for coordinators at once, carries the crisis resources with tap-to-call and
tap-to-text links, and is never matched until the newcomer completes the intake through
their private link (PATCH /me with the required answers and the consent).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.audit.models import AuditEvent
from mentormatch.newcomers.models import Consent, Newcomer
from tests.conftest import Actor
from tests.factories import bearer, intake_body, newcomer_id

URL = "/api/v1/newcomers/urgent"
# The answers completing a minimal request: every required one, and the consent.
COMPLETION: dict[str, Any] = {
    key: intake_body()[key]
    for key in (
        "gender",
        "gender_pref",
        "birth_year",
        "languages",
        "timezone",
        "availability",
        "substances",
        "medication",
        "meeting_modes",
        "consent",
    )
}


def field_of(response: httpx.Response) -> str:
    """The field a 4xx names: `field` for a domain error, the last `loc` for a schema one."""
    body = response.json()
    if "field" in body:
        return str(body["field"])
    return str(body["detail"][0]["loc"][-1])


def send(client: TestClient, **body: Any) -> Actor:
    response = client.post(URL, json={"first_name": "Kim", **body})
    assert response.status_code == 201, response.text
    created = response.json()
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        return Actor(bearer(created["status_token"]), newcomer_id=newcomer_id(db, created))


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Newcomer)) or 0


class TestSending:
    def test_a_name_alone_is_enough_and_crisis_resources_come_back_with_tap_links(
        self, client: TestClient
    ) -> None:
        response = client.post(URL, json={"first_name": "Kim"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["urgent"] is True and body["minimal"] is True
        assert body["status_token"].startswith("mmn_") and "/s/mmn_" in body["status_url"]
        links = [link["href"] for r in body["crisis_resources"] for link in r["links"]]
        assert {"tel:988", "sms:988", "tel:18006624357", "tel:18004874889"} <= set(links)
        assert "988" in body["crisis_notice"]

    def test_a_way_to_reach_them_is_kept(self, client: TestClient, db: Session) -> None:
        kim = send(client, phone="+1 312 555 4040", email="kim@example.org")
        stored = db.get(Newcomer, kim.newcomer_id)
        assert stored is not None
        assert (stored.phone, stored.email) == ("+1 312 555 4040", "kim@example.org")

    def test_sending_is_recorded_as_consent_to_urgent_contact(
        self, client: TestClient, db: Session
    ) -> None:
        kim = send(client)
        scopes = db.scalars(select(Consent.scope).where(Consent.newcomer_id == kim.newcomer_id))
        assert list(scopes) == [["urgent_contact"]]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "first_name"),
            ({"first_name": "   "}, "first_name"),
            ({"first_name": "Kim\x00"}, "first_name"),
            ({"first_name": "Kim", "email": "not-an-email"}, "email"),
            ({"first_name": "Kim", "phone": "call me maybe"}, "phone"),
            ({"first_name": "Kim", "substances": ["heroin"]}, "substances"),
        ],
    )
    def test_bad_input_answers_422_naming_the_field_and_writes_nothing(
        self, client: TestClient, db: Session, body: dict[str, Any], field: str
    ) -> None:
        before = count(db)
        response = client.post(URL, json=body)
        assert response.status_code == 422, response.text
        assert field_of(response) == field
        assert count(db) == before


class TestCoordinatorsSeeItAtOnce:
    def test_it_heads_the_queue_flagged_urgent(
        self, client: TestClient, coordinator: Actor, make_newcomer: Any, db: Session
    ) -> None:
        make_newcomer()
        kim = send(client, phone="+1 312 555 4040")
        queue = client.get("/api/v1/newcomers", headers=coordinator.headers).json()["items"]
        assert queue[0]["id"] == kim.newcomer_id and queue[0]["urgent"] is True
        record = client.get(
            f"/api/v1/newcomers/{kim.newcomer_id}", headers=coordinator.headers
        ).json()
        assert record["phone"] == "+1 312 555 4040" and record["age"] is None
        flagged = db.scalar(
            select(func.count()).where(
                AuditEvent.action == "flag_urgent", AuditEvent.object_id == kim.newcomer_id
            )
        )
        assert flagged == 1


class TestNeverMatchedUntilCompleted:
    def test_no_suggestions_and_explain_answers_409_with_the_reason(
        self, client: TestClient, coordinator: Actor, make_mentor: Any
    ) -> None:
        mentor = make_mentor()
        kim = send(client)
        base = f"/api/v1/newcomers/{kim.newcomer_id}/suggestions"
        assert client.get(base, headers=coordinator.headers).json() == []
        why = client.get(f"{base}/{mentor.mentor_id}", headers=coordinator.headers)
        assert why.status_code == 409
        assert "complete the intake" in why.json()["detail"]

    def test_approving_a_mentor_answers_409_and_writes_no_pairing(
        self, client: TestClient, coordinator: Actor, make_mentor: Any
    ) -> None:
        mentor = make_mentor()
        kim = send(client)
        response = client.post(
            "/api/v1/pairings",
            json={"newcomer_id": kim.newcomer_id, "mentor_id": mentor.mentor_id},
            headers=coordinator.headers,
        )
        assert response.status_code == 409
        assert "minimal urgent request" in response.json()["detail"]
        pairings = client.get(
            f"/api/v1/pairings?newcomer_id={kim.newcomer_id}", headers=coordinator.headers
        ).json()
        assert pairings["total"] == 0

    def test_whole_pool_proposals_leave_it_out_even_once_no_longer_urgent(
        self, client: TestClient, coordinator: Actor, make_mentor: Any
    ) -> None:
        make_mentor()
        kim = send(client)
        record = client.get(f"/api/v1/newcomers/{kim.newcomer_id}", headers=coordinator.headers)
        client.patch(
            f"/api/v1/newcomers/{kim.newcomer_id}",
            json={"version": record.json()["version"], "urgent": False},
            headers=coordinator.headers,
        )
        summary = client.post("/api/v1/pairings/proposals", headers=coordinator.headers).json()
        named = [p["newcomer_id"] for p in summary["pairings"]]
        named += [u["newcomer_id"] for u in summary["unplaced"]]
        assert kim.newcomer_id not in named


class TestCompleting:
    def test_a_name_or_contact_correction_keeps_it_minimal(self, client: TestClient) -> None:
        kim = send(client)
        response = client.patch(
            "/api/v1/newcomers/me", json={"phone": "+1 312 555 5050"}, headers=kim.headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["minimal"] is True

    @pytest.mark.parametrize(
        ("drop", "field"), [("birth_year", "birth_year"), ("consent", "consent")]
    )
    def test_partial_answers_answer_422_naming_what_is_missing(
        self, client: TestClient, db: Session, drop: str, field: str
    ) -> None:
        kim = send(client)
        body = {k: v for k, v in COMPLETION.items() if k != drop}
        response = client.patch("/api/v1/newcomers/me", json=body, headers=kim.headers)
        assert response.status_code == 422, response.text
        assert field_of(response) == field
        stored = db.get(Newcomer, kim.newcomer_id)
        assert stored is not None
        db.refresh(stored)
        assert stored.minimal and stored.substances == []  # nothing half-written

    def test_the_remaining_answers_with_consent_make_it_matchable(
        self, client: TestClient, coordinator: Actor, make_mentor: Any, db: Session
    ) -> None:
        make_mentor()
        kim = send(client)
        response = client.patch("/api/v1/newcomers/me", json=COMPLETION, headers=kim.headers)
        assert response.status_code == 200, response.text
        assert response.json()["minimal"] is False and response.json()["urgent"] is True
        suggestions = client.get(
            f"/api/v1/newcomers/{kim.newcomer_id}/suggestions", headers=coordinator.headers
        ).json()
        assert len(suggestions) == 1
        scopes = list(
            db.scalars(select(Consent.scope).where(Consent.newcomer_id == kim.newcomer_id))
        )
        assert scopes[0] == ["urgent_contact"] and "store_profile" in scopes[1]

    def test_consent_is_not_sent_again_on_a_complete_record(
        self, client: TestClient, make_newcomer: Any
    ) -> None:
        sam = make_newcomer()
        response = client.patch(
            "/api/v1/newcomers/me", json={"consent": COMPLETION["consent"]}, headers=sam.headers
        )
        assert response.status_code == 422 and field_of(response) == "consent"


class TestNulIsRefusedByName:
    @pytest.mark.parametrize(
        ("body", "field"),
        [({"first_name": "Sa\x00m"}, "first_name"), ({"hopes": "early\x00mornings"}, "hopes")],
    )
    def test_intake(
        self, client: TestClient, db: Session, body: dict[str, Any], field: str
    ) -> None:
        before = count(db)
        response = client.post("/api/v1/newcomers", json=intake_body(**body))
        assert response.status_code == 422 and field_of(response) == field
        assert count(db) == before

    def test_mentor_profile_and_pairing_note(
        self, client: TestClient, coordinator: Actor, make_mentor: Any, make_newcomer: Any
    ) -> None:
        mentor = make_mentor()
        response = client.patch(
            "/api/v1/mentors/me", json={"interests": "chess\x00"}, headers=mentor.headers
        )
        assert response.status_code == 422 and field_of(response) == "interests"
        sam = make_newcomer()
        pair = {"newcomer_id": sam.newcomer_id, "mentor_id": mentor.mentor_id, "note": "a\x00"}
        response = client.post("/api/v1/pairings", json=pair, headers=coordinator.headers)
        assert response.status_code == 422 and field_of(response) == "note"

    def test_correcting_ones_answers(self, client: TestClient, make_newcomer: Any) -> None:
        sam = make_newcomer()
        response = client.patch(
            "/api/v1/newcomers/me", json={"first_name": "\x00"}, headers=sam.headers
        )
        assert response.status_code == 422 and field_of(response) == "first_name"
