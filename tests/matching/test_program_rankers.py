"""Matching per program: suggestions, explanations and proposals never cross programs, and a
program's settings changed at run time steer that program's next suggestion only.

Two programs with the same mentor profiles registered in each (overlapping pools), through
the public API, on both back ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from tests.factories import (
    bearer,
    found_newcomer_id,
    intake_body,
    make_user,
    mentor_body,
    token_for,
)

PAIRINGS = "/api/v1/pairings"
# the example mentor has been in recovery since 2018: about 3,200 days by 2026
LONGER_THAN_ANY_MENTOR = 20_000


@dataclass
class Side:
    """One program's mentors and newcomers (ids)."""

    program_id: int
    slug: str
    mentors: list[int]
    newcomers: list[int]


def _program(db: Session, slug: str) -> int:
    program = Program(slug=slug, name=slug.title(), settings={})
    db.add(program)
    db.commit()
    return program.id


def _change_settings(db: Session, program_id: int, **changes: Any) -> None:
    """What the admin's settings change stores: the changed settings and a raised version."""
    program = db.get(Program, program_id)
    assert program is not None
    program.settings = program.settings | changes
    program.settings_version += 1
    db.commit()


@pytest.fixture
def staff(db: Session) -> dict[str, str]:
    """A coordinator of both programs (ids 1 and the next one made)."""
    second = _program(db, "second")
    headers = bearer(token_for(db, make_user(db, Role.coordinator, programs=(1, second))))
    db.commit()
    return headers


def _side(
    client: TestClient,
    headers: dict[str, str],
    db: Session,
    slug: str,
    *,
    mentors: int,
    newcomers: int,
    capacity: int = 2,
) -> Side:
    program_id = db.query(Program.id).filter(Program.slug == slug).scalar()
    made = [
        client.post(
            "/api/v1/mentors",
            json=mentor_body(program=slug, capacity=capacity),
            headers=headers,
        )
        for _ in range(mentors)
    ]
    assert all(r.status_code == 201 for r in made), [r.text for r in made]
    ids = []
    for _ in range(newcomers):
        created = client.post("/api/v1/newcomers", json=intake_body(program=slug))
        assert created.status_code == 201, created.text
        ids.append(found_newcomer_id(client, headers, created.json()))
    return Side(program_id, slug, [r.json()["id"] for r in made], ids)


def _suggestions(
    client: TestClient, headers: dict[str, str], newcomer: int
) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/newcomers/{newcomer}/suggestions?limit=50", headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def _suggested(client: TestClient, headers: dict[str, str], newcomer: int) -> set[int]:
    return {s["mentor"]["id"] for s in _suggestions(client, headers, newcomer)}


