"""GET /api/v1/pairings?needs_action=true: the declines and expiries the web's "Needs
action" tab lists (one definition, pairings/attention.py), paged with a true total."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update
from sqlalchemy.orm import Session

from mentormatch.db import utcnow
from mentormatch.pairings.models import Pairing
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in

PAIRINGS = "/api/v1/pairings"


def needing_action(client: TestClient, coordinator: Actor, **params: object) -> dict:
    response = client.get(
        PAIRINGS, params={"needs_action": "true", **params}, headers=coordinator.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_api_lists_what_the_tab_counts_with_a_true_total(
    client: TestClient,
    db: Session,
    coordinator: Actor,
    asked: tuple[Actor, Actor, int],
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
) -> None:
    newcomer, mentor, declined_id = asked
    assert needing_action(client, coordinator)["total"] == 0
    declined = client.post(
        f"{PAIRINGS}/{declined_id}/decline", json={"reason": "schedule"}, headers=mentor.headers
    )
    assert declined.status_code == 200, declined.text
    late, busy = make_newcomer(first_name="Kim"), make_mentor(first_name="Lee")
    overdue = approve(late, busy).json()["id"]
    db.execute(
        update(Pairing)
        .where(Pairing.id == overdue)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.commit()
    third = make_newcomer(first_name="Max")
    still_asked = approve(third, make_mentor(first_name="Noor")).json()["id"]

    first = needing_action(client, coordinator, limit=1)
    assert first["total"] == 2 and [p["id"] for p in first["items"]] == [overdue]
    assert first["items"][0]["status"] == "expired"
    second = needing_action(client, coordinator, limit=1, offset=1)
    assert [p["id"] for p in second["items"]] == [declined_id]
    assert still_asked not in {p["id"] for p in first["items"] + second["items"]}
    # The filter combines with the others, and the web tab counts the same.
    only_declined = needing_action(client, coordinator, status="declined")
    assert [p["id"] for p in only_declined["items"]] == [declined_id]
    signed_in(client, db, coordinator.user_id)
    tab = client.get("/coordinator/pairings?status=needs_action").text
    assert '<span class="count tag urgent">(2)</span>' in tab
    # Asking another mentor follows the decline up: it leaves both lists.
    assert approve(newcomer, make_mentor(first_name="Oli")).status_code == 201
    after = needing_action(client, coordinator)
    assert after["total"] == 1 and [p["id"] for p in after["items"]] == [overdue]
    # Without the filter (or false), every pairing, as before.
    everything = client.get(PAIRINGS, params={"needs_action": "false"}, headers=coordinator.headers)
    assert everything.json()["total"] == 4
    bad = client.get(PAIRINGS, params={"needs_action": "maybe"}, headers=coordinator.headers)
    assert bad.status_code == 422 and "needs_action" in bad.text
