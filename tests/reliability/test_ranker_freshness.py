"""Every worker's ranker sees what another worker wrote, at the very next suggestion.

Two app instances on one database stand for `mentormatch serve`'s worker processes: each
keeps its own fitted ranker and reads the mentor pool's version (kept by database
triggers) before every use. Writes really commit here, on both back ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mentormatch.accounts.models import Role
from mentormatch.config import Settings
from mentormatch.main import create_app
from tests.factories import (
    bearer,
    found_newcomer_id,
    intake_body,
    make_user,
    mentor_body,
    token_for,
)

INTAKE = "/api/v1/newcomers"


@pytest.fixture
def other_worker(live_url: str) -> Iterator[FastAPI]:
    """A second app on the same database, with a ranker of its own."""
    app = create_app(Settings(environment="test", database_url=live_url, _env_file=None))  # type: ignore[call-arg]
    yield app
    app.state.engine.dispose()


def _staff(app: FastAPI) -> dict[str, str]:
    with app.state.sessionmaker() as db:
        headers = bearer(token_for(db, make_user(db, Role.coordinator)))
        db.commit()
        return headers


def _suggested(client: TestClient, headers: dict[str, str], newcomer_id: int) -> list[int]:
    response = client.get(f"/api/v1/newcomers/{newcomer_id}/suggestions", headers=headers)
    assert response.status_code == 200, response.text
    return [s["mentor"]["id"] for s in response.json()]


def test_an_edit_served_by_one_worker_shows_in_the_others_next_suggestion(
    live_app: FastAPI, other_worker: FastAPI
) -> None:
    headers = _staff(live_app)
    with TestClient(live_app) as one, TestClient(other_worker) as two:
        mentor = one.post("/api/v1/mentors", json=mentor_body(), headers=headers).json()
        created = one.post("/api/v1/newcomers", json=intake_body()).json()
        newcomer = {"id": found_newcomer_id(one, headers, created)}
        assert mentor["id"] in _suggested(one, headers, newcomer["id"])
        assert mentor["id"] in _suggested(two, headers, newcomer["id"])

        paused = two.patch(
            f"/api/v1/mentors/{mentor['id']}",
            json={"version": mentor["version"], "paused": True},
            headers=headers,
        )
        assert paused.status_code == 200, paused.text
        assert mentor["id"] not in _suggested(one, headers, newcomer["id"])

        back = one.patch(
            f"/api/v1/mentors/{mentor['id']}",
            json={"version": paused.json()["version"], "paused": False},
            headers=headers,
        )
        assert back.status_code == 200, back.text
        assert mentor["id"] in _suggested(two, headers, newcomer["id"])


def test_a_pairing_approved_by_one_worker_fills_the_mentor_for_the_other(
    live_app: FastAPI, other_worker: FastAPI
) -> None:
    headers = _staff(live_app)
    with TestClient(live_app) as one, TestClient(other_worker) as two:
        mentor = one.post("/api/v1/mentors", json=mentor_body(capacity=1), headers=headers).json()
        sam, kim = (
            {"id": found_newcomer_id(one, headers, one.post(INTAKE, json=intake_body()).json())}
            for _ in range(2)
        )
        assert mentor["id"] in _suggested(one, headers, kim["id"])

        approved = two.post(
            "/api/v1/pairings",
            json={"newcomer_id": sam["id"], "mentor_id": mentor["id"]},
            headers=headers,
        )
        assert approved.status_code == 201, approved.text
        assert mentor["id"] not in _suggested(one, headers, kim["id"])

        rejected = two.post(
            f"/api/v1/pairings/{approved.json()['id']}/reject",
            json={"reason": "other"},
            headers=headers,
        )
        assert rejected.status_code == 200, rejected.text
        assert mentor["id"] in _suggested(one, headers, kim["id"])
