"""GET /api/v1/mentors: search, filters, sort and paging with the true total (the same query
as the coordinator's mentor list page), within the coordinator's programs."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.mentors.models import Mentor
from mentormatch.programs.models import Program
from tests.conftest import Actor
from tests.factories import active_pairing, bearer, make_user, token_for
from tests.reliability.people import insert_mentor

URL = "/api/v1/mentors"


def seed_pool(client: TestClient, db: Session) -> dict[str, Mentor]:
    """Five mentors of the default program, one of each kind a coordinator tells apart:
    Alex (2 of 3 taken: one free place), Bea (full), Cam (paused), Dee (retired), Eve (not
    vetted)."""
    others = {"pathways": ["twelve_step"], "substances": ["cocaine"]}
    pool = {
        "Alex": insert_mentor(
            db,
            first_name="Alex",
            email="alex.s@example.org",
            phone="+1 (312) 555-0111",
            languages=["en", "es"],
            pathways=["smart_recovery"],
            substances=["alcohol"],
            capacity=3,
        ),
        "Bea": insert_mentor(db, first_name="Bea", languages=["es"], capacity=1, **others),
        "Cam": insert_mentor(db, first_name="Cam", languages=["en"], paused=True, **others),
        "Dee": insert_mentor(db, first_name="Dee", languages=["fr"], active=False, **others),
        "Eve": insert_mentor(db, first_name="Eve", languages=["en"], vetted=False, **others),
    }
    db.commit()
    for name, held in (("Alex", 2), ("Bea", 1)):
        for _ in range(held):
            active_pairing(client, db, pool[name].id)
    return pool


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["first_name"] for item in response.json()["items"]]


class TestFindMentors:
    def test_each_filter_finds_its_mentors(
        self, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        seed_pool(client, db)
        cases: list[tuple[dict[str, str], list[str]]] = [
            ({}, ["Alex", "Bea", "Cam", "Dee", "Eve"]),
            ({"free": "true"}, ["Alex"]),
            ({"free": "false"}, ["Bea", "Cam", "Dee", "Eve"]),
            ({"language": "es"}, ["Alex", "Bea"]),
            ({"language": "es", "free": "true"}, ["Alex"]),
            ({"pathway": "smart_recovery"}, ["Alex"]),
            ({"substance": "alcohol"}, ["Alex"]),
            ({"status": "taking"}, ["Alex", "Bea"]),
            ({"status": "paused"}, ["Cam"]),
            ({"status": "retired"}, ["Dee"]),
            ({"status": "not_vetted"}, ["Eve"]),
            ({"q": "BEA"}, ["Bea"]),
            ({"q": "alex.s@"}, ["Alex"]),
            ({"q": "312 5550111"}, ["Alex"]),
            ({"q": "%"}, []),
            ({"q": "_"}, []),
            ({"sort": "free", "limit": "1"}, ["Alex"]),
            ({"sort": "newest", "limit": "1"}, ["Eve"]),
        ]
        for params, expected in cases:
            response = client.get(URL, params=params, headers=coordinator.headers)
            assert names(response) == expected, params
            if "limit" not in params:
                assert response.json()["total"] == len(expected), params

    def test_pages_carry_the_true_total(
        self, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        seed_pool(client, db)
        first = client.get(URL, params={"limit": 2}, headers=coordinator.headers).json()
        last = client.get(URL, params={"limit": 2, "offset": 4}, headers=coordinator.headers)
        assert (first["total"], len(first["items"])) == (5, 2)
        assert (last.json()["total"], names(last)) == (5, ["Eve"])
        loads = {i["first_name"]: i["load"] for i in first["items"]}
        assert loads == {"Alex": 2, "Bea": 1}

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("language", "klingon"),
            ("pathway", "wishful_thinking"),
            ("substance", "unobtainium"),
            ("status", "gone"),
            ("free", "maybe"),
            ("sort", "age"),
            ("q", "x" * 255),
            ("q", "a\x00b"),
        ],
    )
    def test_a_bad_filter_is_422_naming_it(
        self, client: TestClient, coordinator: Actor, field: str, value: str
    ) -> None:
        response = client.get(URL, params={field: value}, headers=coordinator.headers)
        assert response.status_code == 422, response.text
        assert [issue["loc"] for issue in response.json()["detail"]] == [["query", field]]

    def test_another_programs_mentors_are_never_found(
        self, client: TestClient, db: Session, coordinator: Actor
    ) -> None:
        seed_pool(client, db)
        other = Program(slug="elsewhere", name="Elsewhere")
        db.add(other)
        db.flush()
        insert_mentor(db, program_id=other.id, first_name="Alexandra", languages=["es"])
        theirs = bearer(token_for(db, make_user(db, Role.coordinator, programs=(other.id,))))
        db.commit()
        mine = client.get(URL, params={"q": "alex"}, headers=coordinator.headers)
        assert names(mine) == ["Alex"]
        assert names(client.get(URL, params={"language": "es"}, headers=theirs)) == ["Alexandra"]
