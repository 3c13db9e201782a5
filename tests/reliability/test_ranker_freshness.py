"""Every worker's ranker of a program sees what another worker wrote, at the very next
suggestion: mentors and loads, and the program's settings.

Two app instances on one database stand for `mentormatch serve`'s worker processes: each
keeps its own fitted ranker and reads the mentor pool's version (kept by database
triggers) before every use. Writes really commit here, on both back ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mentormatch.accounts.models import Role
from mentormatch.config import Settings
from mentormatch.main import create_app
from mentormatch.matching.cache import DROP_AFTER, RankerCache
from mentormatch.programs.models import Program
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


_RUNS = itertools.count()


def _two_programs(app: FastAPI) -> tuple[dict[str, str], dict[str, int]]:
    """A coordinator of two new programs (this module's database is shared), and their ids
    by slug (first A, then B)."""
    run = next(_RUNS)
    with app.state.sessionmaker() as db:
        programs = [Program(slug=f"{x}-{run}", name=f"{x} {run}", settings={}) for x in "ab"]
        db.add_all(programs)
        db.flush()
        user = make_user(db, Role.coordinator, programs=tuple(p.id for p in programs))
        headers = bearer(token_for(db, user))
        db.commit()
        return headers, {p.slug: p.id for p in programs}


def _arrange(
    client: TestClient, headers: dict[str, str], slugs: Iterable[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """One mentor and one newcomer in each program: the mentors' bodies, the newcomers' ids."""
    mentors, newcomers = {}, {}
    for slug in slugs:
        made = client.post("/api/v1/mentors", json=mentor_body(program=slug), headers=headers)
        assert made.status_code == 201, made.text
        mentors[slug] = made.json()
        created = client.post(INTAKE, json=intake_body(program=slug))
        assert created.status_code == 201, created.text
        newcomers[slug] = found_newcomer_id(client, headers, created.json())
    return mentors, newcomers


def test_a_programs_settings_change_shows_in_every_workers_next_suggestion_for_it_alone(
    live_app: FastAPI, other_worker: FastAPI
) -> None:
    headers, programs = _two_programs(live_app)
    a, b = programs
    with TestClient(live_app) as one, TestClient(other_worker) as two:
        mentors, newcomers = _arrange(one, headers, programs)
        for worker in (one, two):  # each worker has fitted a ranker for each program
            for slug in programs:
                assert _suggested(worker, headers, newcomers[slug]) == [mentors[slug]["id"]]

        with live_app.state.sessionmaker() as db:  # what the admin's change stores
            program = db.get(Program, programs[a])
            assert program is not None
            program.settings = {"min_recovery_days": 20_000}
            program.settings_version += 1
            db.commit()

        for worker in (two, one):
            assert _suggested(worker, headers, newcomers[a]) == []
            assert _suggested(worker, headers, newcomers[b]) == [mentors[b]["id"]]
        held = other_worker.state.ranker.held()
        assert held[programs[a]].min_recovery_days == 20_000
        assert held[programs[b]].min_recovery_days == Settings().min_recovery_days


def test_a_mentor_edit_in_one_program_refreshes_it_and_leaves_the_others_ranker_as_fitted(
    live_app: FastAPI, other_worker: FastAPI
) -> None:
    headers, programs = _two_programs(live_app)
    a, b = programs
    with TestClient(live_app) as one, TestClient(other_worker) as two:
        mentors, newcomers = _arrange(one, headers, programs)
        for slug in programs:
            assert _suggested(two, headers, newcomers[slug]) == [mentors[slug]["id"]]
        fitted = other_worker.state.ranker.held()

        paused = one.patch(
            f"/api/v1/mentors/{mentors[b]['id']}",
            json={"version": mentors[b]["version"], "paused": True},
            headers=headers,
        )
        assert paused.status_code == 200, paused.text
        assert _suggested(two, headers, newcomers[b]) == []
        assert _suggested(two, headers, newcomers[a]) == [mentors[a]["id"]]
        now = other_worker.state.ranker.held()
        assert now[programs[a]] is fitted[programs[a]]  # not refitted
        assert now[programs[b]] is fitted[programs[b]]  # updated in place, not refitted


def test_a_ranker_unused_for_a_day_is_dropped_and_fitted_again_at_its_next_use(
    live_app: FastAPI,
) -> None:
    headers, programs = _two_programs(live_app)
    a, b = programs
    clock = [datetime.now(UTC)]
    live_app.state.ranker = RankerCache(live_app.state.settings, clock=lambda: clock[0])
    with TestClient(live_app) as client:
        mentors, newcomers = _arrange(client, headers, programs)
        for slug in programs:
            assert _suggested(client, headers, newcomers[slug]) == [mentors[slug]["id"]]
        # Start-up fitted every open program's ranker (maybe the default one too).
        assert set(programs.values()) <= set(live_app.state.ranker.held())

        clock[0] += DROP_AFTER / 2
        assert _suggested(client, headers, newcomers[b]) == [mentors[b]["id"]]
        clock[0] += DROP_AFTER / 2 + timedelta(seconds=1)
        assert _suggested(client, headers, newcomers[b]) == [mentors[b]["id"]]
        assert set(live_app.state.ranker.held()) == {programs[b]}  # A idle for over a day

        assert _suggested(client, headers, newcomers[a]) == [mentors[a]["id"]]
        assert set(live_app.state.ranker.held()) == set(programs.values())  # fitted again
