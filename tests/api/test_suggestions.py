"""GET /api/v1/newcomers/{id}/suggestions[/{mentor_id}]: ranked, explained, always fresh."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Actor


def url(newcomer_id: int | None, mentor_id: int | None = None) -> str:
    base = f"/api/v1/newcomers/{newcomer_id}/suggestions"
    return base if mentor_id is None else f"{base}/{mentor_id}"


class TestSuggestions:
    def test_anonymous_401_mentor_403_newcomer_403(
        self, client: TestClient, make_mentor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        assert client.get(url(sam.newcomer_id)).status_code == 401
        assert client.get(url(sam.newcomer_id), headers=make_mentor().headers).status_code == 403
        assert client.get(url(sam.newcomer_id), headers=sam.headers).status_code == 403

    def test_missing_newcomer_is_404(self, client: TestClient, coordinator: Actor) -> None:
        assert client.get(url(424242), headers=coordinator.headers).status_code == 404

    def test_no_mentors_means_no_suggestions(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        response = client.get(url(sam.newcomer_id), headers=coordinator.headers)
        assert response.status_code == 200
        assert response.json() == []

    def test_feasible_mentor_is_suggested_with_reasons_and_the_other_is_not(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        alex = make_mentor(first_name="Alex")
        make_mentor(first_name="Bea", languages=["fr"])  # no language in common
        sam = make_newcomer()
        found = client.get(url(sam.newcomer_id), headers=coordinator.headers).json()
        assert [s["mentor"]["id"] for s in found] == [alex.mentor_id]
        top = found[0]
        assert top["mentor"]["display_name"] == "Alex"
        assert 0 < top["score"] <= 1
        assert set(top["components"]) >= {"substance", "schedule"}
        assert all(0 <= v <= 1 for v in top["components"].values())
        text = " ".join(top["reasons"])
        assert "opioids" in text or "heroin" in text.lower()

    def test_why_not_names_the_hard_rule(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        bea = make_mentor(first_name="Bea", languages=["fr"])
        sam = make_newcomer()
        why = client.get(url(sam.newcomer_id, bea.mentor_id), headers=coordinator.headers).json()
        assert why["feasible"] is False
        assert why["rank"] is None
        assert "language" in [r["code"] for r in why["failed_rules"]]

    def test_explains_a_suggested_mentor_with_its_rank(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        alex = make_mentor()
        sam = make_newcomer()
        why = client.get(url(sam.newcomer_id, alex.mentor_id), headers=coordinator.headers).json()
        assert why["feasible"] is True
        assert why["rank"] == 1
        assert why["failed_rules"] == []

    def test_unknown_mentor_is_404(
        self, client: TestClient, coordinator: Actor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        response = client.get(url(sam.newcomer_id, 424242), headers=coordinator.headers)
        assert response.status_code == 404

    def test_limit_is_capped(self, client: TestClient, coordinator: Actor, make_newcomer) -> None:
        sam = make_newcomer()
        response = client.get(
            url(sam.newcomer_id), params={"limit": 500}, headers=coordinator.headers
        )
        assert response.status_code == 422


class TestFreshness:
    def test_a_mentor_who_pauses_drops_out_of_the_very_next_suggestion(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        alex = make_mentor()
        sam = make_newcomer()
        assert len(client.get(url(sam.newcomer_id), headers=coordinator.headers).json()) == 1
        client.patch("/api/v1/mentors/me", json={"paused": True}, headers=alex.headers)
        assert client.get(url(sam.newcomer_id), headers=coordinator.headers).json() == []
        why = client.get(url(sam.newcomer_id, alex.mentor_id), headers=coordinator.headers)
        assert "capacity" in [r["code"] for r in why.json()["failed_rules"]]

    def test_an_edit_changes_the_next_ranking(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        alex = make_mentor(first_name="Alex", substances=["alcohol"])
        blair = make_mentor(first_name="Blair", substances=["alcohol"])
        sam = make_newcomer()
        before = client.get(url(sam.newcomer_id), headers=coordinator.headers).json()
        assert {s["mentor"]["id"] for s in before} == {alex.mentor_id, blair.mentor_id}
        version = client.get(
            f"/api/v1/mentors/{blair.mentor_id}", headers=coordinator.headers
        ).json()["version"]
        edited = client.patch(
            f"/api/v1/mentors/{blair.mentor_id}",
            json={"version": version, "substances": ["heroin"]},
            headers=coordinator.headers,
        )
        assert edited.status_code == 200
        after = client.get(url(sam.newcomer_id), headers=coordinator.headers).json()
        assert after[0]["mentor"]["id"] == blair.mentor_id
        scores = {s["mentor"]["id"]: s["components"]["substance"] for s in after}
        assert scores[blair.mentor_id] > scores[alex.mentor_id]

    def test_an_edit_with_a_word_no_mentor_used_before_counts_at_once(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        make_mentor(first_name="Alex", interests="Fishing and cooking")
        blair = make_mentor(first_name="Blair", interests="Fishing and cooking")
        sam = make_newcomer(hopes="Someone who keeps bees: beekeeping got me through")
        before = client.get(url(sam.newcomer_id), headers=coordinator.headers).json()
        assert all("text" not in s["components"] or s["components"]["text"] == 0 for s in before)
        version = client.get(
            f"/api/v1/mentors/{blair.mentor_id}", headers=coordinator.headers
        ).json()["version"]
        edited = client.patch(
            f"/api/v1/mentors/{blair.mentor_id}",
            json={"version": version, "interests": "Beekeeping, fishing"},
            headers=coordinator.headers,
        )
        assert edited.status_code == 200
        after = client.get(url(sam.newcomer_id), headers=coordinator.headers).json()
        assert after[0]["mentor"]["id"] == blair.mentor_id
        assert after[0]["components"]["text"] > 0

    def test_a_new_mentor_is_suggested_at_once(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        sam = make_newcomer()
        make_mentor(languages=["fr"])
        assert client.get(url(sam.newcomer_id), headers=coordinator.headers).json() == []
        alex = make_mentor()
        found = client.get(url(sam.newcomer_id), headers=coordinator.headers).json()
        assert [s["mentor"]["id"] for s in found] == [alex.mentor_id]
