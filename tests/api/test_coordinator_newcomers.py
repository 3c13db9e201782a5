"""The coordinator's newcomer list, record view and edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from tests.conftest import Actor

URL = "/api/v1/newcomers"


class TestListNewcomers:
    def test_anonymous_is_401_and_mentor_is_403(self, client: TestClient, make_mentor) -> None:
        assert client.get(URL).status_code == 401
        assert client.get(URL, headers=make_mentor().headers).status_code == 403

    def test_an_intake_appears_in_the_queue(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer(first_name="Sam")
        page = client.get(URL, headers=coordinator.headers).json()
        assert [i["id"] for i in page["items"]] == [sam.newcomer_id]
        assert page["items"][0]["status"] == "waiting"
        assert "hopes" not in page["items"][0]

    def test_urgent_first_then_longest_waiting(
        self, client: TestClient, coordinator: Actor, make_newcomer, db: Session
    ) -> None:
        recent = make_newcomer(first_name="Recent")
        older = make_newcomer(first_name="Older")
        urgent = make_newcomer(first_name="Urgent", in_crisis=True)
        row = db.get(Newcomer, older.newcomer_id)
        assert row is not None
        row.waiting_since -= timedelta(days=10)
        db.commit()
        items = client.get(URL, headers=coordinator.headers).json()["items"]
        assert [i["id"] for i in items] == [
            urgent.newcomer_id,
            older.newcomer_id,
            recent.newcomer_id,
        ]

    def test_filters_by_status_and_paginates(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        for _ in range(3):
            make_newcomer()
        page = client.get(
            URL, params={"status": "waiting", "limit": 2, "offset": 2}, headers=coordinator.headers
        ).json()
        assert page["total"] == 3
        assert len(page["items"]) == 1
        none = client.get(URL, params={"status": "paired"}, headers=coordinator.headers).json()
        assert none["total"] == 0

    def test_page_size_is_capped(self, client: TestClient, coordinator: Actor) -> None:
        response = client.get(URL, params={"limit": 1000}, headers=coordinator.headers)
        assert response.status_code == 422
        assert "limit" in response.text

    def test_unknown_status_is_422(self, client: TestClient, coordinator: Actor) -> None:
        response = client.get(URL, params={"status": "lost"}, headers=coordinator.headers)
        assert response.status_code == 422


class TestReadNewcomer:
    def test_coordinator_sees_the_full_record(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        body = client.get(f"{URL}/{sam.newcomer_id}", headers=coordinator.headers).json()
        assert body["hopes"].startswith("Someone")
        assert body["age"] >= 18
        assert body["consents"][0]["version"] == "2026-11"

    def test_missing_is_404(self, client: TestClient, coordinator: Actor) -> None:
        response = client.get(f"{URL}/999999", headers=coordinator.headers)
        assert response.status_code == 404
        assert response.json()["type"] == "not_found"


class TestUpdateNewcomer:
    def test_marks_urgent_with_the_version_read(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        url = f"{URL}/{sam.newcomer_id}"
        version = client.get(url, headers=coordinator.headers).json()["version"]
        response = client.patch(
            url, json={"version": version, "urgent": True}, headers=coordinator.headers
        )
        assert response.status_code == 200
        assert response.json()["urgent"] is True
        assert response.json()["version"] == version + 1

    def test_stale_version_is_409_and_changes_nothing(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        url = f"{URL}/{sam.newcomer_id}"
        version = client.get(url, headers=coordinator.headers).json()["version"]
        first = client.patch(
            url, json={"version": version, "urgent": True}, headers=coordinator.headers
        )
        assert first.status_code == 200
        second = client.patch(
            url, json={"version": version, "status": "closed"}, headers=coordinator.headers
        )
        assert second.status_code == 409
        assert client.get(url, headers=coordinator.headers).json()["status"] == "waiting"

    def test_missing_version_is_422(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        response = client.patch(
            f"{URL}/{sam.newcomer_id}", json={"urgent": True}, headers=coordinator.headers
        )
        assert response.status_code == 422
        assert "version" in response.text

    @pytest.mark.parametrize("field", ["urgent", "status"])
    def test_null_is_422_not_a_crash(
        self, field: str, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        # Found by schemathesis: {"urgent": null} was a 500 (NOT NULL constraint).
        sam = make_newcomer()
        url = f"{URL}/{sam.newcomer_id}"
        version = client.get(url, headers=coordinator.headers).json()["version"]
        response = client.patch(
            url, json={"version": version, field: None}, headers=coordinator.headers
        )
        assert response.status_code == 422
        assert response.json()["field"] == field


class TestDoNotPair:
    def test_records_an_entry_shown_on_the_record(
        self, client: TestClient, coordinator: Actor, make_newcomer, make_mentor
    ) -> None:
        sam = make_newcomer()
        alex = make_mentor()
        response = client.post(
            f"{URL}/{sam.newcomer_id}/do-not-pair",
            json={"mentor_id": alex.mentor_id, "reason": "household"},
            headers=coordinator.headers,
        )
        assert response.status_code == 201
        body = client.get(f"{URL}/{sam.newcomer_id}", headers=coordinator.headers).json()
        assert body["do_not_pair"][0]["mentor_id"] == alex.mentor_id

    def test_unknown_mentor_is_404(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        response = client.post(
            f"{URL}/{sam.newcomer_id}/do-not-pair",
            json={"mentor_id": 424242, "reason": "household"},
            headers=coordinator.headers,
        )
        assert response.status_code == 404
