"""Behind a reverse proxy and over HTTPS: whose forwarded headers count, Secure cookies, HSTS."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from mentormatch.accounts.models import Role
from mentormatch.audit.models import AuditEvent
from mentormatch.config import Settings
from mentormatch.main import create_app
from mentormatch.web.core import STAFF_COOKIE
from tests.factories import PASSWORD, make_user
from tests.web.conftest import csrf_from

TOKEN = "/api/v1/auth/token"
PROXY = "10.0.0.5"  # named in the setting below, with the default 127.0.0.1
STRANGER = "203.0.113.9"


def app_with(settings: Settings, connection: Connection, **changes: object) -> FastAPI:
    """The test app built for these settings, its sessions on the test's transaction."""
    app = create_app(settings.model_copy(update=changes))
    app.state.engine.dispose()
    app.state.sessionmaker = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return app


@pytest.fixture
def proxied(settings: Settings, connection: Connection) -> FastAPI:
    return app_with(settings, connection, forwarded_allow_ips="127.0.0.1, 10.0.0.0/24")


def via(app: FastAPI, peer: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(peer, 40000))


def wrong_password(client: TestClient, forwarded_for: str) -> httpx.Response:
    return client.post(
        TOKEN,
        data={"username": "ghost@example.org", "password": "guess"},
        headers={"X-Forwarded-For": forwarded_for},
    )


class TestForwardedFor:
    def test_a_listed_proxy_names_the_client(self, proxied: FastAPI, db: Session) -> None:
        proxy = via(proxied, PROXY)
        for _ in range(5):
            assert wrong_password(proxy, "198.51.100.1").status_code == 401
        # The throttle and the audit trail see the client the proxy named, not the proxy.
        assert wrong_password(proxy, "198.51.100.1").status_code == 429
        assert wrong_password(proxy, "198.51.100.2").status_code == 401
        clients = set(db.scalars(select(AuditEvent.client).where(AuditEvent.action == "login")))
        assert clients == {"198.51.100.1", "198.51.100.2"}

    def test_an_unlisted_peer_cannot_pretend_to_be_someone_else(
        self, proxied: FastAPI, db: Session
    ) -> None:
        stranger = via(proxied, STRANGER)
        for i in range(5):
            assert wrong_password(stranger, f"198.51.100.{i}").status_code == 401
        assert wrong_password(stranger, "198.51.100.99").status_code == 429
        clients = set(db.scalars(select(AuditEvent.client).where(AuditEvent.action == "login")))
        assert clients == {STRANGER}

    def test_the_default_trusts_only_a_proxy_on_this_host(self, settings: Settings) -> None:
        assert settings.forwarded_allow_ips == "127.0.0.1"

    @pytest.mark.parametrize("value", ["10.0.0.0/33", "proxy.internal", "10.0.0.1, *"])
    def test_a_setting_that_names_no_address_is_refused(self, value: str) -> None:
        with pytest.raises(ValueError, match="FORWARDED_ALLOW_IPS"):
            Settings(forwarded_allow_ips=value, _env_file=None)  # type: ignore[call-arg]


class TestForwardedProto:
    def test_https_from_a_listed_proxy_makes_cookies_secure(self, proxied: FastAPI) -> None:
        page = via(proxied, PROXY).get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "secure" in page.headers["set-cookie"].lower()

    def test_https_claimed_by_an_unlisted_peer_is_ignored(self, proxied: FastAPI) -> None:
        page = via(proxied, STRANGER).get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "secure" not in page.headers["set-cookie"].lower()


@pytest.fixture
def over_https(settings: Settings, connection: Connection) -> Iterator[TestClient]:
    app = app_with(settings, connection, public_base_url="https://mentors.example.org")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


class TestPublicUrl:
    def test_https_public_url_sends_hsts_everywhere(self, over_https: TestClient) -> None:
        for response in (
            over_https.get("/healthz"),
            over_https.get("/login"),
            over_https.get("/no/such/page"),
            over_https.post(TOKEN, data={"username": "x@example.org", "password": "x"}),
            over_https.post(TOKEN, content=b"x" * 70_000),  # the body limit answers
        ):
            hsts = response.headers.get("strict-transport-security", "")
            assert hsts.startswith("max-age=31536000"), (response.status_code, hsts)

    def test_https_public_url_makes_every_cookie_secure(
        self, over_https: TestClient, db: Session
    ) -> None:
        # The request itself arrives over plain HTTP (TLS ended before the app, no
        # X-Forwarded-Proto): the public URL alone decides.
        make_user(db, Role.coordinator, email="staff@example.org")
        db.commit()
        form = over_https.get("/login")
        assert "secure" in form.headers["set-cookie"].lower()
        csrf_cookie = form.headers["set-cookie"].split(";", 1)[0]
        signed_in = over_https.post(
            "/login",
            data={
                "csrf_token": csrf_from(form.text),
                "email": "staff@example.org",
                "password": PASSWORD,
            },
            headers={"Cookie": csrf_cookie},
            follow_redirects=False,
        )
        assert signed_in.status_code == 303
        assert signed_in.headers["set-cookie"].startswith(f"{STAFF_COOKIE}=")
        assert "secure" in signed_in.headers["set-cookie"].lower()

    def test_http_public_url_sends_no_hsts_and_plain_cookies(self, client: TestClient) -> None:
        page = client.get("/login")
        assert "strict-transport-security" not in page.headers
        assert "secure" not in page.headers["set-cookie"].lower()