def test_suggestions_and_explanations_name_only_the_newcomers_programs_mentors(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    a = _side(client, staff, db, "main", mentors=3, newcomers=1)
    b = _side(client, staff, db, "second", mentors=3, newcomers=1)

    assert _suggested(client, staff, a.newcomers[0]) == set(a.mentors)
    assert _suggested(client, staff, b.newcomers[0]) == set(b.mentors)
    for mine, theirs in ((a, b), (b, a)):
        url = f"/api/v1/newcomers/{mine.newcomers[0]}/suggestions"
        explained = client.get(f"{url}/{mine.mentors[0]}", headers=staff)
        assert explained.status_code == 200, explained.text
        assert explained.json()["feasible"] is True
        crossing = client.get(f"{url}/{theirs.mentors[0]}", headers=staff)
        assert crossing.status_code == 404, crossing.text
        assert crossing.json()["detail"] == "no such mentor"


def test_whole_pool_proposals_never_pair_across_programs(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    # A has more newcomers than places; B's free mentors fit them all but are B's
    a = _side(client, staff, db, "main", mentors=1, newcomers=3, capacity=1)
    b = _side(client, staff, db, "second", mentors=3, newcomers=1, capacity=1)

    response = client.post(f"{PAIRINGS}/proposals", headers=staff)
    assert response.status_code == 201, response.text
    summary = response.json()

    placed = {(p["newcomer_id"], p["mentor_id"]) for p in summary["pairings"]}
    assert {n for n, _ in placed} & set(a.newcomers) and {n for n, _ in placed} & set(b.newcomers)
    for newcomer, mentor in placed:
        side = a if newcomer in a.newcomers else b
        assert mentor in side.mentors, (newcomer, mentor)
    assert summary["placed"] == 2  # one of A's (its only place) and B's one newcomer
    assert {u["newcomer_id"] for u in summary["unplaced"]} <= set(a.newcomers)
    assert len(summary["unplaced"]) == 2


def test_a_program_alone_gets_a_proposal_when_its_coordinator_belongs_to_it_alone(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    a = _side(client, staff, db, "main", mentors=2, newcomers=1)
    b = _side(client, staff, db, "second", mentors=2, newcomers=1)
    only_b = bearer(token_for(db, make_user(db, Role.coordinator, programs=(b.program_id,))))
    db.commit()

    response = client.post(f"{PAIRINGS}/proposals", headers=only_b)
    assert response.status_code == 201, response.text
    placed = response.json()["pairings"]
    assert [(p["newcomer_id"], p["mentor_id"] in b.mentors) for p in placed] == [
        (b.newcomers[0], True)
    ]
    assert a.newcomers[0] not in {p["newcomer_id"] for p in placed}


def test_a_changed_minimum_recovery_time_steers_that_programs_next_suggestion_only(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    a = _side(client, staff, db, "main", mentors=2, newcomers=1)
    b = _side(client, staff, db, "second", mentors=2, newcomers=1)
    assert _suggested(client, staff, a.newcomers[0]) == set(a.mentors)  # both rankers fitted
    assert _suggested(client, staff, b.newcomers[0]) == set(b.mentors)

    _change_settings(db, a.program_id, min_recovery_days=LONGER_THAN_ANY_MENTOR)

    assert _suggested(client, staff, a.newcomers[0]) == set()
    assert _suggested(client, staff, b.newcomers[0]) == set(b.mentors)
    why = client.get(
        f"/api/v1/newcomers/{a.newcomers[0]}/suggestions/{a.mentors[0]}", headers=staff
    ).json()
    assert [r["code"] for r in why["failed_rules"]] == ["recovery_time"]
    assert f"minimum of {LONGER_THAN_ANY_MENTOR} days" in why["failed_rules"][0]["message"]

    _change_settings(db, a.program_id, min_recovery_days=0)
    assert _suggested(client, staff, a.newcomers[0]) == set(a.mentors)


def test_a_changed_weight_steers_that_programs_next_scores_only(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    a = _side(client, staff, db, "main", mentors=1, newcomers=1)
    b = _side(client, staff, db, "second", mentors=1, newcomers=1)
    (before_a,) = _suggestions(client, staff, a.newcomers[0])
    (before_b,) = _suggestions(client, staff, b.newcomers[0])
    assert before_a["score"] == before_b["score"]  # the same profiles, the same defaults
    assert before_a["score"] != before_a["components"]["schedule"]

    only_schedule = dict.fromkeys(
        ("substance", "pathway", "experience", "text", "age", "load", "modes"), 0.0
    ) | {"schedule": 1.0}
    _change_settings(db, a.program_id, weights=only_schedule)

    (after_a,) = _suggestions(client, staff, a.newcomers[0])
    (after_b,) = _suggestions(client, staff, b.newcomers[0])
    assert after_a["score"] == pytest.approx(after_a["components"]["schedule"])
    assert after_b["score"] == before_b["score"]


def test_the_default_program_keeps_its_suggestions_when_another_program_is_added(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    a = _side(client, staff, db, "main", mentors=2, newcomers=1)
    assert a.program_id == DEFAULT_PROGRAM_ID
    first = _suggestions(client, staff, a.newcomers[0])
    _side(client, staff, db, "second", mentors=5, newcomers=0)
    assert _suggestions(client, staff, a.newcomers[0]) == first


def test_a_program_may_let_mentors_be_shorter_in_recovery_than_the_newcomer(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    a = _side(client, staff, db, "main", mentors=1, newcomers=0)
    b = _side(client, staff, db, "second", mentors=1, newcomers=0)
    earlier = intake_body(recovery_start="2015-06-01")  # before the mentors' (2018)
    newcomer = {}
    for side in (a, b):
        created = client.post("/api/v1/newcomers", json=earlier | {"program": side.slug})
        assert created.status_code == 201, created.text
        newcomer[side.slug] = found_newcomer_id(client, staff, created.json())
    assert _suggested(client, staff, newcomer["main"]) == set()  # the installation's default
    why = client.get(
        f"/api/v1/newcomers/{newcomer['main']}/suggestions/{a.mentors[0]}", headers=staff
    ).json()
    assert why["failed_rules"] == [
        {
            "code": "recovery_time",
            "message": "Mentor's recovery did not start before the newcomer's.",
        }
    ]

    _change_settings(db, a.program_id, mentor_longer_in_recovery=False)

    assert _suggested(client, staff, newcomer["main"]) == set(a.mentors)
    assert _suggested(client, staff, newcomer["second"]) == set()


def test_an_admins_settings_change_through_the_api_steers_that_programs_next_suggestion(
    client: TestClient, db: Session, staff: dict[str, str], admin: Any
) -> None:
    a = _side(client, staff, db, "main", mentors=1, newcomers=1)
    b = _side(client, staff, db, "second", mentors=1, newcomers=1)
    assert _suggested(client, staff, a.newcomers[0]) == set(a.mentors)

    changed = client.patch(
        f"/api/v1/programs/{a.program_id}/settings",
        json={"settings_version": 1, "min_recovery_days": LONGER_THAN_ANY_MENTOR},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text

    assert _suggested(client, staff, a.newcomers[0]) == set()
    assert _suggested(client, staff, b.newcomers[0]) == set(b.mentors)
