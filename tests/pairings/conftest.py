"""Pairing fixtures: a ready pair of newcomer and mentor, and an approve-through-the-API helper."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.config import Settings
from mentormatch.mentors.models import Mentor
from mentormatch.pairings.models import PairingEvent
from tests.apps import app_for
from tests.conftest import Actor
from tests.db import truncate_all
from tests.factories import (
    bearer,
    drop_invitations,
    intake_body,
    make_user,
    mentor_body,
    newcomer_id,
    token_for,
)

PAIRINGS = "/api/v1/pairings"


@pytest.fixture
def approve(client: TestClient, coordinator: Actor) -> Callable[..., Response]:
    """POST /pairings for a newcomer and a mentor as the coordinator."""

    def post(newcomer: Actor, mentor: Actor) -> Response:
        return client.post(
            PAIRINGS,
            json={"newcomer_id": newcomer.newcomer_id, "mentor_id": mentor.mentor_id},
            headers=coordinator.headers,
        )

    return post


@pytest.fixture
def asked(
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
    db: Session,
) -> tuple[Actor, Actor, int]:
    """A newcomer, a mentor, and the approved pairing asking that mentor."""
    newcomer, mentor = make_newcomer(), make_mentor()
    drop_invitations(db)
    response = approve(newcomer, mentor)
    assert response.status_code == 201, response.text
    return newcomer, mentor, response.json()["id"]


@pytest.fixture
def active(client: TestClient, asked: tuple[Actor, Actor, int]) -> tuple[Actor, Actor, int]:
    """The same pairing after the mentor accepted."""
    newcomer, mentor, pairing_id = asked
    response = client.post(f"{PAIRINGS}/{pairing_id}/accept", headers=mentor.headers)
    assert response.status_code == 200, response.text
    return newcomer, mentor, pairing_id


# --- committing for real (concurrency, CLI): the app on its own engine ---------------


@pytest.fixture
def live_app(settings: Settings) -> Iterator[FastAPI]:
    """The app on its own real engine; tables are emptied after the test."""
    app = app_for(settings, "committing")
    try:
        yield app
    finally:
        truncate_all(app.state.engine)
        app.state.engine.dispose()


@pytest.fixture
def staff(live_app: FastAPI) -> dict[str, str]:
    with live_app.state.sessionmaker() as session:
        token = token_for(session, make_user(session, Role.coordinator))
        session.commit()
    return bearer(token)


def new_mentor(app: FastAPI, staff: dict[str, str], **overrides: object) -> tuple[int, dict]:
    """Register a mentor through the API; returns their id and sign-in headers."""
    with TestClient(app) as client:
        response = client.post("/api/v1/mentors", json=mentor_body(**overrides), headers=staff)
    assert response.status_code == 201, response.text
    mentor_id = response.json()["id"]
    with app.state.sessionmaker() as session:
        user = session.scalar(
            select(User).join(Mentor, Mentor.user_id == User.id).where(Mentor.id == mentor_id)
        )
        token = token_for(session, user)
        session.commit()
        drop_invitations(session)
    return mentor_id, bearer(token)


def new_newcomers(app: FastAPI, n: int) -> list[int]:
    with TestClient(app) as client:
        ids = []
        for i in range(n):
            response = client.post("/api/v1/newcomers", json=intake_body(first_name=f"N{i}"))
            assert response.status_code == 201, response.text
            with app.state.sessionmaker() as db:
                ids.append(newcomer_id(db, response.json()))
    return ids


def accepted_pairing(app: FastAPI, staff: dict[str, str], accepted_at: datetime) -> int:
    """A new mentor and newcomer, approved and accepted through the API; the acceptance then
    moved to `accepted_at` (the daily jobs' tests move time, never sleep). Its id."""
    mentor_id, mentor_headers = new_mentor(app, staff)
    [newcomer] = new_newcomers(app, 1)
    with TestClient(app) as client:
        body = {"newcomer_id": newcomer, "mentor_id": mentor_id}
        pairing_id = int(client.post(PAIRINGS, json=body, headers=staff).json()["id"])
        accepted = client.post(f"{PAIRINGS}/{pairing_id}/accept", headers=mentor_headers)
        assert accepted.status_code == 200, accepted.text
    with app.state.sessionmaker() as session:
        session.execute(
            update(PairingEvent)
            .where(PairingEvent.pairing_id == pairing_id, PairingEvent.to_status == "active")
            .values(at=accepted_at)
        )
        session.commit()
    return pairing_id


def together(app: FastAPI, calls: list[Callable[[TestClient], int]]) -> Counter[int]:
    """Run the calls in threads released at once by a barrier; count the status codes."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[TestClient], int]) -> int:
        client = TestClient(app, raise_server_exceptions=False)
        barrier.wait(timeout=60)
        return call(client)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return Counter(pool.map(run, calls))
