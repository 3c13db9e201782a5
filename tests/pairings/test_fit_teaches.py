"""A "not a fit" answer to the fit check is a decision on the list the pairing was approved
from, and it teaches the learned weights (SQLite and PostgreSQL; the app's clock)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update
from sqlalchemy.orm import Session

from mentormatch.pairings.models import PairingEvent
from tests.conftest import Actor
from tests.factories import drop_invitations
from tests.pairings.test_fit import ACCEPTED, PAIRINGS, mentor_says

LEARNED = "/api/v1/programs/1/learned-weights"


def test_not_a_fit_from_the_fit_check_teaches(
    app: FastAPI, client: TestClient, db: Session, coordinator: Actor, admin: Actor,
    make_newcomer: Callable[..., Actor], make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
) -> None:  # fmt: skip
    newcomer, mentor = make_newcomer(), make_mentor()
    make_mentor(first_name="Jo")
    drop_invitations(db)
    seen = client.get(
        f"/api/v1/newcomers/{newcomer.newcomer_id}/suggestions", headers=coordinator.headers
    )
    assert seen.status_code == 200 and len(seen.json()) == 2
    pairing_id = approve(newcomer, mentor).json()["id"]
    assert client.post(f"{PAIRINGS}/{pairing_id}/accept", headers=mentor.headers).is_success
    db.execute(
        update(PairingEvent)
        .where(PairingEvent.pairing_id == pairing_id, PairingEvent.to_status == "active")
        .values(at=ACCEPTED)
    )
    db.commit()
    app.state.clock = lambda: ACCEPTED + timedelta(days=20)  # past fit_check_days

    def counted() -> tuple[int, int]:
        body = client.get(LEARNED, headers=admin.headers).json()
        return body["decisions"], body["recorded"]

    assert counted() == (1, 2)  # the approval teaches; the acceptance only confirms it
    answered = mentor_says(client, mentor, pairing_id, answer="not_a_fit")
    assert answered.status_code == 201, answered.text
    assert counted() == (2, 3)
    good = newcomer_says_good(client, newcomer)
    assert good.status_code == 201, good.text
    assert counted() == (2, 3)  # "a good fit" is no decision


def newcomer_says_good(client: TestClient, newcomer: Actor) -> Response:
    return client.post(
        "/api/v1/newcomers/me/fit-check", json={"answer": "good_fit"}, headers=newcomer.headers
    )
