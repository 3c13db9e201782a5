"""Start-up warms what a request would otherwise pay for: the first proposal after start-up
compiles nothing and fits no ranker (`main.lifespan`, `Settings.warm_up`). The figures are
in docs/benchmarks.md ("Start-up", benchmarks/bench_cold_start.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from numba.core import event
from sqlalchemy.orm import Session

from mentormatch.matching.ranker import MentorRanker
from tests.conftest import Actor
from tests.factories import intake_body
from tests.reliability.people import insert_mentor


class Compiles(event.Listener):
    """Counts numba compilations while registered."""

    def __init__(self) -> None:
        self.count = 0

    def on_start(self, ev: event.Event) -> None:
        pass

    def on_end(self, ev: event.Event) -> None:
        self.count += 1


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many mentors each ranker fit saw, in order."""
    seen: list[int] = []
    fit = MentorRanker.fit

    def counted(self: MentorRanker, X: Any, y: Any = None) -> MentorRanker:
        seen.append(len(X))
        return fit(self, X, y)

    monkeypatch.setattr(MentorRanker, "fit", counted)
    yield seen


def test_the_first_proposal_after_start_up_compiles_and_fits_nothing(
    app: FastAPI, db: Session, coordinator: Actor, fits: list[int]
) -> None:
    insert_mentor(db, first_name="Alex")
    db.commit()
    compiles = Compiles()
    with TestClient(app) as client:  # start-up runs here
        assert fits[-1:] == [1]  # the program's ranker, fitted on its one mentor
        fitted_at_start = len(fits)
        client.post("/api/v1/newcomers", json=intake_body())
        event.register("numba:compile", compiles)
        try:
            response = client.post("/api/v1/pairings/proposals", headers=coordinator.headers)
        finally:
            event.unregister("numba:compile", compiles)
    assert response.status_code == 201, response.text
    assert response.json()["placed"] == 1
    assert compiles.count == 0
    assert len(fits) == fitted_at_start


def test_without_warm_up_the_first_request_fits_the_ranker(
    app: FastAPI, db: Session, coordinator: Actor, fits: list[int]
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"warm_up": False})
    insert_mentor(db, first_name="Alex")
    db.commit()
    with TestClient(app) as client:
        assert fits == []
        client.post("/api/v1/newcomers", json=intake_body())
        response = client.post("/api/v1/pairings/proposals", headers=coordinator.headers)
    assert response.status_code == 201, response.text
    assert fits == [1]
