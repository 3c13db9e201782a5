"""/api/v1/newcomers/me: a newcomer sees, corrects, exports and erases their own record."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Consent, Newcomer
from tests.conftest import Actor

ME = "/api/v1/newcomers/me"


class TestReadOwn:
    def test_anonymous_is_401(self, client: TestClient) -> None:
        assert client.get(ME).status_code == 401

    def test_unknown_token_is_401(self, client: TestClient) -> None:
        response = client.get(ME, headers={"Authorization": "Bearer mmn_not-a-real-token"})
        assert response.status_code == 401

    def test_staff_token_is_403(self, client: TestClient, coordinator: Actor) -> None:
        assert client.get(ME, headers=coordinator.headers).status_code == 403

    def test_token_reads_its_own_record_and_no_other(
        self, client: TestClient, make_newcomer
    ) -> None:
        sam = make_newcomer(first_name="Sam")
        kim = make_newcomer(first_name="Kim")
        assert client.get(ME, headers=sam.headers).json()["first_name"] == "Sam"
        assert client.get(ME, headers=kim.headers).json()["first_name"] == "Kim"
        other = client.get(f"/api/v1/newcomers/{kim.newcomer_id}", headers=sam.headers)
        assert other.status_code == 403

    def test_response_never_carries_the_token_hash(self, client: TestClient, make_newcomer) -> None:
        sam = make_newcomer()
        assert "token_hash" not in client.get(ME, headers=sam.headers).text


class TestCorrectOwn:
    def test_changes_only_the_fields_sent(self, client: TestClient, make_newcomer) -> None:
        sam = make_newcomer()
        response = client.patch(ME, json={"languages": ["en", "es"]}, headers=sam.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["languages"] == ["en", "es"]
        assert body["substances"] == ["heroin"]

    def test_bad_value_is_422_and_changes_nothing(
        self, client: TestClient, make_newcomer, db: Session
    ) -> None:
        sam = make_newcomer()
        response = client.patch(ME, json={"timezone": "Nowhere/Land"}, headers=sam.headers)
        assert response.status_code == 422
        assert "timezone" in response.text
        assert db.get(Newcomer, sam.newcomer_id).timezone == "America/Chicago"  # type: ignore[union-attr]

    def test_cannot_set_status_or_urgency(self, client: TestClient, make_newcomer) -> None:
        sam = make_newcomer()
        for field, value in (("status", "paired"), ("urgent", False), ("id", 99)):
            response = client.patch(ME, json={field: value}, headers=sam.headers)
            assert response.status_code == 422, field
            assert field in response.text

    def test_required_field_cannot_be_emptied(self, client: TestClient, make_newcomer) -> None:
        sam = make_newcomer()
        response = client.patch(ME, json={"first_name": None}, headers=sam.headers)
        assert response.status_code == 422
        assert "first_name" in response.text

    @pytest.mark.parametrize(
        "field",
        [
            "share_contact",
            "gender_pref",
            "availability",
            "lived_experience",
            "wanted_experience",
            "hopes",
            "medication",
        ],
    )
    def test_no_answer_that_cannot_be_empty_is_nulled(
        self, field: str, client: TestClient, make_newcomer
    ) -> None:
        # Found by schemathesis: null for these was a 500 (NOT NULL or response validation).
        sam = make_newcomer()
        response = client.patch(ME, json={field: None}, headers=sam.headers)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field

    def test_clearable_answers_can_be_nulled(self, client: TestClient, make_newcomer) -> None:
        sam = make_newcomer()
        response = client.patch(ME, json={"email": None, "pathway": None}, headers=sam.headers)
        assert response.status_code == 200, response.text
        assert response.json()["email"] is None and response.json()["pathway"] is None

    def test_switching_to_in_person_needs_a_location(
        self, client: TestClient, make_newcomer
    ) -> None:
        sam = make_newcomer()
        response = client.patch(ME, json={"meeting_modes": ["in_person"]}, headers=sam.headers)
        assert response.status_code == 422
        assert "latitude" in response.text


class TestExportOwn:
    def test_downloads_everything_held_including_consent(
        self, client: TestClient, make_newcomer
    ) -> None:
        sam = make_newcomer()
        response = client.get(f"{ME}/export", headers=sam.headers)
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        body = response.json()
        assert body["profile"]["hopes"].startswith("Someone who gets")
        assert body["consents"][0]["version"] == "2026-11"


class TestEraseOwn:
    def test_erases_record_and_consents_and_kills_the_token(
        self, client: TestClient, make_newcomer, db: Session
    ) -> None:
        sam = make_newcomer()
        assert client.delete(ME, headers=sam.headers).status_code == 204
        assert db.get(Newcomer, sam.newcomer_id) is None
        assert db.scalar(select(Consent).where(Consent.newcomer_id == sam.newcomer_id)) is None
        assert client.get(ME, headers=sam.headers).status_code == 401
