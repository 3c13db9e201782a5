"""Login abuse: the sign-in throttle (docs/accounts.md), token expiry and revocation, argon2id.

The throttle's figures are the defaults: 5 free failures per (account, client), 20 per
client across accounts, then waits of 30 s doubling to 15 min, forgotten after 24 h. Time
is the app's clock, moved by the tests.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, Type
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts import security
from mentormatch.accounts.models import Role, User
from mentormatch.config import Settings
from mentormatch.main import create_app
from tests.factories import PASSWORD, bearer, make_user, token_for
from tests.web.conftest import post_form

TOKEN = "/api/v1/auth/token"
LOGIN_ERROR = re.compile(r'id="login-error">.*?</span>([^<]+)</p>')
DELAYS = [30, 60, 120, 240, 480, 900, 900]  # after the 5th, 6th, … failure of a pair


class Clock:
    """The app's clock: the tests move it instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(app: FastAPI) -> Clock:
    app.state.clock = Clock()
    return app.state.clock


def from_address(app: FastAPI, host: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(host, 40000))


def login(client: TestClient, email: str, password: str = "wrong guess") -> httpx.Response:
    return client.post(TOKEN, data={"username": email, "password": password})


def fail(client: TestClient, email: str, times: int) -> None:
    for _ in range(times):
        assert login(client, email).status_code == 401


@pytest.fixture
def cheap_dummy_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unknown accounts checked against a cheap hash, for tests making many attempts."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
    monkeypatch.setattr(security, "_DUMMY_HASH", cheap.hash("not-a-real-password"))


