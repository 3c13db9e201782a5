"""Whole-pool proposals through the API: waiting time as the program's setting, who is left
out and why, each proposed pair's reasons, one program at a time, and proposals that no
longer hold withdrawn with the reason in words. Both back ends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.conftest import Actor
from tests.factories import bearer, make_user, token_for
from tests.pairings.conftest import PAIRINGS

PROPOSALS = f"{PAIRINGS}/proposals"
# A newcomer a mentor can take, but a poorer match than the intake example: another
# substance family, no pathway in common, nothing hoped for in common.
POORER_MATCH = {
    "first_name": "Maria",
    "gender": "woman",
    "gender_pref": ["man"],
    "substances": ["cocaine"],
    "pathways": ["exploring"],
    "medication": "none",
    "wanted_experience": [],
    "hopes": "Quiet evenings",
}


def waited(db: Session, newcomer: Actor, days: int) -> None:
    """The newcomer has waited `days` (their intake moved back in time)."""
    row = db.get_one(Newcomer, newcomer.newcomer_id)
    row.waiting_since = datetime.now(UTC) - timedelta(days=days, minutes=5)
    db.commit()


def reference(db: Session, newcomer: Actor) -> str:
    return db.get_one(Newcomer, newcomer.newcomer_id).reference


def propose(client: TestClient, actor: Actor, **params: Any) -> dict[str, Any]:
    response = client.post(PROPOSALS, params=params, headers=actor.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def pairing(client: TestClient, actor: Actor, pairing_id: int) -> dict[str, Any]:
    response = client.get(f"{PAIRINGS}/{pairing_id}", headers=actor.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


class TestWaitingTime:
    """Issue 14: a newcomer waiting 78 days stayed unplaced while two 3-day waiters were
    placed with a mentor she could have had."""

    @pytest.fixture
    def pool(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> dict[str, Actor]:
        mentor = make_mentor(capacity=2, mentee_genders=["man", "woman"])
        maria = make_newcomer(**POORER_MATCH)
        early, late = make_newcomer(first_name="Ben"), make_newcomer(first_name="Carl")
        waited(db, maria, 78)
        waited(db, early, 3)
        waited(db, late, 3)
        scores = {}
        for who in (maria, early, late):
            url = f"/api/v1/newcomers/{who.newcomer_id}/suggestions"
            (best,) = client.get(url, headers=coordinator.headers).json()
            assert best["mentor"]["id"] == mentor.mentor_id
            scores[who.newcomer_id] = best["score"]
        # the 3-day waiters are clearly better matches: score alone would leave her out
        others = [score for who, score in scores.items() if who != maria.newcomer_id]
        assert scores[maria.newcomer_id] + 0.1 < min(others)
        return {"mentor": mentor, "maria": maria, "early": early, "late": late}

    def test_by_default_the_78_day_waiter_gets_the_mentor_she_could_have(
        self, client: TestClient, coordinator: Actor, db: Session, pool: dict[str, Actor]
    ) -> None:
        body = propose(client, coordinator)
        placed = {p["newcomer_id"] for p in body["pairings"]}
        assert pool["maria"].newcomer_id in placed
        assert body["placed"] == 2
        (left,) = body["unplaced"]
        assert left["newcomer_id"] in {pool["early"].newcomer_id, pool["late"].newcomer_id}
        assert left["waited_days"] == 3
        assert left["reason"] == "the free places of the mentor who fits them went to others"
        assert left["why"] in body["summary"]
        assert body["summary"].startswith("Proposed 2 pairings. 1 left out; the longest waiting:")

    def test_with_waiting_weighed_zero_she_is_left_out_and_the_summary_says_so(
        self,
        client: TestClient,
        coordinator: Actor,
        admin: Actor,
        db: Session,
        pool: dict[str, Actor],
    ) -> None:
        changed = client.patch(
            f"/api/v1/programs/{DEFAULT_PROGRAM_ID}/settings",
            json={"settings_version": 1, "wait_weight": 0},
            headers=admin.headers,
        )
        assert changed.status_code == 200, changed.text
        body = propose(client, coordinator)
        placed = {p["newcomer_id"] for p in body["pairings"]}
        assert placed == {pool["early"].newcomer_id, pool["late"].newcomer_id}
        (left,) = body["unplaced"]
        assert left["newcomer_id"] == pool["maria"].newcomer_id
        ref = reference(db, pool["maria"])
        assert left["why"] == (
            f"Maria ({ref}) waited 78 days and was not placed: "
            "the free places of the mentor who fits them went to others."
        )
        assert (
            body["summary"]
            == f"Proposed 2 pairings. 1 left out; the longest waiting: {left['why']}"
        )

    def test_the_setting_has_bounds_and_a_meaning(self, client: TestClient, admin: Actor) -> None:
        url = f"/api/v1/programs/{DEFAULT_PROGRAM_ID}/settings"
        read = client.get(url, headers=admin.headers).json()
        assert read["values"]["wait_weight"] == read["defaults"]["wait_weight"] == 1
        for bad in (-1, 11, "much"):
            response = client.patch(
                url, json={"settings_version": 1, "wait_weight": bad}, headers=admin.headers
            )
            assert response.status_code == 422, (bad, response.text)
            assert "wait_weight" in response.text


class TestLeftOutAndReasons:
    def test_left_out_longest_waiting_first_each_with_its_reason_in_words(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> None:
        make_mentor(capacity=1)
        placed, newer = make_newcomer(), make_newcomer(first_name="Dan")
        russian = make_newcomer(first_name="Olga", languages=["ru"])
        waited(db, placed, 20)
        waited(db, russian, 40)
        waited(db, newer, 2)
        body = propose(client, coordinator)
        assert [p["newcomer_id"] for p in body["pairings"]] == [placed.newcomer_id]
        assert [u["newcomer_id"] for u in body["unplaced"]] == [
            russian.newcomer_id,
            newer.newcomer_id,
        ]
        olga, dan = body["unplaced"]
        assert (olga["blocking_rule"], olga["waited_days"]) == ("language", 40)
        assert olga["why"] == (
            f"Olga ({reference(db, russian)}) waited 40 days and was not placed: "
            "no free mentor shares their language."
        )
        assert dan["reason"] == "the free places of the mentor who fits them went to others"
        assert olga["why"] in body["summary"]

    def test_each_proposed_pair_has_the_reasons_its_suggestion_gives(
        self,
        client: TestClient,
        coordinator: Actor,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> None:
        make_mentor(capacity=2)
        newcomers = [make_newcomer(), make_newcomer(first_name="Eli")]
        body = propose(client, coordinator)
        assert body["placed"] == 2
        for proposed in body["pairings"]:
            url = f"/api/v1/newcomers/{proposed['newcomer_id']}/suggestions"
            (suggestion,) = client.get(url, headers=coordinator.headers).json()
            assert proposed["reasons"] and proposed["reasons"] == suggestion["reasons"]
            assert proposed["components"] == pytest.approx(suggestion["components"], abs=1e-6)
            assert proposed["score"] == pytest.approx(suggestion["score"], abs=1e-6)
        assert {p["newcomer_id"] for p in body["pairings"]} == {n.newcomer_id for n in newcomers}


class TestOneProgram:
    def test_a_coordinator_of_two_programs_proposes_for_one_at_a_time(
        self,
        client: TestClient,
        db: Session,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
        admin: Actor,
    ) -> None:
        other = client.post(
            "/api/v1/programs", json={"slug": "second", "name": "Second"}, headers=admin.headers
        )
        assert other.status_code == 201, other.text
        other_id = other.json()["id"]
        both = make_user(db, Role.coordinator, programs=(DEFAULT_PROGRAM_ID, other_id))
        both_actor = Actor(bearer(token_for(db, both)), user_id=both.id)
        db.commit()
        make_mentor()
        ours = make_newcomer(program="main")
        theirs = make_newcomer(program="second")
        first = propose(client, both_actor, program_id=other_id)
        assert (first["placed"], first["pairings"]) == (0, [])
        assert [u["newcomer_id"] for u in first["unplaced"]] == [theirs.newcomer_id]
        assert first["unplaced"][0]["program_id"] == other_id
        second = propose(client, both_actor, program_id=DEFAULT_PROGRAM_ID)
        assert [p["newcomer_id"] for p in second["pairings"]] == [ours.newcomer_id]
        listed = client.get(
            PAIRINGS, params={"status": "proposed", "program_id": other_id},
            headers=both_actor.headers,
        )  # fmt: skip
        assert listed.json()["total"] == 0

    @pytest.mark.parametrize("value", ["0", "-1", "x", "99999999999999999999"])
    def test_a_bad_program_id_is_named(
        self, client: TestClient, coordinator: Actor, value: str
    ) -> None:
        response = client.post(PROPOSALS, params={"program_id": value}, headers=coordinator.headers)
        assert response.status_code == 422
        assert "program_id" in response.text


class TestStale:
    """Proposals that no longer hold are withdrawn with the reason in words."""

    @pytest.fixture
    def proposed(
        self,
        client: TestClient,
        coordinator: Actor,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> tuple[Actor, Actor, dict[str, Any]]:
        mentor, newcomer = make_mentor(capacity=1, first_name="Alex"), make_newcomer()
        (made,) = propose(client, coordinator)["pairings"]
        return mentor, newcomer, made

    def test_the_mentor_filling_up_withdraws_it_at_once(
        self,
        client: TestClient,
        coordinator: Actor,
        make_newcomer: Callable[..., Actor],
        proposed: tuple[Actor, Actor, dict[str, Any]],
    ) -> None:
        mentor, _, made = proposed
        other = make_newcomer(first_name="Finn")
        direct = client.post(
            PAIRINGS,
            json={"newcomer_id": other.newcomer_id, "mentor_id": mentor.mentor_id},
            headers=coordinator.headers,
        )
        assert direct.status_code == 201, direct.text
        after = pairing(client, coordinator, made["id"])
        assert after["status"] == "withdrawn"
        assert after["events"][-1]["note"] == "Alex has no free place left (1 of 1 taken)."
        assert after["events"][-1]["actor_role"] == "system"

    def test_the_newcomer_matched_another_way_withdraws_it_at_once(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        make_mentor: Callable[..., Actor],
        proposed: tuple[Actor, Actor, dict[str, Any]],
    ) -> None:
        _, newcomer, made = proposed
        second = make_mentor(first_name="Blair")
        direct = client.post(
            PAIRINGS,
            json={"newcomer_id": newcomer.newcomer_id, "mentor_id": second.mentor_id},
            headers=coordinator.headers,
        )
        assert direct.status_code == 201, direct.text
        after = pairing(client, coordinator, made["id"])
        assert after["status"] == "withdrawn"
        ref = reference(db, newcomer)
        assert after["events"][-1]["note"] == (
            f"Sam ({ref}) has been matched with a mentor another way."
        )
        me = client.get("/api/v1/newcomers/me", headers=newcomer.headers).json()
        assert me["status"] == "pending"  # the withdrawal did not move them

    def test_a_do_not_pair_entry_withdraws_it_and_approving_says_why(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        proposed: tuple[Actor, Actor, dict[str, Any]],
    ) -> None:
        mentor, newcomer, made = proposed
        added = client.post(
            f"/api/v1/newcomers/{newcomer.newcomer_id}/do-not-pair",
            json={"mentor_id": mentor.mentor_id, "reason": "household"},
            headers=coordinator.headers,
        )
        assert added.status_code == 201, added.text
        approved = client.post(f"{PAIRINGS}/{made['id']}/approve", headers=coordinator.headers)
        assert approved.status_code == 409
        words = f"Sam ({reference(db, newcomer)}) and Alex are now on the do-not-pair list."
        assert approved.json()["detail"] == f"This proposal has been withdrawn: {words}"
        after = pairing(client, coordinator, made["id"])
        assert (after["status"], after["events"][-1]["note"]) == ("withdrawn", words)
        me = client.get("/api/v1/newcomers/me", headers=newcomer.headers).json()
        assert me["status"] == "waiting"

    def test_listing_proposals_withdraws_those_of_a_mentor_now_full_in_words(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> None:
        mentor = make_mentor(capacity=2)
        make_newcomer()
        (made,) = propose(client, coordinator)["pairings"]
        lowered = client.patch(
            f"/api/v1/mentors/{mentor.mentor_id}",
            json={"capacity": 0, "version": 1},
            headers=coordinator.headers,
        )
        assert lowered.status_code == 200, lowered.text
        listed = client.get(PAIRINGS, params={"status": "proposed"}, headers=coordinator.headers)
        assert listed.json()["total"] == 0
        after = pairing(client, coordinator, made["id"])
        assert after["status"] == "withdrawn"
        assert after["events"][-1]["note"] == "Alex has no free place left (0 of 0 taken)."

    def test_a_second_proposal_counts_withdrawn_places_as_free(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        make_newcomer: Callable[..., Actor],
        proposed: tuple[Actor, Actor, dict[str, Any]],
    ) -> None:
        mentor, newcomer, made = proposed
        closed = client.post("/api/v1/newcomers/me/withdraw", headers=newcomer.headers)
        assert closed.status_code == 204
        assert pairing(client, coordinator, made["id"])["status"] == "withdrawn"
        other = make_newcomer(first_name="Gus")
        again = propose(client, coordinator)
        assert [(p["newcomer_id"], p["mentor_id"]) for p in again["pairings"]] == [
            (other.newcomer_id, mentor.mentor_id)
        ]
