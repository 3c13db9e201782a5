"""Public references: people see a random reference, never an id that counts records."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from mentormatch.references import ALPHABET, LENGTH, is_reference
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.factories import intake_body

URL = "/api/v1/newcomers"


def test_a_newcomer_sees_their_reference_and_never_their_id(client: TestClient) -> None:
    created = client.post(URL, json=intake_body())
    assert created.status_code == 201
    reference = created.json()["reference"]
    assert len(reference) == LENGTH and set(reference) <= set(ALPHABET)
    me = {"Authorization": f"Bearer {created.json()['status_token']}"}
    for answer in (created, client.get(f"{URL}/me", headers=me)):
        assert "id" not in answer.json() and answer.json()["reference"] == reference
    export = client.get(f"{URL}/me/export", headers=me).json()
    assert "id" not in export["profile"] and export["profile"]["reference"] == reference
    client.cookies.set(NEWCOMER_COOKIE, created.json()["status_token"])
    assert f'<strong id="reference">{reference}</strong>' in client.get("/status").text
    assert f'<strong id="reference">{reference}</strong>' in client.get("/welcome").text


def test_references_do_not_count_records(client: TestClient) -> None:
    references = [client.post(URL, json=intake_body()).json()["reference"] for _ in range(12)]
    assert len(set(references)) == 12
    assert references != sorted(references)  # 1 chance in 12! of a false alarm
    assert all(is_reference(r) for r in references)


def test_a_coordinator_finds_a_newcomer_by_reference(
    client: TestClient, coordinator: Actor, make_newcomer: Callable[..., Actor]
) -> None:
    wanted = client.post(URL, json=intake_body(first_name="Wanted")).json()
    make_newcomer(first_name="Other")
    for asked in (wanted["reference"], wanted["reference"].lower()):
        page = client.get(URL, params={"reference": asked}, headers=coordinator.headers).json()
        assert [(i["first_name"], i["reference"]) for i in page["items"]] == [
            ("Wanted", wanted["reference"])
        ]
        assert page["total"] == 1
    unknown = "22222222" if wanted["reference"] != "22222222" else "33333333"
    page = client.get(URL, params={"reference": unknown}, headers=coordinator.headers).json()
    assert page == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_a_malformed_reference_is_refused_by_name(client: TestClient, coordinator: Actor) -> None:
    for bad in ("O0I1L0O1", "ABC", "ABCDEFGHJ", "ÅBCDEFGH"):
        response = client.get(URL, params={"reference": bad}, headers=coordinator.headers)
        assert response.status_code == 422, bad
        assert "reference" in response.text


def test_a_coordinator_finds_a_pairing_by_the_reference_its_mentor_sees(
    client: TestClient,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
) -> None:
    consent = {"agree": True, "version": "2026-11", "share_with_mentor": False}
    newcomer, mentor = make_newcomer(consent=consent), make_mentor()
    created = client.post(
        "/api/v1/pairings",
        json={"newcomer_id": newcomer.newcomer_id, "mentor_id": mentor.mentor_id},
        headers=coordinator.headers,
    ).json()
    (asked,) = client.get("/api/v1/mentors/me/pairings", headers=mentor.headers).json()
    name = asked["newcomer"]["name"]
    assert name.startswith("Newcomer ") and str(created["id"]) not in name
    found = client.get(
        "/api/v1/pairings",
        params={"reference": name.removeprefix("Newcomer ")},
        headers=coordinator.headers,
    ).json()
    assert [p["id"] for p in found["items"]] == [created["id"]]
