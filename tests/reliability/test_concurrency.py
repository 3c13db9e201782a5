"""Integrity under concurrency, with real commits on both back ends.

Two coordinators editing one profile with the same version: one wins, one gets 409.
Concurrent approvals and acceptances never push a mentor over capacity. Two admins saving
one program's settings from the same version: one wins, one gets 409.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from mentormatch.accounts.models import Role, User
from mentormatch.db import utcnow
from mentormatch.pairings.models import HOLDS_CAPACITY, Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from tests.factories import bearer, found_newcomer_id, intake_body, make_user, token_for
from tests.reliability.people import insert_mentor

ROUNDS = 8


Call = tuple[str, str, dict[str, Any], dict[str, str]]  # method, url, json, headers


def race(client: TestClient, *calls: Call) -> list[int]:
    """Send the requests at the same moment (a barrier), return their statuses sorted."""
    barrier = threading.Barrier(len(calls))

    def run(call: Call) -> int:
        method, url, body, headers = call
        barrier.wait()
        return client.request(method, url, json=body, headers=headers).status_code

    with ThreadPoolExecutor(len(calls)) as pool:
        return sorted(pool.map(run, calls))


@pytest.fixture
def staff(live_app: FastAPI) -> tuple[dict[str, str], dict[str, str]]:
    """Two coordinators' headers."""
    with live_app.state.sessionmaker() as db:
        tokens = [token_for(db, make_user(db, Role.coordinator)) for _ in range(2)]
        db.commit()
    return bearer(tokens[0]), bearer(tokens[1])


def test_two_coordinators_editing_one_newcomer_never_lose_an_update(
    live_app: FastAPI, staff: tuple[dict[str, str], dict[str, str]]
) -> None:
    first, second = staff
    with TestClient(live_app, raise_server_exceptions=False) as client:
        for _ in range(ROUNDS):
            newcomer = client.post("/api/v1/newcomers", json=intake_body()).json()
            url = f"/api/v1/newcomers/{found_newcomer_id(client, first, newcomer)}"
            version = client.get(url, headers=first).json()["version"]
            statuses = race(
                client,
                ("PATCH", url, {"version": version, "urgent": True}, first),
                ("PATCH", url, {"version": version, "status": "closed"}, second),
            )
            assert statuses == [200, 409]
            after = client.get(url, headers=first).json()
            assert after["version"] == version + 1
            assert after["urgent"] != (after["status"] == "closed")  # exactly one edit applied


def test_two_coordinators_editing_one_mentor_never_lose_an_update(
    live_app: FastAPI, staff: tuple[dict[str, str], dict[str, str]]
) -> None:
    first, second = staff
    with live_app.state.sessionmaker() as db:
        mentor_ids = [insert_mentor(db).id for _ in range(ROUNDS)]
        db.commit()
    with TestClient(live_app, raise_server_exceptions=False) as client:
        for mentor_id in mentor_ids:
            url = f"/api/v1/mentors/{mentor_id}"
            version = client.get(url, headers=first).json()["version"]
            statuses = race(
                client,
                ("PATCH", url, {"version": version, "capacity": 3}, first),
                ("PATCH", url, {"version": version, "interests": "Chess"}, second),
            )
            assert statuses == [200, 409]
            after = client.get(url, headers=first).json()
            assert after["version"] == version + 1
            assert (after["capacity"] == 3) != (after["interests"] == "Chess")


def _load(live_app: FastAPI, mentor_id: int) -> int:
    with live_app.state.sessionmaker() as db:
        return (
            db.scalar(
                select(func.count())
                .select_from(Pairing)
                .where(Pairing.mentor_id == mentor_id, Pairing.status.in_(HOLDS_CAPACITY))
            )
            or 0
        )


def test_concurrent_approvals_and_acceptances_never_exceed_capacity(
    live_app: FastAPI, staff: tuple[dict[str, str], dict[str, str]]
) -> None:
    first, second = staff
    with TestClient(live_app, raise_server_exceptions=False) as client:
        for _ in range(ROUNDS // 2):
            with live_app.state.sessionmaker() as db:
                mentor = insert_mentor(db, capacity=1, gender="man", mentee_genders=[])
                mentor_headers = bearer(token_for(db, db.get_one(User, mentor.user_id)))
                db.commit()
            newcomers = [
                found_newcomer_id(
                    client, staff[0], client.post("/api/v1/newcomers", json=intake_body()).json()
                )
                for _ in range(3)
            ]
            with live_app.state.sessionmaker() as db:
                rows = [
                    Pairing(
                        program_id=DEFAULT_PROGRAM_ID,
                        newcomer_id=n,
                        mentor_id=mentor.id,
                        status=PairingStatus.proposed,
                    )
                    for n in newcomers
                ]
                db.add_all(rows)
                db.commit()
                pairings = [p.id for p in rows]
            a, b, c = pairings
            # Two coordinators approve two pairings for the last free slot at once.
            statuses = race(
                client,
                ("POST", f"/api/v1/pairings/{a}/approve", {}, first),
                ("POST", f"/api/v1/pairings/{b}/approve", {}, second),
            )
            assert statuses == [200, 409]
            assert _load(live_app, mentor.id) == 1
            approved = (
                a
                if client.get(f"/api/v1/pairings/{a}", headers=first).json()["status"]
                == PairingStatus.approved
                else b
            )
            # The mentor accepts while a coordinator tries to approve the third.
            statuses = race(
                client,
                ("POST", f"/api/v1/pairings/{approved}/accept", {}, mentor_headers),
                ("POST", f"/api/v1/pairings/{c}/approve", {}, second),
            )
            assert statuses == [200, 409]
            assert _load(live_app, mentor.id) == 1


def test_two_admins_saving_one_programs_settings_never_lose_a_change(
    live_app: FastAPI,
) -> None:
    with live_app.state.sessionmaker() as db:
        tokens = [token_for(db, make_user(db, Role.admin)) for _ in range(2)]
        # Archived: the other tests' public requests still have one open program to go to.
        program = Program(slug="race", name="Race", archived_at=utcnow())
        db.add(program)
        db.commit()
        program_id = program.id
    first, second = bearer(tokens[0]), bearer(tokens[1])
    url = f"/api/v1/programs/{program_id}/settings"
    with TestClient(live_app, raise_server_exceptions=False) as client:
        for n in range(ROUNDS):
            version = client.get(url, headers=first).json()["settings_version"]
            statuses = race(
                client,
                ("PATCH", url, {"settings_version": version, "capacity_cap": 1 + n}, first),
                ("PATCH", url, {"settings_version": version, "min_age": 20 + n}, second),
            )
            assert statuses == [200, 409]
            after = client.get(url, headers=first).json()
            assert after["settings_version"] == version + 1
            changes = client.get(f"{url}/changes", headers=first).json()
            assert changes["total"] == n + 1  # one setting changed per round, one row each
