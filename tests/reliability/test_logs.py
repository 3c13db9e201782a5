"""No health data in logs, and security headers on every response.

Flows run with marker strings in every free-text and personal field; with every logger at
DEBUG (SQLAlchemy's statement, parameter and row logging included) and a real server's
stdout/stderr captured, no marker may appear anywhere.
"""

from __future__ import annotations

import itertools
import logging

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mentormatch.accounts.models import Role
from tests.factories import (
    bearer,
    found_newcomer_id,
    intake_body,
    make_user,
    mentor_body,
    token_for,
)
from tests.reliability.routes import all_routes
from tests.reliability.server import start_server

MARK = "qx9marker"
NEWCOMER = intake_body(
    first_name=f"Name{MARK}",
    email=f"{MARK}@example.org",
    phone="+1 312 555 4242",
    hopes=f"Hopes {MARK} about my drinking",
)
MARKERS = (MARK, "312 555 4242")
_runs = itertools.count()


def flows(client: httpx.Client | TestClient, staff: dict[str, str]) -> None:
    """Intake, self-service, coordinator reads and edits, a mentor, bad input, bad sign-in."""
    created = client.post("/api/v1/newcomers", json=NEWCOMER)
    assert created.status_code == 201
    me = bearer(created.json()["status_token"])
    assert client.patch("/api/v1/newcomers/me", json={"hopes": f"More {MARK}"}, headers=me)
    assert client.get("/api/v1/newcomers/me/export", headers=me).status_code == 200
    newcomer_id = found_newcomer_id(client, staff, created.json())
    assert client.get(f"/api/v1/newcomers/{newcomer_id}", headers=staff).status_code == 200
    mentor = mentor_body(interests=f"Interests {MARK}", email=f"m{next(_runs)}{MARK}@example.org")
    assert client.post("/api/v1/mentors", json=mentor, headers=staff).status_code == 201
    bad = intake_body(first_name=f"Bad{MARK}", substances=[f"sub{MARK}"])
    assert client.post("/api/v1/newcomers", json=bad).status_code == 422
    assert client.post("/api/v1/newcomers", content=f'{{"hopes": "{MARK}'.encode()).status_code
    signin = {"username": f"{MARK}@example.org", "password": f"pw{MARK}"}
    assert client.post("/api/v1/auth/token", data=signin).status_code == 401
    assert client.delete("/api/v1/newcomers/me", headers=me).status_code == 204


def assert_no_marker(text: str) -> None:
    for marker in MARKERS:
        assert marker not in text, f"{marker!r} found in logs: ...{_around(text, marker)}..."


def _around(text: str, marker: str) -> str:
    at = text.index(marker)
    return text[max(0, at - 200) : at + 50]


def test_no_marker_in_any_log_at_debug(
    live_app: FastAPI, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with live_app.state.sessionmaker() as db:
        staff = bearer(token_for(db, make_user(db, Role.coordinator)))
        db.commit()
    live_app.state.engine.dispose()  # new connections see the DEBUG level from the start
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "uvicorn", "mentormatch"):
        caplog.set_level(logging.DEBUG, logger=name)
    with TestClient(live_app, raise_server_exceptions=False) as client:
        flows(client, staff)
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
    assert_no_marker("\n".join(r.getMessage() for r in caplog.records))
    assert_no_marker(caplog.text)
    out, err = capsys.readouterr()
    assert_no_marker(out + err)


@pytest.mark.slow
def test_no_marker_in_a_real_servers_output(live_url: str, live_app: FastAPI) -> None:
    with live_app.state.sessionmaker() as db:
        staff = bearer(token_for(db, make_user(db, Role.coordinator)))
        db.commit()
    server = start_server(live_url, capture=True)
    try:
        with httpx.Client(base_url=server.base_url) as client:
            flows(client, staff)
            assert client.get("/api/v1/nowhere").status_code == 404
    finally:
        out, err = server.stop()
    assert "Uvicorn running" in out + err or "Application startup complete" in out + err
    assert_no_marker(out + err)


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def test_security_headers_on_every_response(app: FastAPI, client: TestClient) -> None:
    responses = [
        client.request(r.method, r.path.replace("{", "").replace("}", "")) for r in all_routes(app)
    ]
    responses += [
        client.get("/api/v1/nowhere"),
        client.put("/healthz"),
        client.post("/api/v1/newcomers", json=intake_body(hopes="x" * 100_000)),
        client.post("/api/v1/newcomers", content=b"\xff\xfe", headers={"Content-Type": "x"}),
        client.post("/api/v1/newcomers", json={}),
    ]
    assert {r.status_code for r in responses} >= {200, 401, 404, 405, 413, 422}
    for response in responses:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.url, name)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        if "/api/" in str(response.url):
            assert response.headers["cache-control"] == "no-store"
