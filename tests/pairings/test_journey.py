"""The whole journey through the API, the mentor's minimal view, and whole-pool proposals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from tests.conftest import Actor
from tests.factories import INTAKE_EXAMPLE, found_newcomer_id
from tests.pairings.conftest import PAIRINGS

Pair = tuple[Actor, Actor, int]
PRIVATE = ("sam@example.org", "312 555 2030", INTAKE_EXAMPLE["hopes"], "buprenorphine")


def test_intake_to_paired_through_the_api(
    client: TestClient, coordinator: Actor, make_mentor: Callable[..., Actor]
) -> None:
    mentor = make_mentor(first_name="Alex", phone="+1 312 555 8888")
    intake = client.post("/api/v1/newcomers", json=INTAKE_EXAMPLE).json()
    intake_id = found_newcomer_id(client, coordinator.headers, intake)
    newcomer = {"Authorization": f"Bearer {intake['status_token']}"}

    suggestions = client.get(
        f"/api/v1/newcomers/{intake_id}/suggestions", headers=coordinator.headers
    ).json()
    assert suggestions[0]["mentor"]["id"] == mentor.mentor_id
    created = client.post(
        PAIRINGS,
        json={"newcomer_id": intake_id, "mentor_id": suggestions[0]["mentor"]["id"]},
        headers=coordinator.headers,
    )
    assert created.status_code == 201
    me = client.get("/api/v1/newcomers/me", headers=newcomer).json()
    assert (me["status"], me["mentor"]) == ("pending", None)

    requests = client.get("/api/v1/mentors/me/pairings", headers=mentor.headers).json()
    assert [r["id"] for r in requests] == [created.json()["id"]]
    assert requests[0]["contact"] is None
    accepted = client.post(f"{PAIRINGS}/{created.json()['id']}/accept", headers=mentor.headers)
    assert accepted.status_code == 200

    me = client.get("/api/v1/newcomers/me", headers=newcomer).json()
    assert me["status"] == "paired"
    assert me["mentor"]["first_name"] == "Alex"
    assert me["mentor"]["phone"] == "+1 312 555 8888"
    assert me["mentor"]["email"].endswith("@example.org")


class TestMentorView:
    def test_before_accepting_only_the_minimal_view(self, client: TestClient, asked: Pair) -> None:
        _, mentor, pairing_id = asked
        response = client.get(f"/api/v1/mentors/me/pairings/{pairing_id}", headers=mentor.headers)
        assert response.status_code == 200
        body = response.json()
        view = body["newcomer"]
        assert view["name"] == "Sam"
        assert view["shared_substances"] == ["heroin"]
        assert view["shared_substance_families"] == ["opioids"]
        assert view["pathway"] == "smart_recovery"
        assert view["schedule_overlap_hours"] > 0
        assert view["schedule_overlap"]
        assert body["contact"] is None
        for secret in PRIVATE:
            assert secret not in response.text

    def test_no_contact_after_accepting_unless_shared(
        self,
        client: TestClient,
        make_newcomer: Callable[..., Actor],
        make_mentor: Callable[..., Actor],
        approve: Callable[..., object],
    ) -> None:
        newcomer, mentor = make_newcomer(share_contact=False), make_mentor()
        pairing_id = approve(newcomer, mentor).json()["id"]  # type: ignore[attr-defined]
        response = client.post(f"{PAIRINGS}/{pairing_id}/accept", headers=mentor.headers)
        assert response.json()["contact"] is None
        assert "sam@example.org" not in response.text

    def test_alias_without_consent_to_share(
        self,
        client: TestClient,
        make_newcomer: Callable[..., Actor],
        make_mentor: Callable[..., Actor],
        approve: Callable[..., object],
    ) -> None:
        consent = {"agree": True, "version": "2026-11", "share_with_mentor": False}
        newcomer, mentor = make_newcomer(consent=consent), make_mentor()
        pairing_id = approve(newcomer, mentor).json()["id"]  # type: ignore[attr-defined]
        body = client.get(
            f"/api/v1/mentors/me/pairings/{pairing_id}", headers=mentor.headers
        ).json()
        assert body["newcomer"]["name"] == f"Newcomer {body['reference']}"
        assert body["newcomer"]["name"] != f"Newcomer {pairing_id}"  # never the row id

    def test_another_mentors_pairing_is_404_like_a_missing_one(
        self, client: TestClient, make_mentor: Callable[..., Actor], asked: Pair
    ) -> None:
        _, _, pairing_id = asked
        other = make_mentor()
        theirs = client.get(f"/api/v1/mentors/me/pairings/{pairing_id}", headers=other.headers)
        missing = client.get("/api/v1/mentors/me/pairings/999999", headers=other.headers)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
        assert client.get("/api/v1/mentors/me/pairings", headers=other.headers).json() == []

    def test_coordinator_and_anonymous_are_refused(
        self, client: TestClient, coordinator: Actor
    ) -> None:
        assert client.get("/api/v1/mentors/me/pairings").status_code == 401
        url = "/api/v1/mentors/me/pairings"
        assert client.get(url, headers=coordinator.headers).status_code == 403


class TestProposals:
    URL = f"{PAIRINGS}/proposals"

    def test_anonymous_401_mentor_403(
        self, client: TestClient, make_mentor: Callable[..., Actor]
    ) -> None:
        assert client.post(self.URL).status_code == 401
        assert client.post(self.URL, headers=make_mentor().headers).status_code == 403

    def test_places_longest_waiting_first_and_names_the_blocking_rule(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> None:
        mentor = make_mentor(capacity=1)
        newer, older = make_newcomer(), make_newcomer()
        russian = make_newcomer(languages=["ru"])
        urgent = make_newcomer(in_crisis=True)
        rows = {n.id: n for n in db.scalars(select(Newcomer))}
        rows[older.newcomer_id].waiting_since -= timedelta(days=10)
        db.commit()

        response = client.post(self.URL, headers=coordinator.headers)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["placed"] == 1
        (pairing,) = body["pairings"]
        assert pairing["newcomer_id"] == older.newcomer_id
        assert pairing["mentor_id"] == mentor.mentor_id
        assert pairing["status"] == "proposed"
        assert body["mean_score"] == body["total_score"] > 0
        unplaced = {u["newcomer_id"]: u["blocking_rule"] for u in body["unplaced"]}
        assert unplaced == {newer.newcomer_id: "capacity", russian.newcomer_id: "language"}
        assert urgent.newcomer_id not in unplaced

        approved = client.post(f"{PAIRINGS}/{pairing['id']}/approve", headers=coordinator.headers)
        assert approved.status_code == 200
        assert approved.json()["status"] == "approved"
        assert [e["to_status"] for e in approved.json()["events"]] == ["proposed", "approved"]

    def test_a_second_run_does_not_repropose_the_same_newcomers(
        self,
        client: TestClient,
        coordinator: Actor,
        make_mentor: Callable[..., Actor],
        make_newcomer: Callable[..., Actor],
    ) -> None:
        make_mentor(capacity=3)
        make_newcomer()
        assert client.post(self.URL, headers=coordinator.headers).json()["placed"] == 1
        again = client.post(self.URL, headers=coordinator.headers).json()
        assert (again["placed"], again["unplaced"]) == (0, [])
