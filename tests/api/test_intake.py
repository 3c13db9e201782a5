"""POST /api/v1/newcomers: the public intake, its crisis routing and every bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Consent, Newcomer
from tests.factories import intake_body, newcomer_id

URL = "/api/v1/newcomers"


def newcomer_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Newcomer)) or 0


class TestValidIntake:
    def test_creates_a_waiting_record_with_a_private_token(
        self, client: TestClient, db: Session
    ) -> None:
        response = client.post(URL, json=intake_body())
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "waiting"
        assert body["status_token"].startswith("mmn_")
        assert len(body["status_token"]) >= 4 + 43  # 256 random bits, url-safe
        assert body["crisis_resources"] == []
        stored = db.get(Newcomer, newcomer_id(db, body))
        assert stored is not None
        assert body["status_token"] not in stored.status_token_hash

    def test_records_consent_with_version_and_scope(self, client: TestClient, db: Session) -> None:
        body = client.post(URL, json=intake_body()).json()
        consent = db.scalar(select(Consent).where(Consent.newcomer_id == newcomer_id(db, body)))
        assert consent is not None
        assert consent.version == "2026-11"
        assert "share_with_mentor" in consent.scope
        assert consent.agreed_at.tzinfo is not None

    def test_in_person_with_location_is_accepted(self, client: TestClient) -> None:
        response = client.post(
            URL,
            json=intake_body(
                meeting_modes=["in_person"], latitude=41.88, longitude=-87.63, travel_radius_km=15
            ),
        )
        assert response.status_code == 201


class TestCrisis:
    def test_yes_marks_urgent_and_returns_crisis_resources_at_once(
        self, client: TestClient
    ) -> None:
        response = client.post(URL, json=intake_body(in_crisis=True))
        assert response.status_code == 201
        body = response.json()
        assert body["urgent"] is True
        contacts = " ".join(r["contact"] for r in body["crisis_resources"])
        assert "988" in contacts
        assert "1-800-662-4357" in contacts
        assert "TTY 1-800-487-4889" in contacts
        assert "not clinicians" in body["crisis_notice"]

    def test_urgent_newcomer_tops_the_coordinator_queue(
        self, client: TestClient, coordinator: Any
    ) -> None:
        client.post(URL, json=intake_body(first_name="Early"))
        urgent = client.post(URL, json=intake_body(first_name="Urgent", in_crisis=True)).json()
        queue = client.get(URL, headers=coordinator.headers).json()["items"]
        assert queue[0]["reference"] == urgent["reference"]
        assert queue[0]["urgent"] is True


def _future(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown substance", {"substances": ["kryptonite"]}, "substances"),
    ("unknown pathway", {"pathway": "astrology"}, "pathway"),
    ("unknown language", {"languages": ["xx"]}, "languages"),
    ("unknown mode", {"meeting_modes": ["carrier_pigeon"]}, "meeting_modes"),
    ("unknown gender", {"gender": "dragon"}, "gender"),
    ("invalid time zone", {"timezone": "Mars/Olympus"}, "timezone"),
    (
        "slot ends before it starts",
        {"availability": [{"day": 1, "start_hour": 20, "end_hour": 18}]},
        "availability",
    ),
    (
        "slot on day 7",
        {"availability": [{"day": 7, "start_hour": 1, "end_hour": 2}]},
        "availability",
    ),
    ("recovery date in the future", {"recovery_start": _future(30)}, "recovery_start"),
    ("under the program's minimum age", {"birth_year": datetime.now(UTC).year - 15}, "birth_year"),
    ("missing consent", {"consent": None}, "consent"),
    ("consent not given", {"consent": {"agree": False, "version": "2026-11"}}, "consent"),
    (
        "outdated consent version",
        {"consent": {"agree": True, "version": "2019-01"}},
        "consent.version",
    ),
    ("mass assignment: role", {"role": "admin"}, "role"),
    ("mass assignment: status", {"status": "paired"}, "status"),
    ("mass assignment: capacity", {"capacity": 9}, "capacity"),
    ("mass assignment: id", {"id": 1}, "id"),
    ("in person without a location", {"meeting_modes": ["in_person"]}, "latitude"),
    ("no substances", {"substances": []}, "substances"),
    ("first name too long", {"first_name": "x" * 61}, "first_name"),
    ("hopes too long", {"hopes": "x" * 2001}, "hopes"),
    ("crisis question unanswered", {"in_crisis": None}, "in_crisis"),
]


class TestBadInput:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [pytest.param(o, f, id=name) for name, o, f in BAD_INPUTS],
    )
    def test_answers_422_naming_the_field_and_writes_nothing(
        self, client: TestClient, db: Session, overrides: dict[str, Any], field: str
    ) -> None:
        body = intake_body(**overrides)
        body = {k: v for k, v in body.items() if v is not None or k == "pathway"}
        before = newcomer_count(db)
        response = client.post(URL, json=body)
        assert response.status_code == 422, response.text
        assert field in response.text
        assert newcomer_count(db) == before

    def test_malformed_json_is_a_4xx(self, client: TestClient, db: Session) -> None:
        response = client.post(
            URL, content=b'{"first_name": "Sam",', headers={"Content-Type": "application/json"}
        )
        assert 400 <= response.status_code < 500
        assert newcomer_count(db) == 0

    def test_non_utf8_body_is_a_4xx(self, client: TestClient, db: Session) -> None:
        response = client.post(
            URL, content=b'{"first_name": "\xff\xfe"}', headers={"Content-Type": "application/json"}
        )
        assert 400 <= response.status_code < 500
        assert newcomer_count(db) == 0

    def test_oversized_body_is_413(self, client: TestClient, db: Session) -> None:
        body = intake_body(hopes="x" * 100_000)
        response = client.post(URL, json=body)
        assert response.status_code == 413
        assert newcomer_count(db) == 0

    def test_oversized_chunked_body_is_413(self, client: TestClient, db: Session) -> None:
        def chunks():
            for _ in range(100):
                yield b"x" * 1024

        response = client.post(URL, content=chunks(), headers={"Content-Type": "application/json"})
        assert response.status_code == 413

    def test_wrong_content_type_is_a_4xx(self, client: TestClient) -> None:
        response = client.post(
            URL, content=b"first_name=Sam", headers={"Content-Type": "text/plain"}
        )
        assert 400 <= response.status_code < 500
