"""Every link the service prints or sends resolves, for the person it is meant for.

`mentormatch demo --port 8101` runs first (on a small seeded database): every address it
prints, the newcomer's private link and every link in every outbox message must name port
8101 and open for its recipient; a mentor's link answers another mentor like a missing page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from mentormatch import demo
from mentormatch.accounts.models import User
from mentormatch.aftercare import fit_reminders, graduation, milestone_messages, quiet
from mentormatch.assessments import reminders
from mentormatch.cli import app as cli
from mentormatch.config import get_settings
from mentormatch.db import make_engine, make_sessionmaker, utcnow
from mentormatch.main import create_app
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings import expiry
from mentormatch.pairings.models import Pairing
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.web.core import NEWCOMER_COOKIE, STAFF_COOKIE
from tests.db import truncate_all
from tests.factories import bearer, intake_body, mentor_body, token_for
from tests.web.conftest import post_form
from tests.web.test_pages import INTAKE

BASE = "http://127.0.0.1:8101"
URL = re.compile(r"https?://[^\s)\"<]+")


@pytest.fixture
def demo_app(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    """A small seeded demo database; the app as `demo --port 8101` configures it."""
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", database_url)
    # `demo` sets it for the server it starts: undone after the test.
    monkeypatch.setenv("MENTORMATCH_PUBLIC_BASE_URL", "unset")
    monkeypatch.delenv("MENTORMATCH_PUBLIC_BASE_URL")
    get_settings.cache_clear()
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            demo.seed_demo(session, mentors=12, newcomers=20)
        yield engine  # type: ignore[misc]
    finally:
        truncate_all(engine)
        engine.dispose()
        get_settings.cache_clear()


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE, raise_server_exceptions=False)


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE, url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def test_every_printed_and_sent_link_resolves_for_its_recipient(demo_app: object) -> None:
    printed = CliRunner().invoke(cli, ["demo", "--port", "8101", "--no-serve"])
    assert printed.exit_code == 0, printed.output
    settings = get_settings()
    assert settings.public_base_url == BASE
    app = create_app(settings)
    try:
        _follow_everything(app, printed.output)
    finally:
        app.state.engine.dispose()


SIGN_IN = re.compile(r"^\s*(admin|coordinator|a mentor):\s+(\S+@\S+) / (\S+)$", re.MULTILINE)
LANDING = {"admin": "/admin", "coordinator": "/coordinator", "a mentor": "/mentor"}


def test_every_printed_sign_in_works_and_lands_on_its_own_page(demo_app: object) -> None:
    printed = CliRunner().invoke(cli, ["demo", "--port", "8101", "--no-serve"])
    assert printed.exit_code == 0, printed.output
    sign_ins = SIGN_IN.findall(printed.output)
    assert {role for role, _, _ in sign_ins} == set(LANDING), printed.output
    app = create_app(get_settings())
    try:
        for role, email, password in sign_ins:
            with _client(app) as person:
                form = {"email": email, "password": password}
                signed_in = post_form(person, "/login", "/login", form)
                assert signed_in.status_code == 303, (role, signed_in.text)  # type: ignore[attr-defined]
                landed = person.get(signed_in.headers["location"])  # type: ignore[attr-defined]
                assert landed.status_code == 200 and landed.url.path == LANDING[role], role
    finally:
        app.state.engine.dispose()


def _follow_everything(app: FastAPI, printed: str) -> None:
    links = URL.findall(printed)
    assert links, printed
    for link in links:
        with _client(app) as anyone:
            assert anyone.get(_path(link)).status_code == 200, link
    with _client(app) as anyone:
        assert anyone.get("/docs").status_code == 200

    # The newcomer's private link, on the confirmation page (web) and in the API's answer.
    with _client(app) as newcomer:
        post_form(newcomer, "/p/main/", "/p/main/", INTAKE)  # the demo runs two programs
        page = newcomer.get("/welcome").text
        (status_url,) = {u for u in URL.findall(page) if "/s/" in u}
    with _client(app) as newcomer:
        opened = newcomer.get(_path(status_url))
        assert opened.status_code == 200 and opened.url.path == "/status"

    with _client(app) as client:
        body = intake_body(first_name="Robin", email="robin@example.org", program="main")
        made = client.post("/api/v1/newcomers", json=body).json()
        late = client.post(
            "/api/v1/newcomers",
            json=intake_body(first_name="Kit", email="kit@example.org", program="main"),
        ).json()
        # Someone in danger: the program's coordinators are alerted with a link to their page.
        sol = {"first_name": "Sol", "program": "puente"}
        assert client.post("/api/v1/newcomers/urgent", json=sol).status_code == 201
        staff = client.post(
            "/api/v1/auth/token",
            data={"username": demo.COORDINATOR_EMAIL, "password": demo.COORDINATOR_PASSWORD},
        ).json()["access_token"]
        mentor = client.post("/api/v1/mentors", json=mentor_body(), headers=bearer(staff))
        mentor_id = mentor.json()["id"]
        forgot = {"email": demo.COORDINATOR_EMAIL}
        assert post_form(client, "/account/forgot", "/account/forgot", forgot).status_code == 200
        for newcomer in (made, late):  # a coordinator finds each by their public reference
            found = client.get(
                "/api/v1/newcomers",
                params={"reference": newcomer["reference"]},
                headers=bearer(staff),
            ).json()["items"]
            newcomer["id"] = found[0]["id"]
            asked = client.post(
                "/api/v1/pairings",
                json={"newcomer_id": newcomer["id"], "mentor_id": mentor_id},
                headers=bearer(staff),
            )
            assert asked.status_code == 201, asked.text
    assert _path(made["status_url"]).startswith("/s/")

    with app.state.sessionmaker() as session:
        settings = app.state.settings
        # Half the answer window later the mentor is reminded; the late request then expires.
        assert expiry.remind_due(session, settings=settings, now=utcnow() + timedelta(days=2))
    with _client(app) as client:
        mentor_user, other_mentor_user = _mentor_users(app, mentor_id)
        mentor_token = _token(app, mentor_user)
        first = _pairing_of(app, made["id"])
        accepted = client.post(f"/api/v1/pairings/{first}/accept", headers=bearer(mentor_token))
        assert accepted.status_code == 200, accepted.text
    with app.state.sessionmaker() as session:
        assert expiry.expire_due(
            session, settings=app.state.settings, now=utcnow() + timedelta(days=4)
        )
        # Weeks with no contact logged: the mentor is reminded to keep in touch; both are
        # asked by email whether it is a good fit.
        late = utcnow() + timedelta(days=20)
        assert quiet.run(session, settings=app.state.settings, now=late).reminded
        assert fit_reminders.run(session, settings=app.state.settings, now=late)
        # The questionnaire's baseline window opens at the intake; past its middle, once more.
        assert reminders.run(session, settings=app.state.settings, now=utcnow())
        assert reminders.run(session, settings=app.state.settings, now=late)
    with _client(app) as client:  # Robin asks for milestone notes; 90 days on, one goes out
        notes = {"share_with_mentor": True, "share_milestones": False, "milestone_messages": True}
        shared = client.put(
            "/api/v1/newcomers/me/sharing", json=notes, headers=bearer(made["status_token"])
        )
        assert shared.status_code == 200, shared.text
    with app.state.sessionmaker() as session:
        ninety = datetime(2026, 12, 30, 18, 0, tzinfo=UTC)  # from 1 October, in Chicago
        assert milestone_messages.run(session, settings=app.state.settings, now=ninety)
        # The program's six months later, the pairing graduates; both are congratulated.
        done = utcnow() + timedelta(days=200)
        assert graduation.run(session, settings=app.state.settings, now=done)
        messages = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert {m.kind for m in messages} == set(MessageKind)

    links = [(m, link) for m in messages for link in URL.findall(m.body)]
    assert len(links) == len(messages)
    for message, link in links:
        path = _path(link)
        with app.state.sessionmaker() as session:
            staff_user = session.scalar(select(User).where(User.email == message.recipient))
            newcomer_row = session.scalar(
                select(Newcomer).where(Newcomer.email == message.recipient)
            )
        with _client(app) as recipient:
            if staff_user is not None:
                recipient.cookies.set(STAFF_COOKIE, _token(app, staff_user))
            else:
                assert newcomer_row is not None, message.recipient
                recipient.cookies.set(NEWCOMER_COOKIE, made["status_token"])
            answer = recipient.get(path)
            assert answer.status_code == 200, (message.kind, path, answer.status_code)
        if message.kind is MessageKind.urgent_intake:
            assert "Sol" in answer.text and 'id="reach"' in answer.text
        if path.startswith("/mentor/pairings/") and message.recipient == mentor_user.email:
            assert any(name in answer.text for name in ("Robin", "Kit", "Newcomer "))
            with _client(app) as stranger:
                stranger.cookies.set(STAFF_COOKIE, _token(app, other_mentor_user))
                theirs = stranger.get(path)
                missing = stranger.get("/mentor/pairings/2147483647")
            assert theirs.status_code == missing.status_code == 404
            assert theirs.text == missing.text


def _mentor_users(app: FastAPI, mentor_id: int) -> tuple[User, User]:
    with app.state.sessionmaker() as session:
        mine = session.get(Mentor, mentor_id)
        assert mine is not None
        user = session.get(User, mine.user_id)
        other = session.scalar(
            select(User).join(Mentor, Mentor.user_id == User.id).where(Mentor.id != mentor_id)
        )
    assert user is not None and other is not None
    return user, other


def _token(app: FastAPI, user: User) -> str:
    with app.state.sessionmaker() as session:
        token = token_for(session, session.get(User, user.id))
        session.commit()
    return token


def _pairing_of(app: FastAPI, newcomer_id: int) -> int:
    with app.state.sessionmaker() as session:
        pairing_id = session.scalar(select(Pairing.id).where(Pairing.newcomer_id == newcomer_id))
    assert pairing_id is not None
    return pairing_id
