"""A newcomer's export (versioned, complete) and the accounting of who accessed their record."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from tests.conftest import Actor

ME = "/api/v1/newcomers/me"


def journey(client: TestClient, coordinator: Actor, make_newcomer, make_mentor) -> tuple:
    """Sam's record read by a coordinator; a mentor asked, who reads, lists and accepts."""
    sam, alex = make_newcomer(first_name="Sam"), make_mentor(first_name="Alex")
    assert client.get(
        f"/api/v1/newcomers/{sam.newcomer_id}", headers=coordinator.headers
    ).is_success
    approved = client.post(
        "/api/v1/pairings",
        json={"newcomer_id": sam.newcomer_id, "mentor_id": alex.mentor_id},
        headers=coordinator.headers,
    )
    assert approved.status_code == 201, approved.text
    pairing_id = approved.json()["id"]
    assert client.get("/api/v1/mentors/me/pairings", headers=alex.headers).is_success
    read = client.get(f"/api/v1/mentors/me/pairings/{pairing_id}", headers=alex.headers)
    assert read.is_success
    accept = client.post(f"/api/v1/pairings/{pairing_id}/accept", headers=alex.headers)
    assert accept.status_code == 200, accept.text
    return sam, alex, pairing_id


def newest_first(items: list[dict]) -> bool:
    times = [datetime.fromisoformat(i["at"]) for i in items]
    return times == sorted(times, reverse=True)


class TestExport:
    def test_export_is_versioned_and_holds_profile_consents_pairings_and_accesses(
        self, client: TestClient, coordinator: Actor, make_newcomer, make_mentor, db: Session
    ) -> None:
        sam, _, _ = journey(client, coordinator, make_newcomer, make_mentor)
        response = client.get(f"{ME}/export", headers=sam.headers)
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        body = response.json()
        assert body["export_format"] == 2
        assert body["profile"]["first_name"] == "Sam"
        assert body["profile"]["hopes"].startswith("Someone who gets")
        [consent] = body["consents"]
        assert consent["version"] == "2026-11" and consent["agreed_at"]
        assert "share_with_mentor" in consent["scope"]
        [pairing] = body["pairings"]
        assert pairing["number"] == 1 and pairing["status"] == "active"
        assert "id" not in pairing  # a row id would count other people's pairings
        assert pairing["mentor_first_name"] == "Alex"
        moves = [(t["from_status"], t["to_status"], t["by_role"]) for t in pairing["transitions"]]
        assert moves == [(None, "approved", "coordinator"), ("approved", "active", "mentor")]
        assert all(t["at"] and t["reason"] for t in pairing["transitions"])
        accesses = body["accesses"]
        assert accesses["total"] == len(accesses["items"])
        assert newest_first(accesses["items"])
        done = [(a["role"], a["action"], a["kind"]) for a in reversed(accesses["items"])]
        assert done == [
            ("newcomer", "create", "change"),
            ("coordinator", "read", "read"),
            ("coordinator", "pairing_approved", "change"),
            ("mentor", "list", "read"),
            ("mentor", "read", "read"),
            ("mentor", "pairing_active", "change"),
            ("newcomer", "export", "read"),
        ]

    def test_staff_appear_by_role_only(
        self, client: TestClient, coordinator: Actor, make_newcomer, make_mentor, db: Session
    ) -> None:
        sam, alex, _ = journey(client, coordinator, make_newcomer, make_mentor)
        text = client.get(f"{ME}/export", headers=sam.headers).text
        for user_id in (coordinator.user_id, alex.user_id):
            user = db.get(User, user_id)
            assert user is not None and user.email not in text
        assert "actor_id" not in text and "client" not in text

    def test_a_mentor_who_never_accepted_stays_unnamed(
        self, client: TestClient, coordinator: Actor, make_newcomer, make_mentor
    ) -> None:
        sam, jo = make_newcomer(), make_mentor(first_name="Jo")
        client.post(
            "/api/v1/pairings",
            json={"newcomer_id": sam.newcomer_id, "mentor_id": jo.mentor_id},
            headers=coordinator.headers,
        )
        [pairing] = client.get(f"{ME}/export", headers=sam.headers).json()["pairings"]
        assert pairing["status"] == "approved" and pairing["mentor_first_name"] is None


class TestAccesses:
    def test_paged_newest_first_with_the_true_total(
        self, client: TestClient, make_newcomer
    ) -> None:
        sam = make_newcomer()
        for _ in range(24):
            assert client.get(ME, headers=sam.headers).is_success
        first = client.get(f"{ME}/accesses?limit=10", headers=sam.headers).json()
        # create + 24 reads + this very read of the list
        assert first["total"] == 26 and len(first["items"]) == 10
        assert first["items"][0]["action"] == "accesses"
        seen = list(first["items"])
        for offset in (10, 20):
            page = client.get(
                f"{ME}/accesses",
                params={"limit": 10, "offset": offset, "as_of": first["as_of"]},
                headers=sam.headers,
            )
            assert page.status_code == 200 and page.json()["total"] == 26
            seen += page.json()["items"]
        assert len(seen) == 26 and newest_first(seen)
        assert [a["action"] for a in seen] == ["accesses"] + ["read"] * 24 + ["create"]
        # Without as_of, the list has grown by the two page reads and this one.
        assert client.get(f"{ME}/accesses", headers=sam.headers).json()["total"] == 29

    def test_each_record_shows_only_its_own_accesses(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam, other = make_newcomer(), make_newcomer()
        client.get(f"/api/v1/newcomers/{other.newcomer_id}", headers=coordinator.headers)
        body = client.get(f"{ME}/accesses", headers=sam.headers).json()
        assert [(a["role"], a["action"]) for a in body["items"]] == [
            ("newcomer", "accesses"),
            ("newcomer", "create"),
        ]
        assert body["total"] == 2

    def test_bad_paging_is_refused_naming_the_field(
        self, client: TestClient, make_newcomer
    ) -> None:
        sam = make_newcomer()
        for query, field in (
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=²", "limit"),
            ("offset=-1", "offset"),
            ("offset=x", "offset"),
            ("as_of=yesterday", "as_of"),
            ("as_of=2026-12-01T10:00:00", "as_of"),
        ):
            response = client.get(f"{ME}/accesses?{query}", headers=sam.headers)
            assert response.status_code == 422, query
            assert field in response.text, query

    def test_the_mentors_inbox_counts_as_an_access(
        self, client: TestClient, coordinator: Actor, make_newcomer, make_mentor
    ) -> None:
        sam, alex, _ = journey(client, coordinator, make_newcomer, make_mentor)
        client.get("/api/v1/mentors/me/pairings", headers=alex.headers)
        items = client.get(f"{ME}/accesses", headers=sam.headers).json()["items"]
        lists = [a for a in items if (a["role"], a["action"]) == ("mentor", "list")]
        assert len(lists) == 2 and all(a["pairing"] == 1 for a in lists)
