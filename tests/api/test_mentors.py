"""/api/v1/mentors: coordinators register and edit mentors; mentors keep their own profile."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.mentors.models import Mentor
from tests.conftest import Actor
from tests.factories import PASSWORD, accept_invitation, mentor_body

URL = "/api/v1/mentors"


class TestCreateMentor:
    def test_anonymous_401_mentor_403(self, client: TestClient, make_mentor) -> None:
        assert client.post(URL, json=mentor_body()).status_code == 401
        alex = make_mentor()
        assert client.post(URL, json=mentor_body(), headers=alex.headers).status_code == 403

    def test_creates_profile_and_account_that_can_sign_in(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        response = client.post(
            URL, json=mentor_body(email="Jo@Example.org"), headers=coordinator.headers
        )
        assert response.status_code == 201
        body = response.json()
        assert body["email"] == "jo@example.org"
        assert body["load"] == 0
        accept_invitation(db, "jo@example.org")
        token = client.post(
            "/api/v1/auth/token", data={"username": "jo@example.org", "password": PASSWORD}
        )
        assert token.status_code == 200
        assert token.json()["role"] == "mentor"

    def test_duplicate_email_is_409_and_writes_nothing(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        client.post(URL, json=mentor_body(email="dup@example.org"), headers=coordinator.headers)
        before = db.scalar(select(func.count()).select_from(Mentor))
        response = client.post(
            URL, json=mentor_body(email="dup@example.org"), headers=coordinator.headers
        )
        assert response.status_code == 409
        assert db.scalar(select(func.count()).select_from(Mentor)) == before

    def test_bad_fields_are_422_naming_the_field(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        users_before = db.scalar(select(func.count()).select_from(User))
        cases = {
            "capacity": {"capacity": 50},
            "recovery_start": {"recovery_start": "2999-01-01"},
            "birth_year": {"birth_year": 2020},
            "substances": {"substances": ["unobtainium"]},
            "pathways_ruled_out": {
                "pathways": ["twelve_step"],
                "pathways_ruled_out": ["twelve_step"],
            },
            "role": {"role": "admin"},
        }
        for field, overrides in cases.items():
            response = client.post(URL, json=mentor_body(**overrides), headers=coordinator.headers)
            assert response.status_code == 422, field
            assert field in response.text, field
        assert db.scalar(select(func.count()).select_from(User)) == users_before


class TestListAndReadMentors:
    def test_lists_with_load_and_reads_one(
        self, client: TestClient, coordinator: Actor, make_mentor
    ) -> None:
        alex = make_mentor(first_name="Alex")
        page = client.get(URL, headers=coordinator.headers).json()
        assert page["total"] == 1
        one = client.get(f"{URL}/{alex.mentor_id}", headers=coordinator.headers).json()
        assert one["first_name"] == "Alex"

    def test_missing_is_404(self, client: TestClient, coordinator: Actor) -> None:
        assert client.get(f"{URL}/424242", headers=coordinator.headers).status_code == 404

    def test_mentor_cannot_read_another_mentor(self, client: TestClient, make_mentor) -> None:
        alex, blair = make_mentor(), make_mentor()
        response = client.get(f"{URL}/{blair.mentor_id}", headers=alex.headers)
        assert response.status_code == 403


class TestUpdateMentor:
    def test_pause_and_capacity_with_version(
        self, client: TestClient, coordinator: Actor, make_mentor
    ) -> None:
        alex = make_mentor()
        url = f"{URL}/{alex.mentor_id}"
        version = client.get(url, headers=coordinator.headers).json()["version"]
        response = client.patch(
            url,
            json={"version": version, "capacity": 3, "active": False},
            headers=coordinator.headers,
        )
        assert response.status_code == 200
        assert response.json()["capacity"] == 3
        assert response.json()["active"] is False

    def test_stale_version_is_409(
        self, client: TestClient, coordinator: Actor, make_mentor
    ) -> None:
        alex = make_mentor()
        url = f"{URL}/{alex.mentor_id}"
        version = client.get(url, headers=coordinator.headers).json()["version"]
        assert (
            client.patch(
                url, json={"version": version, "capacity": 1}, headers=coordinator.headers
            ).status_code
            == 200
        )
        stale = client.patch(
            url, json={"version": version, "capacity": 3}, headers=coordinator.headers
        )
        assert stale.status_code == 409
        assert client.get(url, headers=coordinator.headers).json()["capacity"] == 1


class TestOwnProfile:
    def test_mentor_reads_and_pauses_own_profile(self, client: TestClient, make_mentor) -> None:
        alex = make_mentor(first_name="Alex")
        assert client.get(f"{URL}/me", headers=alex.headers).json()["first_name"] == "Alex"
        response = client.patch(
            f"{URL}/me", json={"paused": True, "capacity": 1}, headers=alex.headers
        )
        assert response.status_code == 200
        assert response.json()["paused"] is True

    def test_mentor_cannot_vet_themself(self, client: TestClient, make_mentor) -> None:
        alex = make_mentor()
        for field, value in (("vetted", True), ("active", True), ("recovery_start", "2000-01-01")):
            response = client.patch(f"{URL}/me", json={field: value}, headers=alex.headers)
            assert response.status_code == 422, field

    def test_coordinator_has_no_mentor_profile(
        self, client: TestClient, coordinator: Actor
    ) -> None:
        assert client.get(f"{URL}/me", headers=coordinator.headers).status_code == 403


class TestCapacityBelowLoad:
    def test_409_names_capacity_and_the_load_for_mentor_and_coordinator(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        alex = make_mentor(capacity=3)
        for _ in range(2):
            approved = client.post(
                "/api/v1/pairings",
                json={"newcomer_id": make_newcomer().newcomer_id, "mentor_id": alex.mentor_id},
                headers=coordinator.headers,
            )
            assert approved.status_code == 201, approved.text
        url = f"{URL}/{alex.mentor_id}"
        version = client.get(url, headers=coordinator.headers).json()["version"]
        for path, headers, body in (
            (f"{URL}/me", alex.headers, {"capacity": 1}),
            (url, coordinator.headers, {"capacity": 1, "version": version}),
        ):
            refused = client.patch(path, json=body, headers=headers)
            assert refused.status_code == 409, refused.text
            assert refused.json()["field"] == "capacity"
            assert "current load is 2" in refused.json()["detail"]
        assert client.get(url, headers=coordinator.headers).json()["capacity"] == 3
        kept = client.patch(f"{URL}/me", json={"capacity": 2}, headers=alex.headers)
        assert kept.status_code == 200 and kept.json()["capacity"] == 2
