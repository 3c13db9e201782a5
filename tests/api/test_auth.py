"""POST /api/v1/auth/token and /logout: sign-in with a password, sign-out revokes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from tests.factories import PASSWORD, bearer, make_user

TOKEN = "/api/v1/auth/token"


class TestIssueToken:
    def test_right_password_gives_a_working_bearer_token(
        self, client: TestClient, db: Session
    ) -> None:
        user = make_user(db, Role.coordinator, email="coord@example.org")
        db.commit()
        response = client.post(TOKEN, data={"username": "Coord@Example.org", "password": PASSWORD})
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["role"] == "coordinator"
        listing = client.get("/api/v1/newcomers", headers=bearer(body["access_token"]))
        assert listing.status_code == 200
        assert user.id

    def test_wrong_password_and_unknown_email_look_the_same(
        self, client: TestClient, db: Session
    ) -> None:
        make_user(db, Role.coordinator, email="coord@example.org")
        db.commit()
        wrong = client.post(TOKEN, data={"username": "coord@example.org", "password": "nope"})
        unknown = client.post(TOKEN, data={"username": "who@example.org", "password": "nope"})
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()

    def test_missing_form_fields_are_422(self, client: TestClient) -> None:
        response = client.post(TOKEN, data={"username": "x@example.org"})
        assert response.status_code == 422
        assert "password" in response.text


class TestLogout:
    def test_logout_revokes_the_token_at_once(self, client: TestClient, db: Session) -> None:
        make_user(db, Role.coordinator, email="coord@example.org")
        db.commit()
        token = client.post(
            TOKEN, data={"username": "coord@example.org", "password": PASSWORD}
        ).json()["access_token"]
        assert client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
        assert client.get("/api/v1/newcomers", headers=bearer(token)).status_code == 401

    def test_newcomer_token_cannot_log_out_staff(self, client: TestClient, make_newcomer) -> None:
        sam = make_newcomer()
        assert client.post("/api/v1/auth/logout", headers=sam.headers).status_code == 403
