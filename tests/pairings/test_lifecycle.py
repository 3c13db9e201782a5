"""The pairing lifecycle through the API: approve, accept, decline, reject, end, expire."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.audit.models import AuditEvent
from mentormatch.newcomers.models import DoNotPair, Newcomer
from mentormatch.pairings.models import Pairing, PairingEvent
from mentormatch.pairings.outbox import OutboxMessage
from tests.conftest import Actor
from tests.pairings.conftest import PAIRINGS

MISSING = 999_999
Pair = tuple[Actor, Actor, int]


def newcomer_row(db: Session, actor: Actor) -> Newcomer:
    db.expire_all()
    row = db.get(Newcomer, actor.newcomer_id)
    assert row is not None
    return row


def history(db: Session, pairing_id: int) -> list[tuple[str | None, str, str]]:
    db.expire_all()
    events = db.scalars(
        select(PairingEvent).where(PairingEvent.pairing_id == pairing_id).order_by(PairingEvent.id)
    )
    return [(e.from_status, e.to_status, e.reason) for e in events]


class TestApproveSpecificPair:
    def test_anonymous_is_401(self, client: TestClient) -> None:
        assert client.post(PAIRINGS, json={"newcomer_id": 1, "mentor_id": 1}).status_code == 401

    def test_mentor_and_newcomer_are_403(
        self,
        client: TestClient,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> None:
        for actor in (make_mentor(), make_newcomer()):
            response = client.post(
                PAIRINGS, json={"newcomer_id": 1, "mentor_id": 1}, headers=actor.headers
            )
            assert response.status_code == 403

    def test_unknown_newcomer_or_mentor_is_404(
        self,
        approve: Callable[..., Response],
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> None:
        mentor, newcomer = make_mentor(), make_newcomer()
        assert approve(Actor({}, newcomer_id=MISSING), mentor).status_code == 404
        assert approve(newcomer, Actor({}, mentor_id=MISSING)).status_code == 404

    def test_asks_the_mentor_and_marks_the_newcomer_pending(
        self, client: TestClient, coordinator: Actor, db: Session, asked: Pair
    ) -> None:
        newcomer, _mentor, pairing_id = asked
        body = client.get(f"{PAIRINGS}/{pairing_id}", headers=coordinator.headers).json()
        assert body["status"] == "approved"
        assert body["score"] is not None and body["reasons"]
        expires = datetime.fromisoformat(body["expires_at"])
        assert timedelta(days=2.9) < expires - datetime.now(UTC) <= timedelta(days=3)
        assert [(e["from_status"], e["to_status"], e["actor_role"]) for e in body["events"]] == [
            (None, "approved", "coordinator")
        ]
        assert newcomer_row(db, newcomer).status == "pending"
        assert db.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "pairing_approved", AuditEvent.object_id == pairing_id
            )
        )
        message = db.scalar(select(OutboxMessage).where(OutboxMessage.pairing_id == pairing_id))
        assert message is not None and message.kind == "mentor_asked"
        assert f"/mentor/pairings/{pairing_id}" in message.body

    def test_a_pair_breaking_a_hard_rule_is_422_naming_it(
        self,
        approve: Callable[..., Response],
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> None:
        response = approve(make_newcomer(), make_mentor(medication_affirming=False))
        assert response.status_code == 422
        assert "medication" in response.json()["detail"]

    def test_a_full_mentor_is_409(
        self,
        approve: Callable[..., Response],
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
        db: Session,
    ) -> None:
        mentor = make_mentor(capacity=1)
        assert approve(make_newcomer(), mentor).status_code == 201
        late = make_newcomer()
        response = approve(late, mentor)
        assert response.status_code == 409
        assert "capacity" in response.json()["detail"]
        assert newcomer_row(db, late).status == "waiting"

    def test_a_newcomer_already_being_asked_is_409(
        self, approve: Callable[..., Response], make_mentor: Callable[..., Actor], asked: Pair
    ) -> None:
        newcomer, _, _ = asked
        response = approve(newcomer, make_mentor())
        assert response.status_code == 409
        assert "approved" in response.json()["detail"]


class TestReadPairing:
    def test_anonymous_401_mentor_403(self, client: TestClient, asked: Pair) -> None:
        _, mentor, pairing_id = asked
        assert client.get(f"{PAIRINGS}/{pairing_id}").status_code == 401
        assert client.get(f"{PAIRINGS}/{pairing_id}", headers=mentor.headers).status_code == 403

    def test_missing_is_404(self, client: TestClient, coordinator: Actor) -> None:
        assert client.get(f"{PAIRINGS}/{MISSING}", headers=coordinator.headers).status_code == 404

    def test_list_filters_by_status_newcomer_and_mentor(
        self,
        client: TestClient,
        coordinator: Actor,
        asked: Pair,
        make_newcomer: Callable[..., Actor],
    ) -> None:
        newcomer, mentor, pairing_id = asked
        for query in (
            {"status": "approved"},
            {"newcomer_id": newcomer.newcomer_id},
            {"mentor_id": mentor.mentor_id},
        ):
            body = client.get(PAIRINGS, params=query, headers=coordinator.headers).json()
            assert [p["id"] for p in body["items"]] == [pairing_id]
        body = client.get(PAIRINGS, params={"status": "active"}, headers=coordinator.headers)
        assert body.json()["total"] == 0


class TestAccept:
    def test_anonymous_401_coordinator_403(
        self, client: TestClient, coordinator: Actor, asked: Pair
    ) -> None:
        _, _, pairing_id = asked
        url = f"{PAIRINGS}/{pairing_id}/accept"
        assert client.post(url).status_code == 401
        assert client.post(url, headers=coordinator.headers).status_code == 403

    def test_another_mentors_pairing_answers_like_a_missing_one(
        self, client: TestClient, make_mentor: Callable[..., Actor], asked: Pair
    ) -> None:
        _, _, pairing_id = asked
        other = make_mentor()
        theirs = client.post(f"{PAIRINGS}/{pairing_id}/accept", headers=other.headers)
        missing = client.post(f"{PAIRINGS}/{MISSING}/accept", headers=other.headers)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()

    def test_accepting_activates_and_reveals_shared_contact(
        self, client: TestClient, db: Session, asked: Pair
    ) -> None:
        newcomer, mentor, pairing_id = asked
        response = client.post(f"{PAIRINGS}/{pairing_id}/accept", headers=mentor.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "active"
        assert body["contact"] == {
            "email": "sam@example.org",
            "phone": "+1 312 555 2030",
            "preferred_contact": "text",
        }
        assert "42 CFR part 2" in body["redisclosure_notice"]
        assert newcomer_row(db, newcomer).status == "paired"
        assert history(db, pairing_id)[-1] == ("approved", "active", "accepted")
        kinds = db.scalars(select(OutboxMessage.kind).where(OutboxMessage.pairing_id == pairing_id))
        assert set(kinds) == {"mentor_asked", "newcomer_paired"}

    def test_accepting_twice_is_409_naming_the_state(
        self, client: TestClient, active: Pair
    ) -> None:
        _, mentor, pairing_id = active
        response = client.post(f"{PAIRINGS}/{pairing_id}/accept", headers=mentor.headers)
        assert response.status_code == 409
        assert "is active" in response.json()["detail"]


class TestDecline:
    def test_requeues_with_the_original_waiting_time_and_excludes_the_mentor(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        asked: Pair,
        approve: Callable[..., Response],
    ) -> None:
        newcomer, mentor, pairing_id = asked
        waiting_since = newcomer_row(db, newcomer).waiting_since
        response = client.post(
            f"{PAIRINGS}/{pairing_id}/decline",
            json={"reason": "schedule", "note": "traveling this month"},
            headers=mentor.headers,
        )
        assert response.status_code == 200
        assert response.json()["status"] == "declined"
        row = newcomer_row(db, newcomer)
        assert row.status == "waiting"
        assert row.waiting_since == waiting_since
        assert history(db, pairing_id)[-1] == ("approved", "declined", "schedule")
        suggestions = client.get(
            f"/api/v1/newcomers/{newcomer.newcomer_id}/suggestions", headers=coordinator.headers
        ).json()
        assert mentor.mentor_id not in [s["mentor"]["id"] for s in suggestions]
        assert approve(newcomer, mentor).status_code == 422

    def test_needs_a_known_reason(self, client: TestClient, asked: Pair) -> None:
        _, mentor, pairing_id = asked
        response = client.post(
            f"{PAIRINGS}/{pairing_id}/decline", json={"reason": "bored"}, headers=mentor.headers
        )
        assert response.status_code == 422

    def test_declining_an_active_pairing_is_409(self, client: TestClient, active: Pair) -> None:
        _, mentor, pairing_id = active
        response = client.post(
            f"{PAIRINGS}/{pairing_id}/decline", json={"reason": "other"}, headers=mentor.headers
        )
        assert response.status_code == 409
        assert "is active" in response.json()["detail"]


class TestExpiry:
    def expire(self, db: Session, pairing_id: int) -> None:
        pairing = db.get(Pairing, pairing_id)
        assert pairing is not None
        pairing.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.commit()

    def test_reading_expires_an_unanswered_request_and_requeues(
        self, client: TestClient, coordinator: Actor, db: Session, asked: Pair
    ) -> None:
        newcomer, mentor, pairing_id = asked
        waiting_since = newcomer_row(db, newcomer).waiting_since
        self.expire(db, pairing_id)
        body = client.get(f"{PAIRINGS}/{pairing_id}", headers=coordinator.headers).json()
        assert body["status"] == "expired"
        assert body["events"][-1]["actor_role"] == "system"
        assert body["events"][-1]["reason"] == "no_answer"
        row = newcomer_row(db, newcomer)
        assert (row.status, row.waiting_since) == ("waiting", waiting_since)
        suggestions = client.get(
            f"/api/v1/newcomers/{newcomer.newcomer_id}/suggestions", headers=coordinator.headers
        ).json()
        assert mentor.mentor_id not in [s["mentor"]["id"] for s in suggestions]

    def test_accepting_after_the_deadline_is_409(
        self, client: TestClient, db: Session, asked: Pair
    ) -> None:
        newcomer, mentor, pairing_id = asked
        self.expire(db, pairing_id)
        response = client.post(f"{PAIRINGS}/{pairing_id}/accept", headers=mentor.headers)
        assert response.status_code == 409
        assert "expired" in response.json()["detail"]
        assert newcomer_row(db, newcomer).status == "waiting"

    def test_the_newcomer_reading_their_status_sees_the_expiry(
        self, client: TestClient, db: Session, asked: Pair
    ) -> None:
        newcomer, _, pairing_id = asked
        self.expire(db, pairing_id)
        body = client.get("/api/v1/newcomers/me", headers=newcomer.headers).json()
        assert body["status"] == "waiting"
        assert body["mentor"] is None


class TestReject:
    def test_rejecting_an_unanswered_request_requeues(
        self, client: TestClient, coordinator: Actor, db: Session, asked: Pair
    ) -> None:
        newcomer, _mentor, pairing_id = asked
        response = client.post(
            f"{PAIRINGS}/{pairing_id}/reject",
            json={"reason": "coordinator_judgement"},
            headers=coordinator.headers,
        )
        assert response.status_code == 200
        assert response.json()["status"] == "rejected"
        assert newcomer_row(db, newcomer).status == "waiting"

    def test_mentor_is_403_and_active_is_409(
        self, client: TestClient, coordinator: Actor, active: Pair
    ) -> None:
        _, mentor, pairing_id = active
        url = f"{PAIRINGS}/{pairing_id}/reject"
        assert client.post(url, json={"reason": "other"}, headers=mentor.headers).status_code == 403
        response = client.post(url, json={"reason": "other"}, headers=coordinator.headers)
        assert response.status_code == 409
        assert "is active" in response.json()["detail"]


class TestEnd:
    def test_newcomer_is_403_other_mentor_404(
        self, client: TestClient, make_mentor: Callable[..., Actor], active: Pair
    ) -> None:
        newcomer, _, pairing_id = active
        url = f"{PAIRINGS}/{pairing_id}/end"
        assert (
            client.post(url, json={"reason": "other"}, headers=newcomer.headers).status_code == 403
        )
        other = make_mentor()
        assert client.post(url, json={"reason": "other"}, headers=other.headers).status_code == 404

    def test_early_end_requeues_with_original_waiting_time(
        self, client: TestClient, db: Session, active: Pair
    ) -> None:
        newcomer, mentor, pairing_id = active
        waiting_since = newcomer_row(db, newcomer).waiting_since
        response = client.post(
            f"{PAIRINGS}/{pairing_id}/end", json={"reason": "no_contact"}, headers=mentor.headers
        )
        assert response.status_code == 200
        row = newcomer_row(db, newcomer)
        assert (row.status, row.waiting_since) == ("waiting", waiting_since)

    def test_safety_end_adds_do_not_pair(
        self, client: TestClient, coordinator: Actor, db: Session, active: Pair
    ) -> None:
        newcomer, mentor, pairing_id = active
        response = client.post(
            f"{PAIRINGS}/{pairing_id}/end",
            json={"reason": "boundary", "note": "see case notes"},
            headers=coordinator.headers,
        )
        assert response.status_code == 200
        entry = db.scalar(select(DoNotPair).where(DoNotPair.newcomer_id == newcomer.newcomer_id))
        assert entry is not None and entry.mentor_id == mentor.mentor_id

    def test_completed_closes_the_newcomer(
        self, client: TestClient, coordinator: Actor, db: Session, active: Pair
    ) -> None:
        newcomer, _, pairing_id = active
        client.post(
            f"{PAIRINGS}/{pairing_id}/end",
            json={"reason": "completed"},
            headers=coordinator.headers,
        )
        assert newcomer_row(db, newcomer).status == "closed"

    def test_ending_an_unanswered_request_is_409(self, client: TestClient, asked: Pair) -> None:
        _, mentor, pairing_id = asked
        response = client.post(
            f"{PAIRINGS}/{pairing_id}/end", json={"reason": "other"}, headers=mentor.headers
        )
        assert response.status_code == 409
        assert "is approved" in response.json()["detail"]


class TestWithdraw:
    def test_withdraws_open_pairings_and_closes(
        self, client: TestClient, db: Session, asked: Pair
    ) -> None:
        newcomer, _, pairing_id = asked
        response = client.post("/api/v1/newcomers/me/withdraw", headers=newcomer.headers)
        assert response.status_code == 204
        assert newcomer_row(db, newcomer).status == "closed"
        assert history(db, pairing_id)[-1][1] == "withdrawn"
        again = client.post("/api/v1/newcomers/me/withdraw", headers=newcomer.headers)
        assert again.status_code == 409

    def test_staff_are_403(self, client: TestClient, coordinator: Actor) -> None:
        response = client.post("/api/v1/newcomers/me/withdraw", headers=coordinator.headers)
        assert response.status_code == 403
