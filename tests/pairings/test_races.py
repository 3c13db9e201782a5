"""Capacity integrity under concurrency, on both back ends, through real HTTP requests.

These tests commit for real: the app gets its own engine (not the per-test rolled-back
connection, which is a single connection) and every table is emptied afterwards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import HOLDS_CAPACITY, Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.pairings.conftest import PAIRINGS, new_mentor, new_newcomers, together

CALLERS = 24


def test_concurrent_approvals_for_the_last_free_slot(
    live_app: FastAPI, staff: dict[str, str]
) -> None:
    mentor_id, _ = new_mentor(live_app, staff, capacity=2)
    first, *rest = new_newcomers(live_app, CALLERS + 1)
    with TestClient(live_app) as client:
        taken = client.post(
            PAIRINGS, json={"newcomer_id": first, "mentor_id": mentor_id}, headers=staff
        )
        assert taken.status_code == 201  # one slot left

    def approve(newcomer_id: int) -> Callable[[TestClient], int]:
        body = {"newcomer_id": newcomer_id, "mentor_id": mentor_id}
        return lambda client: client.post(PAIRINGS, json=body, headers=staff).status_code

    codes = together(live_app, [approve(n) for n in rest])

    assert codes == Counter({201: 1, 409: CALLERS - 1})
    with live_app.state.sessionmaker() as session:
        held = session.scalar(
            select(func.count()).where(
                Pairing.mentor_id == mentor_id, Pairing.status.in_(HOLDS_CAPACITY)
            )
        )
        pending = session.scalar(
            select(func.count()).where(Newcomer.status == NewcomerStatus.pending)
        )
    assert held == 2
    assert pending == 2


def test_many_mentors_accepting_the_same_newcomer(live_app: FastAPI, staff: dict[str, str]) -> None:
    (newcomer_id,) = new_newcomers(live_app, 1)
    mentors = [new_mentor(live_app, staff) for _ in range(CALLERS)]
    # Several open requests for one newcomer cannot be made through the API (one at a time);
    # arrange them directly, as a stale proposal approved twice would leave them.
    expires = datetime.now(UTC) + timedelta(days=3)
    with live_app.state.sessionmaker() as session:
        pairings = [
            Pairing(
                program_id=DEFAULT_PROGRAM_ID,
                newcomer_id=newcomer_id,
                mentor_id=mentor_id,
                status=PairingStatus.approved,
                expires_at=expires,
                components={},
                reasons=[],
            )
            for mentor_id, _ in mentors
        ]
        session.add_all(pairings)
        session.get(Newcomer, newcomer_id).status = NewcomerStatus.pending  # type: ignore[union-attr]
        session.commit()
        ids = [p.id for p in pairings]

    def accept(pairing_id: int, headers: dict[str, str]) -> Callable[[TestClient], int]:
        url = f"{PAIRINGS}/{pairing_id}/accept"
        return lambda client: client.post(url, headers=headers).status_code

    codes = together(live_app, [accept(p, h) for p, (_, h) in zip(ids, mentors, strict=True)])

    assert codes == Counter({200: 1, 409: CALLERS - 1})
    with live_app.state.sessionmaker() as session:
        active = session.scalar(
            select(func.count()).where(
                Pairing.newcomer_id == newcomer_id, Pairing.status == PairingStatus.active
            )
        )
        newcomer = session.get(Newcomer, newcomer_id)
    assert active == 1
    assert newcomer is not None and newcomer.status == NewcomerStatus.paired


ROUNDS = 20
APPROVALS = 20


def test_capacity_cut_racing_approvals_never_leaves_load_above_capacity(
    live_app: FastAPI, staff: dict[str, str]
) -> None:
    """A mentor (even rounds) or a coordinator (odd rounds) cuts capacity 10 → 3 while 20
    approvals for that mentor land: the cut either holds (load ≤ 3) or is refused with 409
    naming `capacity` and the load it met; never a cut below the load."""
    for round_ in range(ROUNDS):
        mentor_id, mentor_headers = new_mentor(live_app, staff, capacity=10)
        newcomers = new_newcomers(live_app, APPROVALS)
        if round_ % 2:
            cut_url, cut_headers = f"/api/v1/mentors/{mentor_id}", staff
        else:
            cut_url, cut_headers = "/api/v1/mentors/me", mentor_headers
        with TestClient(live_app) as client:
            version = client.get(cut_url, headers=cut_headers).json()["version"]
        refusals: list[dict] = []

        def cut(
            client: TestClient,
            url: str = cut_url,
            headers: dict = cut_headers,
            body: dict = {"capacity": 3, "version": version},  # noqa: B006 (never changed)
            refused: list[dict] = refusals,
        ) -> int:
            response = client.patch(url, json=body, headers=headers)
            if response.status_code == 409:
                refused.append(response.json())
            return response.status_code

        def approve(newcomer_id: int, mid: int = mentor_id) -> Callable[[TestClient], int]:
            body = {"newcomer_id": newcomer_id, "mentor_id": mid}
            return lambda client: client.post(PAIRINGS, json=body, headers=staff).status_code

        codes = together(live_app, [cut, *(approve(n) for n in newcomers)])

        assert set(codes) <= {200, 201, 409}, codes
        with live_app.state.sessionmaker() as session:
            mentor = session.get(Mentor, mentor_id)
            held = session.scalar(
                select(func.count()).where(
                    Pairing.mentor_id == mentor_id, Pairing.status.in_(HOLDS_CAPACITY)
                )
            )
        assert mentor is not None and held is not None
        assert held <= mentor.capacity, f"round {round_}: load {held} > {mentor.capacity}"
        assert codes[201] == held
        if refusals:  # the cut was refused: capacity untouched, the answer names the load
            (refusal,) = refusals
            assert mentor.capacity == 10
            assert refusal["field"] == "capacity"
            assert "current load is" in refusal["detail"]
        else:
            assert mentor.capacity == 3
