"""Several pathways per newcomer through the API (issue 17), on both back ends: `pathways` in
the newcomer's order (the first the main one), the older single `pathway` still taken, a
422 naming the field for a bad list, and suggestions, "why not" and whole-pool proposals
that never offer a mentor who rules out any of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from tests.conftest import Actor
from tests.factories import intake_body
from tests.pairings.conftest import PAIRINGS

URL = "/api/v1/newcomers"
ME = f"{URL}/me"
BOTH = ["twelve_step", "medication_supported"]


def _without_pathways(**overrides: Any) -> dict[str, Any]:
    body = intake_body(**overrides)
    body.pop("pathways")
    return body


class TestIntake:
    def test_two_pathways_are_kept_in_order_the_first_the_main_one(
        self, client: TestClient
    ) -> None:
        created = client.post(
            URL, json=intake_body(pathways=["medication_supported", "twelve_step"])
        )
        assert created.status_code == 201, created.text
        assert created.json()["pathways"] == ["medication_supported", "twelve_step"]
        assert created.json()["pathway"] == "medication_supported"

    def test_the_older_single_pathway_is_still_taken(self, client: TestClient) -> None:
        created = client.post(URL, json=_without_pathways(pathway="faith_based"))
        assert created.status_code == 201, created.text
        assert (created.json()["pathways"], created.json()["pathway"]) == (
            ["faith_based"],
            "faith_based",
        )

    def test_both_given_and_agreeing_is_taken(self, client: TestClient) -> None:
        created = client.post(URL, json=intake_body(pathways=BOTH, pathway="twelve_step"))
        assert created.status_code == 201, created.text
        assert created.json()["pathways"] == BOTH

    def test_a_null_pathway_beside_pathways_says_nothing(self, client: TestClient) -> None:
        created = client.post(URL, json=intake_body(pathways=BOTH, pathway=None))
        assert created.status_code == 201, created.text  # as clients sending every field do
        assert created.json()["pathways"] == BOTH

    def test_none_given_is_none(self, client: TestClient) -> None:
        created = client.post(URL, json=_without_pathways())
        assert (created.json()["pathways"], created.json()["pathway"]) == ([], None)

    @pytest.mark.parametrize(
        ("overrides", "field", "says"),
        [
            ({"pathways": BOTH, "pathway": "medication_supported"}, "pathway", "first of pathways"),
            ({"pathways": [], "pathway": "smart_recovery"}, "pathway", "first of pathways"),
            ({"pathways": ["exploring", "smart_recovery"]}, "pathways", "still exploring"),
            ({"pathways": ["smart_recovery", "astrology"]}, "pathways", "astrology"),
            ({"pathways": "smart_recovery"}, "pathways", "list"),
        ],
    )
    def test_a_bad_list_is_a_422_naming_the_field_and_writes_nothing(
        self, client: TestClient, db: Session, overrides: dict[str, Any], field: str, says: str
    ) -> None:
        before = db.scalar(select(func.count()).select_from(Newcomer))
        response = client.post(URL, json=intake_body(**overrides))
        assert response.status_code == 422, response.text
        assert field in response.text and says in response.text
        assert db.scalar(select(func.count()).select_from(Newcomer)) == before


class TestCorrections:
    def test_pathways_replace_the_list(self, client: TestClient, make_newcomer) -> None:
        sam = make_newcomer(pathways=["smart_recovery"])
        response = client.patch(ME, json={"pathways": BOTH}, headers=sam.headers)
        assert response.status_code == 200, response.text
        assert client.get(ME, headers=sam.headers).json()["pathways"] == BOTH

    def test_the_older_pathway_changes_the_main_one_and_keeps_the_others(
        self, client: TestClient, make_newcomer
    ) -> None:
        sam = make_newcomer(pathways=BOTH)
        response = client.patch(ME, json={"pathway": "smart_recovery"}, headers=sam.headers)
        assert response.json()["pathways"] == ["smart_recovery", "medication_supported"]
        response = client.patch(ME, json={"pathway": "medication_supported"}, headers=sam.headers)
        assert response.json()["pathways"] == ["medication_supported"]
        response = client.patch(ME, json={"pathway": "exploring"}, headers=sam.headers)
        assert response.json()["pathways"] == ["exploring"]
        response = client.patch(ME, json={"pathway": None}, headers=sam.headers)
        assert response.json()["pathways"] == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"pathways": None}, "pathways"),
            ({"pathways": ["secular", "exploring"]}, "pathways"),
            ({"pathways": ["secular"], "pathway": "faith_based"}, "pathway"),
        ],
    )
    def test_a_bad_change_is_a_422_naming_the_field_and_changes_nothing(
        self, client: TestClient, make_newcomer, body: dict[str, Any], field: str
    ) -> None:
        sam = make_newcomer(pathways=BOTH)
        response = client.patch(ME, json=body, headers=sam.headers)
        assert response.status_code == 422, response.text
        assert field in response.text
        assert client.get(ME, headers=sam.headers).json()["pathways"] == BOTH


def test_the_queue_finds_a_newcomer_by_any_of_their_pathways(
    client: TestClient, coordinator: Actor, make_newcomer
) -> None:
    make_newcomer(first_name="Ana", pathways=BOTH)
    make_newcomer(first_name="Bo", pathways=["medication_supported"])
    found = client.get(URL, params={"pathway": "twelve_step"}, headers=coordinator.headers).json()
    assert [n["first_name"] for n in found["items"]] == ["Ana"]
    assert found["items"][0]["pathways"] == BOTH
    found = client.get(
        URL, params={"pathway": "medication_supported"}, headers=coordinator.headers
    ).json()
    assert sorted(n["first_name"] for n in found["items"]) == ["Ana", "Bo"]


class TestMatching:
    @pytest.fixture
    def mentors(self, make_mentor: Callable[..., Actor]) -> dict[str, Actor]:
        """Two mentors the intake example fits, one of whom rules out its second pathway."""
        return {
            "rules_out": make_mentor(
                first_name="Rue",
                pathways=["twelve_step"],
                pathways_ruled_out=["medication_supported"],
            ),
            "welcomes": make_mentor(first_name="Wes", pathways=["medication_supported"]),
        }

    def test_suggestions_leave_out_the_mentor_who_rules_out_the_second_one(
        self, client: TestClient, coordinator: Actor, make_newcomer, mentors: dict[str, Actor]
    ) -> None:
        sam = make_newcomer(pathways=BOTH)
        url = f"{URL}/{sam.newcomer_id}/suggestions"
        found = client.get(url, headers=coordinator.headers).json()
        assert [s["mentor"]["id"] for s in found] == [mentors["welcomes"].mentor_id]
        assert found[0]["components"]["pathway"] == 0.5  # another of theirs, not the main one
        why = client.get(f"{url}/{mentors['rules_out'].mentor_id}", headers=coordinator.headers)
        assert why.json()["feasible"] is False
        (rule,) = why.json()["failed_rules"]
        assert rule["code"] == "pathway"
        assert "Medication-supported recovery" in rule["message"]

    def test_a_whole_pool_proposal_never_pairs_them(
        self, client: TestClient, coordinator: Actor, make_newcomer, mentors: dict[str, Actor]
    ) -> None:
        sam = make_newcomer(first_name="Sam", pathways=BOTH)
        kim = make_newcomer(first_name="Kim", pathways=["twelve_step"])
        response = client.post(f"{PAIRINGS}/proposals", headers=coordinator.headers)
        assert response.status_code == 201, response.text
        pairs = {p["newcomer_id"]: p["mentor_id"] for p in response.json()["pairings"]}
        assert pairs.get(sam.newcomer_id) == mentors["welcomes"].mentor_id
        assert pairs.get(kim.newcomer_id) == mentors["rules_out"].mentor_id
