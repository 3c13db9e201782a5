"""GET /api/v1/newcomers: search (`q`), filters, orders and paging with the true total.

Both back ends: names are matched the same way on SQLite (whose own lower() folds ASCII
only) and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.audit.models import AuditEvent
from mentormatch.newcomers.models import Newcomer
from tests.conftest import Actor

URL = "/api/v1/newcomers"


def find(client: TestClient, coordinator: Actor, **params: Any) -> dict[str, Any]:
    response = client.get(URL, params=params, headers=coordinator.headers)
    assert response.status_code == 200, response.text
    return response.json()


def names(page: dict[str, Any]) -> list[str]:
    return [item["first_name"] for item in page["items"]]


def reference_of(db: Session, person: Actor) -> str:
    row = db.get(Newcomer, person.newcomer_id)
    assert row is not None
    return row.reference


class TestSearch:
    def test_start_of_a_name_in_any_case_or_accent(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        make_newcomer(first_name="Émilie", email=None)
        make_newcomer(first_name="Emma", email=None)
        make_newcomer(first_name="Sam", email=None)
        assert names(find(client, coordinator, q="emi")) == ["Émilie"]
        assert names(find(client, coordinator, q="ÉMILIE")) == ["Émilie"]
        assert sorted(names(find(client, coordinator, q="em"))) == ["Emma", "Émilie"]
        assert find(client, coordinator, q="milie")["total"] == 0  # the start, not the middle

    def test_a_phone_however_it_is_typed(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        make_newcomer(first_name="Phoned", phone="+1 (312) 555-0178")
        make_newcomer(first_name="Other", phone="+1 312 555 0123")
        for typed in ("312 555 0178", "3125550178", "555-0178", "0178", "+1 312 555 0178"):
            assert names(find(client, coordinator, q=typed)) == ["Phoned"], typed

    def test_an_email_from_its_start_in_any_case(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        make_newcomer(first_name="Kate", email="Kate.Long@Example.org")
        make_newcomer(first_name="Kate", email="kate.short@example.org")
        assert find(client, coordinator, q="kate")["total"] == 2
        found = find(client, coordinator, q="KATE.LONG@")
        assert [i["id"] for i in found["items"]] == [found["items"][0]["id"]]
        assert found["total"] == 1

    def test_a_reference_in_either_case_with_spaces(
        self, client: TestClient, coordinator: Actor, make_newcomer, db: Session
    ) -> None:
        wanted = make_newcomer(first_name="Kate")
        make_newcomer(first_name="Kate")
        reference = reference_of(db, wanted)
        for typed in (reference, reference.lower(), f"{reference[:4]} {reference[4:]}"):
            page = find(client, coordinator, q=typed)
            assert [i["id"] for i in page["items"]] == [wanted.newcomer_id], typed
            assert page["items"][0]["reference"] == reference

    def test_a_corrected_name_is_found_by_its_new_spelling(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer(first_name="Sam")
        changed = client.patch(f"{URL}/me", json={"first_name": "Samira"}, headers=sam.headers)
        assert changed.status_code == 200, changed.text
        assert names(find(client, coordinator, q="samira")) == ["Samira"]

    def test_nothing_found_is_an_empty_page_with_total_zero(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        make_newcomer(first_name="Sam")
        page = find(client, coordinator, q="zzz")
        assert page == {"items": [], "total": 0, "limit": 50, "offset": 0}

    def test_a_search_is_audited_as_a_search(
        self, client: TestClient, coordinator: Actor, make_newcomer, db: Session
    ) -> None:
        make_newcomer(first_name="Sam")
        find(client, coordinator, q="sam")
        find(client, coordinator)
        actions = db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.actor_role == "coordinator",
                AuditEvent.actor_id == coordinator.user_id,
                AuditEvent.object_type == "newcomer",
            )
        ).all()
        assert sorted(actions) == ["list", "search"]


class TestFilters:
    def test_each_filter_narrows_and_they_combine(
        self, client: TestClient, coordinator: Actor, make_newcomer, db: Session
    ) -> None:
        make_newcomer(
            first_name="Ana",
            substances=["fentanyl"],
            languages=["es"],
            pathways=["smart_recovery", "twelve_step"],
            meeting_modes=["in_person"],
            latitude=41.88,
            longitude=-87.63,
            travel_radius_km=10,
        )
        make_newcomer(first_name="Bo", substances=["alcohol"], in_crisis=True)
        old = make_newcomer(first_name="Cy", substances=["cocaine"], languages=["en", "es"])
        row = db.get(Newcomer, old.newcomer_id)
        assert row is not None
        row.waiting_since -= timedelta(days=10)
        db.commit()
        assert names(find(client, coordinator, substance_family="opioids")) == ["Ana"]
        assert names(find(client, coordinator, substance_family="stimulants")) == ["Cy"]
        assert sorted(names(find(client, coordinator, language="es"))) == ["Ana", "Cy"]
        assert names(find(client, coordinator, pathway="twelve_step")) == ["Ana"]
        assert names(find(client, coordinator, meeting_mode="in_person")) == ["Ana"]
        assert names(find(client, coordinator, urgent="true")) == ["Bo"]
        assert sorted(names(find(client, coordinator, urgent="false"))) == ["Ana", "Cy"]
        assert names(find(client, coordinator, waited_days=7)) == ["Cy"]
        assert names(find(client, coordinator, language="es", waited_days=7)) == ["Cy"]
        assert find(client, coordinator, language="es", q="bo")["total"] == 0
        assert find(client, coordinator, status="paired")["total"] == 0

    def test_empty_values_mean_any(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        make_newcomer(first_name="Ana")
        make_newcomer(first_name="Bo")
        blank = dict.fromkeys(
            ("q", "status", "urgent", "substance_family", "language", "pathway",
             "meeting_mode", "waited_days", "sort"), "",
        )  # fmt: skip
        assert find(client, coordinator, **blank)["total"] == 2

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("substance_family", "chocolate"),
            ("language", "klingon"),
            ("pathway", "none"),
            ("meeting_mode", "telepathy"),
            ("status", "lost"),
            ("urgent", "maybe"),
            ("waited_days", "abc"),
            ("waited_days", "-1"),
            ("sort", "shoe-size"),
            ("q", "x" * 101),
            ("offset", "-1"),
        ],
    )
    def test_a_bad_value_is_422_naming_it(
        self, client: TestClient, coordinator: Actor, name: str, value: str
    ) -> None:
        response = client.get(URL, params={name: value}, headers=coordinator.headers)
        assert response.status_code == 422, response.text
        assert name in response.text


class TestOrderAndPaging:
    def test_newest_first_and_by_name(
        self, client: TestClient, coordinator: Actor, make_newcomer, db: Session
    ) -> None:
        for name, days in (("Cy", 3), ("Ana", 1), ("bo", 2)):
            made = make_newcomer(first_name=name)
            row = db.get(Newcomer, made.newcomer_id)
            assert row is not None
            row.created_at -= timedelta(days=days)
            row.waiting_since -= timedelta(days=days)
        db.commit()
        assert names(find(client, coordinator)) == ["Cy", "bo", "Ana"]
        assert names(find(client, coordinator, sort="newest")) == ["Ana", "bo", "Cy"]
        assert names(find(client, coordinator, sort="name")) == ["Ana", "bo", "Cy"]

    def test_pages_of_a_search_add_up_to_its_total(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        for i in range(5):
            make_newcomer(first_name=f"Kim{i}")
        make_newcomer(first_name="Lee")
        seen = []
        for offset in (0, 2, 4):
            page = find(client, coordinator, q="kim", limit=2, offset=offset)
            assert page["total"] == 5
            seen += names(page)
        assert sorted(seen) == [f"Kim{i}" for i in range(5)]
