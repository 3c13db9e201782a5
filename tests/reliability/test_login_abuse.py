"""Login abuse: per-account and per-client throttling, expiry, revocation, argon2id strength."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts import throttle as throttle_module
from mentormatch.accounts.models import Role, User
from mentormatch.accounts.throttle import LoginThrottle
from mentormatch.config import Settings
from tests.factories import PASSWORD, bearer, make_user, token_for

TOKEN = "/api/v1/auth/token"
MAX_FAILURES = 3
LOCKOUT_SECONDS = 60
CLIENT_LIMIT = 5


@pytest.fixture
def strict_app(app: FastAPI) -> FastAPI:
    """The test app with a small failure budget, so the limits are reached quickly."""
    app.state.settings = app.state.settings.model_copy(
        update={"login_max_failures": MAX_FAILURES, "login_lockout_seconds": LOCKOUT_SECONDS}
    )
    app.state.login_throttle = LoginThrottle(limit=CLIENT_LIMIT, window=300)
    return app


def from_address(app: FastAPI, host: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(host, 40000))


def login(client: TestClient, email: str, password: str) -> int:
    return client.post(TOKEN, data={"username": email, "password": password}).status_code


class TestPerAccount:
    def test_repeated_failures_lock_the_account_briefly(
        self, strict_app: FastAPI, db: Session
    ) -> None:
        user = make_user(db, Role.coordinator, email="target@example.org")
        db.commit()
        # The attacker spreads attempts over addresses, so only the account lock can stop them.
        for i in range(MAX_FAILURES):
            assert login(from_address(strict_app, f"10.0.0.{i}"), user.email, "guess") == 401
        owner = from_address(strict_app, "192.0.2.7")
        assert login(owner, user.email, PASSWORD) == 429
        db.refresh(user)
        assert user.locked_until_at is not None
        remaining = user.locked_until_at - datetime.now(UTC)
        assert timedelta(0) < remaining <= timedelta(seconds=LOCKOUT_SECONDS)
        # When the short lock has passed, the owner signs in again.
        user.locked_until_at = datetime.now(UTC) - timedelta(seconds=1)
        db.commit()
        assert login(owner, user.email, PASSWORD) == 200

    def test_default_lockout_is_short(self) -> None:
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        assert settings.login_lockout_seconds <= 15 * 60
        assert 3 <= settings.login_max_failures <= 10


class TestPerClient:
    def test_one_client_failing_often_is_throttled_but_not_the_real_user(
        self, strict_app: FastAPI, db: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        user = make_user(db, Role.coordinator, email="real@example.org")
        db.commit()
        attacker = from_address(strict_app, "203.0.113.9")
        for i in range(CLIENT_LIMIT):
            assert login(attacker, f"nobody{i}@example.org", "guess") == 401
        assert login(attacker, user.email, PASSWORD) == 429
        # The real user, elsewhere, is not locked out by someone else's attempts.
        assert login(from_address(strict_app, "198.51.100.4"), user.email, PASSWORD) == 200
        # The window slides: later, the client may try again.
        later = throttle_module.time.monotonic() + 301
        monkeypatch.setattr(throttle_module.time, "monotonic", lambda: later)
        assert login(attacker, user.email, PASSWORD) == 200


class TestTokens:
    def test_an_expired_token_is_refused(self, client: TestClient, db: Session) -> None:
        user = make_user(db, Role.coordinator)
        token = token_for(db, user, ttl=timedelta(seconds=-1))
        db.commit()
        assert client.get("/api/v1/newcomers", headers=bearer(token)).status_code == 401

    def test_issued_tokens_expire_after_the_configured_time(
        self, client: TestClient, db: Session, settings: Settings
    ) -> None:
        user = make_user(db, Role.coordinator, email="ttl@example.org")
        db.commit()
        body = client.post(TOKEN, data={"username": user.email, "password": PASSWORD}).json()
        assert body["expires_in"] == settings.token_ttl_minutes * 60
        assert settings.token_ttl_minutes <= 12 * 60

    def test_logout_revokes_at_once(self, client: TestClient, db: Session) -> None:
        user = make_user(db, Role.mentor)
        token = token_for(db, user)
        db.commit()
        assert client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
        assert client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 401

    def test_disabling_an_account_revokes_its_tokens_and_sign_in(
        self, client: TestClient, db: Session, admin
    ) -> None:
        user = make_user(db, Role.coordinator, email="leaver@example.org")
        token = token_for(db, user)
        db.commit()
        assert client.get("/api/v1/newcomers", headers=bearer(token)).status_code == 200
        response = client.patch(
            f"/api/v1/users/{user.id}", json={"is_active": False}, headers=admin.headers
        )
        assert response.status_code == 200
        assert client.get("/api/v1/newcomers", headers=bearer(token)).status_code == 401
        assert login(client, user.email, PASSWORD) == 401


ARGON2 = re.compile(r"^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$")


def test_password_hashes_are_argon2id_at_or_above_owasp_minimums(
    client: TestClient, db: Session, admin
) -> None:
    response = client.post(
        "/api/v1/users",
        json={"email": "new@example.org", "role": "coordinator", "password": "long enough pw!"},
        headers=admin.headers,
    )
    assert response.status_code == 201
    stored = db.get_one(User, response.json()["id"]).password_hash
    match = ARGON2.match(stored)
    assert match, stored[:12]
    version, memory_kib, time_cost, parallelism = map(int, match.groups())
    assert version == 19
    assert memory_kib >= 19456  # OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1
    assert time_cost >= 2
    assert parallelism >= 1
