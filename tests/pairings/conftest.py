"""Pairing fixtures: a ready pair of newcomer and mentor, and an approve-through-the-API helper."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import Actor

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
) -> tuple[Actor, Actor, int]:
    """A newcomer, a mentor, and the approved pairing asking that mentor."""
    newcomer, mentor = make_newcomer(), make_mentor()
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