class CountingHasher:
    """The real argon2id hasher, counting password checks."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.verified = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def verify(self, stored: str, password: str) -> bool:
        self.verified += 1
        return bool(self.real.verify(stored, password))


class TestSameAnswerForEveryAccount:
    def test_existing_and_unknown_accounts_get_identical_answers(
        self, app: FastAPI, db: Session, clock: Clock
    ) -> None:
        make_user(db, Role.coordinator, email="staff@example.org")
        db.commit()
        client = from_address(app, "203.0.113.9")
        for _ in range(6):
            real = login(client, "staff@example.org")
            ghost = login(client, "ghost@example.org")
            assert real.status_code == ghost.status_code
            assert real.content == ghost.content
            assert dict(real.headers) == dict(ghost.headers)
        # The 6th failure of each pair is not checked: 429, wait 30 s, no word of "account".
        assert real.status_code == 429
        assert real.headers["retry-after"] == "30"
        assert real.json()["detail"] == "too many failed sign-ins; try again in 30 seconds"

    def test_unknown_accounts_cost_a_password_check_like_existing_ones(
        self, app: FastAPI, db: Session, clock: Clock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        hasher = CountingHasher(security._hasher)
        monkeypatch.setattr(security, "_hasher", hasher)
        make_user(db, Role.coordinator, email="staff@example.org")
        db.commit()
        client = from_address(app, "203.0.113.9")
        checks = {}
        for email in ("staff@example.org", "ghost@example.org"):
            before = hasher.verified
            fail(client, email, 5)
            assert login(client, email).status_code == 429
            checks[email] = hasher.verified - before
        # One argon2id check per answered attempt, none once throttled, for both.
        assert checks == {"staff@example.org": 5, "ghost@example.org": 5}

    def test_the_sign_in_page_answers_alike_too(
        self, app: FastAPI, db: Session, clock: Clock
    ) -> None:
        make_user(db, Role.coordinator, email="staff@example.org")
        db.commit()
        answers: dict[str, list[tuple[int, str | None, str]]] = {}
        for email in ("staff@example.org", "ghost@example.org"):
            client = from_address(app, "203.0.113.9")
            answers[email] = []
            for _ in range(6):
                page: Any = post_form(
                    client, "/login", "/login", {"email": email, "password": "wrong"}
                )
                message = LOGIN_ERROR.search(page.text)
                text = message[1].strip() if message else ""
                answers[email].append((page.status_code, page.headers.get("retry-after"), text))
        assert answers["staff@example.org"] == answers["ghost@example.org"]
        assert answers["ghost@example.org"][0] == (401, None, "Wrong email or password.")
        assert answers["ghost@example.org"][5] == (
            429,
            "30",
            "Too many failed sign-ins; try again in 30 seconds.",
        )


class TestGrowingDelays:
    def test_each_failure_past_the_fifth_doubles_the_wait_up_to_15_minutes(
        self, app: FastAPI, db: Session, clock: Clock
    ) -> None:
        make_user(db, Role.coordinator, email="staff@example.org")
        db.commit()
        client = from_address(app, "203.0.113.9")
        fail(client, "staff@example.org", 5)
        for delay in DELAYS:
            early = login(client, "staff@example.org", PASSWORD)  # even the right password
            assert (early.status_code, early.headers["retry-after"]) == (429, str(delay))
            clock.advance(delay - 1)
            assert login(client, "staff@example.org").headers["retry-after"] == "1"
            clock.advance(1)
            fail(client, "staff@example.org", 1)

    @pytest.mark.usefixtures("cheap_dummy_hash")
    def test_throttled_attempts_do_not_lengthen_the_wait(
        self, app: FastAPI, db: Session, clock: Clock
    ) -> None:
        client = from_address(app, "203.0.113.9")
        fail(client, "ghost@example.org", 5)
        for elapsed in range(0, 30, 3):
            response = login(client, "ghost@example.org")
            assert (response.status_code, response.headers["retry-after"]) == (
                429,
                str(30 - elapsed),
            )
            clock.advance(3)
        assert login(client, "ghost@example.org").status_code == 401

    def test_the_right_password_after_the_wait_signs_in_and_clears_the_slate(
        self, app: FastAPI, db: Session, clock: Clock
    ) -> None:
        make_user(db, Role.coordinator, email="staff@example.org")
        db.commit()
        client = from_address(app, "203.0.113.9")
        fail(client, "staff@example.org", 5)
        clock.advance(30)
        fail(client, "staff@example.org", 1)
        clock.advance(60)
        assert login(client, "staff@example.org", PASSWORD).status_code == 200
        fail(client, "staff@example.org", 5)  # five free failures again
        assert login(client, "staff@example.org").status_code == 429

    @pytest.mark.usefixtures("cheap_dummy_hash")
    def test_failures_are_forgotten_after_a_day(
        self, app: FastAPI, db: Session, clock: Clock
    ) -> None:
        client = from_address(app, "203.0.113.9")
        fail(client, "ghost@example.org", 5)
        clock.advance(24 * 3600 - 1)
        fail(client, "ghost@example.org", 1)  # the 6th failure, the first five remembered
        assert login(client, "ghost@example.org").headers["retry-after"] == "60"
        clock.advance(60)  # the first five are a day old: only the 6th is left
        fail(client, "ghost@example.org", 4)
        assert login(client, "ghost@example.org").headers["retry-after"] == "30"


class TestNoLockout:
    def test_a_stranger_never_keeps_the_real_person_out(
        self, app: FastAPI, db: Session, clock: Clock
    ) -> None:
        make_user(db, Role.coordinator, email="staff@example.org")
        db.commit()
        stranger = from_address(app, "203.0.113.9")
        owner = from_address(app, "192.0.2.7")
        fail(stranger, "staff@example.org", 5)
        # The stranger keeps trying, as soon as each wait allows, past the longest wait.
        for _ in range(24):
            response = login(stranger, "staff@example.org")
            if response.status_code == 429:
                clock.advance(int(response.headers["retry-after"]))
        # The owner, on their own client, is answered at once, wrong password or right.
        assert login(owner, "staff@example.org").status_code == 401
        assert login(owner, "staff@example.org", PASSWORD).status_code == 200

    def test_a_client_spraying_many_accounts_is_slowed_not_others(
        self, app: FastAPI, db: Session, clock: Clock, cheap_dummy_hash: None
    ) -> None:
        sprayer = from_address(app, "203.0.113.9")
        for i in range(20):
            fail(sprayer, f"person{i}@example.org", 1)
        response = login(sprayer, "person20@example.org")
        assert (response.status_code, response.headers["retry-after"]) == (429, "30")
        assert login(from_address(app, "192.0.2.7"), "person20@example.org").status_code == 401
        clock.advance(30)
        fail(sprayer, "person21@example.org", 1)
        response = login(sprayer, "person22@example.org")
        assert (response.status_code, response.headers["retry-after"]) == (429, "60")

    @pytest.mark.usefixtures("cheap_dummy_hash")
    def test_one_ipv6_subscriber_network_is_one_client(
        self, app: FastAPI, db: Session, clock: Clock
    ) -> None:
        for i in range(5):
            fail(from_address(app, f"2001:db8:1:2::{i + 1:x}"), "ghost@example.org", 1)
        assert (
            login(from_address(app, "2001:db8:1:2::ffff"), "ghost@example.org").status_code == 429
        )
        assert login(from_address(app, "2001:db8:1:3::1"), "ghost@example.org").status_code == 401


@pytest.mark.usefixtures("cheap_dummy_hash")
class TestAcrossWorkers:
    """Two app instances on one database stand for two workers, or two hosts."""

    @pytest.fixture
    def workers(self, live_url: str) -> Iterator[tuple[FastAPI, FastAPI]]:
        settings = Settings(environment="test", database_url=live_url, _env_file=None)  # type: ignore[call-arg]
        one, two = create_app(settings), create_app(settings)
        one.state.clock = two.state.clock = Clock()
        yield one, two
        one.state.engine.dispose()
        two.state.engine.dispose()

    def test_failures_on_one_worker_count_on_the_other(
        self, workers: tuple[FastAPI, FastAPI]
    ) -> None:
        one, two = workers
        fail(from_address(one, "203.0.113.21"), "ghost@example.org", 3)
        fail(from_address(two, "203.0.113.21"), "ghost@example.org", 2)
        for app in workers:
            response = login(from_address(app, "203.0.113.21"), "ghost@example.org")
            assert response.status_code == 429 and response.headers["retry-after"] == "30"

    def test_a_burst_of_parallel_guesses_gets_five_answers(
        self, workers: tuple[FastAPI, FastAPI]
    ) -> None:
        clients = [from_address(app, "203.0.113.22") for app in workers]

        def guess(i: int) -> int:
            return login(clients[i % 2], "burst@example.org").status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = Counter(pool.map(guess, range(24)))
        assert answers == {401: 5, 429: 19}


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
        self, client: TestClient, db: Session, admin: Any
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
        assert login(client, user.email, PASSWORD).status_code == 401


ARGON2 = re.compile(r"^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$")


def test_password_hashes_are_argon2id_at_or_above_owasp_minimums(
    client: TestClient, db: Session, admin: Any
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
