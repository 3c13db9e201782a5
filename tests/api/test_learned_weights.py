"""Weights learned from decisions: what coordinators see and decide is recorded, decisions
whose reason says nothing about fit do not teach, and an admin sees current and proposed
weights side by side and adopts them (a recorded settings change) or dismisses them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from mentormatch.aftercare import graduation
from mentormatch.db import utcnow
from mentormatch.decisions.models import MatchDecision, ShownList
from mentormatch.matching.program import CRITERIA, DEFAULT_WEIGHTS
from mentormatch.pairings.models import PairingEvent
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from tests.conftest import Actor
from tests.factories import intake_body, newcomer_id
from tests.pairings.test_repair import signed_in
from tests.reliability.people import insert_mentor

PROGRAM = DEFAULT_PROGRAM_ID
LEARNED = f"/api/v1/programs/{PROGRAM}/learned-weights"
SETTINGS = f"/api/v1/programs/{PROGRAM}/settings"
PAIRINGS = "/api/v1/pairings"


def counts(client: TestClient, admin: Actor) -> tuple[int, int]:
    body = client.get(LEARNED, headers=admin.headers).json()
    return body["decisions"], body["recorded"]


def change(client: TestClient, admin: Actor, **values: object) -> None:
    version = client.get(SETTINGS, headers=admin.headers).json()["settings_version"]
    changed = client.patch(
        SETTINGS, json={"settings_version": version, **values}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text


def suggest(client: TestClient, coordinator: Actor, newcomer: Actor) -> list[int]:
    found = client.get(
        f"/api/v1/newcomers/{newcomer.newcomer_id}/suggestions", headers=coordinator.headers
    )
    assert found.status_code == 200, found.text
    return [s["mentor"]["id"] for s in found.json()]


def approve(client: TestClient, coordinator: Actor, newcomer: Actor, mentor_id: int) -> int:
    made = client.post(
        PAIRINGS,
        json={"newcomer_id": newcomer.newcomer_id, "mentor_id": mentor_id},
        headers=coordinator.headers,
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


class TestRecording:
    def test_decisions_on_shown_lists_are_recorded_and_only_fit_reasons_teach(
        self, client: TestClient, coordinator: Actor, admin: Actor, make_mentor, make_newcomer
    ) -> None:
        alex, jo = make_mentor(first_name="Alex"), make_mentor(first_name="Jo")
        make_mentor(first_name="Bea")
        sam = make_newcomer()
        assert counts(client, admin) == (0, 0)
        # nobody was shown a list for Sam yet: an approval compares nothing, is not recorded
        first = approve(client, coordinator, sam, jo.mentor_id)
        assert counts(client, admin) == (0, 0)
        declined = client.post(
            f"{PAIRINGS}/{first}/decline", json={"reason": "no_capacity"}, headers=jo.headers
        )
        assert declined.status_code == 200, declined.text
        assert counts(client, admin) == (0, 0)

        shown = suggest(client, coordinator, sam)
        assert alex.mentor_id in shown and jo.mentor_id not in shown  # Jo declined Sam
        second = approve(client, coordinator, sam, alex.mentor_id)
        assert counts(client, admin) == (1, 1)  # the approval teaches
        accepted = client.post(f"{PAIRINGS}/{second}/accept", headers=alex.headers)
        assert accepted.status_code == 200, accepted.text
        assert counts(client, admin) == (1, 2)  # acceptance only confirms it
        ended = client.post(
            f"{PAIRINGS}/{second}/end", json={"reason": "not_a_fit"}, headers=coordinator.headers
        )
        assert ended.status_code == 200, ended.text
        assert counts(client, admin) == (2, 3)  # ended early as not a fit: teaches

        kim = make_newcomer(first_name="Kim")
        suggest(client, coordinator, kim)
        third = approve(client, coordinator, kim, jo.mentor_id)
        declined = client.post(
            f"{PAIRINGS}/{third}/decline", json={"reason": "personal"}, headers=jo.headers
        )
        assert declined.status_code == 200, declined.text
        assert counts(client, admin) == (3, 5)  # a personal decline says nothing about fit

    def test_the_same_list_seen_again_is_one_list_and_new_weights_make_another(
        self, client: TestClient, coordinator: Actor, admin: Actor, make_mentor, make_newcomer,
        db: Session,
    ) -> None:  # fmt: skip
        make_mentor(first_name="Alex")
        make_mentor(first_name="Jo", substances=["alcohol"])
        sam = make_newcomer()
        suggest(client, coordinator, sam)
        suggest(client, coordinator, sam)
        lists = db.query(ShownList).filter_by(newcomer_id=sam.newcomer_id).all()
        assert len(lists) == 1
        [seen] = lists
        assert seen.user_id == coordinator.user_id and seen.program_id == PROGRAM
        assert seen.weights == DEFAULT_WEIGHTS
        assert [m["rank"] for m in seen.mentors] == [1, 2]
        assert set(seen.mentors[0]["components"]) <= set(CRITERIA)
        change(client, admin, weights={"substance": 0.5})
        suggest(client, coordinator, sam)
        db.expire_all()
        latest = db.query(ShownList).filter_by(newcomer_id=sam.newcomer_id).order_by(
            ShownList.id.desc()
        ).first()  # fmt: skip
        assert latest is not None and latest.id != seen.id
        assert latest.weights["substance"] == 0.5

    def test_erasing_a_newcomer_removes_what_they_were_shown_and_its_decisions(
        self, client: TestClient, coordinator: Actor, admin: Actor, make_mentor, make_newcomer,
        db: Session,
    ) -> None:  # fmt: skip
        alex = make_mentor(first_name="Alex")
        sam, kim = make_newcomer(), make_newcomer(first_name="Kim")
        for person in (sam, kim):
            suggest(client, coordinator, person)
        approve(client, coordinator, sam, alex.mentor_id)
        assert counts(client, admin) == (1, 1)
        assert client.delete("/api/v1/newcomers/me", headers=sam.headers).status_code == 204
        assert counts(client, admin) == (0, 0)
        db.expire_all()
        assert db.query(ShownList).filter_by(newcomer_id=sam.newcomer_id).count() == 0
        assert db.query(ShownList).filter_by(newcomer_id=kim.newcomer_id).count() == 1


def arrange(
    db: Session, newcomer_id: int, mentor_ids: list[int], n: int, *, seed: int,
    program_id: int = PROGRAM,
) -> None:  # fmt: skip
    """``n`` lists shown for one newcomer, each approved by a coordinator who picks the
    mentor closest in age (and turns one down for a reason that does not teach)."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        values = rng.random((len(mentor_ids), len(CRITERIA)))
        mentors = [
            {"mentor_id": m, "rank": r + 1, "score": 0.5,
             "components": dict(zip(CRITERIA, values[r].tolist(), strict=True))}
            for r, m in enumerate(mentor_ids)
        ]  # fmt: skip
        shown = ShownList(program_id=program_id, newcomer_id=newcomer_id, shown_at=utcnow(),
                          mentors=mentors, weights=dict(DEFAULT_WEIGHTS))  # fmt: skip
        db.add(shown)
        db.flush()
        pick = int(np.argmax(values[:, CRITERIA.index("age")] + rng.normal(0, 0.05, len(values))))
        for kind, spot, reason, teaches in (
            ("approved", pick, "coordinator_choice", True),
            ("rejected", (pick + 1) % len(mentor_ids), "newcomer_unavailable", False),
        ):
            db.add(MatchDecision(
                shown_list_id=shown.id, program_id=program_id, mentor_id=mentor_ids[spot],
                kind=kind, reason=reason, teaches=teaches,
                components=mentors[spot]["components"], actor_role="coordinator",
                decided_at=utcnow(),
            ))  # fmt: skip
    db.commit()


class TestProposals:
    def test_only_admins(
        self, client: TestClient, coordinator: Actor, make_mentor, make_newcomer
    ) -> None:
        assert client.get(LEARNED).status_code == 401
        assert client.get(LEARNED, headers=coordinator.headers).status_code == 403
        assert client.post(LEARNED, headers=coordinator.headers).status_code == 403

    def test_missing_program_or_proposal_is_404(self, client: TestClient, admin: Actor) -> None:
        missing = "/api/v1/programs/424242/learned-weights"
        assert client.get(missing, headers=admin.headers).status_code == 404
        for verb in ("adopt", "dismiss"):
            response = client.post(f"{LEARNED}/424242/{verb}", headers=admin.headers)
            assert response.status_code == 404

    def test_too_few_decisions_is_a_409_that_says_how_many(
        self, client: TestClient, admin: Actor, make_mentor, make_newcomer, db: Session
    ) -> None:
        ids = [make_mentor(first_name=f"M{i}").mentor_id for i in range(3)]
        arrange(db, make_newcomer().newcomer_id, ids, 30, seed=1)
        refused = client.post(LEARNED, headers=admin.headers)
        assert refused.status_code == 409
        assert refused.json()["field"] == "decisions"
        assert "30 decisions" in refused.json()["detail"] and "200" in refused.json()["detail"]
        body = client.get(LEARNED, headers=admin.headers).json()
        assert (body["decisions"], body["recorded"], body["needed"]) == (30, 60, 200)
        assert body["proposal"] is None

    def test_learned_weights_are_proposed_beside_the_current_and_adopted_on_record(
        self, client: TestClient, admin: Actor, make_mentor, make_newcomer, db: Session
    ) -> None:
        ids = [make_mentor(first_name=f"M{i}").mentor_id for i in range(6)]
        arrange(db, make_newcomer().newcomer_id, ids, 80, seed=2)
        change(client, admin, learn_min_decisions=40)
        before = client.get(SETTINGS, headers=admin.headers).json()
        made = client.post(LEARNED, headers=admin.headers)
        assert made.status_code == 201, made.text
        proposal = made.json()
        assert proposal["status"] == "open"
        assert (proposal["decisions"], proposal["held_out"]) == (80, 20)
        assert proposal["labels"] == ["approved"]
        weights = {w["criterion"]: w for w in proposal["weights"]}
        assert list(weights) == list(CRITERIA)
        assert all(w["current"] == DEFAULT_WEIGHTS[c] for c, w in weights.items())
        assert max(weights, key=lambda c: weights[c]["proposed"]) == "age"
        assert all(w["std"] >= 0 for w in weights.values())
        assert proposal["proposed"]["ndcg"] > proposal["current"]["ndcg"]
        assert proposal["proposed"]["mean_rank"] < proposal["current"]["mean_rank"]
        # nothing changes until an admin adopts it
        assert (
            client.get(SETTINGS, headers=admin.headers).json()["values"]["weights"]
            == (before["values"]["weights"])
        )

        adopted = client.post(f"{LEARNED}/{proposal['id']}/adopt", headers=admin.headers)
        assert adopted.status_code == 200, adopted.text
        assert adopted.json()["status"] == "adopted"
        after = client.get(SETTINGS, headers=admin.headers).json()
        assert after["values"]["weights"] == {c: w["proposed"] for c, w in weights.items()}
        assert after["settings_version"] == before["settings_version"] + 1
        unchanged = {k: v for k, v in after["values"].items() if k != "weights"}
        assert unchanged == {k: v for k, v in before["values"].items() if k != "weights"}
        history = client.get(f"{SETTINGS}/changes", headers=admin.headers).json()["items"]
        assert {h["name"] for h in history[: len(CRITERIA)]} <= {f"weights.{c}" for c in CRITERIA}
        assert history[0]["user_id"] == admin.user_id
        again = client.post(f"{LEARNED}/{proposal['id']}/adopt", headers=admin.headers)
        assert again.status_code == 409 and again.json()["field"] == "status"
        shown = client.get(LEARNED, headers=admin.headers).json()
        assert shown["current"] == after["values"]["weights"]
        assert shown["proposal"]["id"] == proposal["id"]

    def test_a_dismissed_proposal_leaves_the_weights_and_a_stale_one_is_refused(
        self, client: TestClient, admin: Actor, make_mentor, make_newcomer, db: Session
    ) -> None:
        ids = [make_mentor(first_name=f"M{i}").mentor_id for i in range(4)]
        arrange(db, make_newcomer().newcomer_id, ids, 40, seed=3)
        change(client, admin, learn_min_decisions=20)
        first = client.post(LEARNED, headers=admin.headers).json()
        dismissed = client.post(f"{LEARNED}/{first['id']}/dismiss", headers=admin.headers)
        assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
        weights = client.get(SETTINGS, headers=admin.headers).json()["values"]["weights"]
        assert weights == DEFAULT_WEIGHTS
        second = client.post(LEARNED, headers=admin.headers).json()
        change(client, admin, weights={"load": 2.0})  # the weights move after the proposal
        stale = client.post(f"{LEARNED}/{second['id']}/adopt", headers=admin.headers)
        assert stale.status_code == 409 and stale.json()["field"] == "weights"
        assert client.get(SETTINGS, headers=admin.headers).json()["values"]["weights"]["load"] == 2


def test_a_programs_decisions_teach_only_its_own_weights(
    client: TestClient, admin: Actor, db: Session
) -> None:
    other = Program(slug="other-circle", name="Other circle")
    db.add(other)
    db.commit()
    created = client.post("/api/v1/newcomers", json=intake_body(program="other-circle"))
    assert created.status_code == 201, created.text
    mentors = [insert_mentor(db, other.id, first_name=f"B{i}").id for i in range(3)]
    db.commit()
    arrange(db, newcomer_id(db, created.json()), mentors, 30, seed=6, program_id=other.id)
    theirs = f"/api/v1/programs/{other.id}/learned-weights"
    assert counts(client, admin) == (0, 0)
    assert client.get(theirs, headers=admin.headers).json()["decisions"] == 30
    settings = f"/api/v1/programs/{other.id}/settings"
    version = client.get(settings, headers=admin.headers).json()["settings_version"]
    body = {"settings_version": version, "learn_min_decisions": 20}
    assert client.patch(settings, json=body, headers=admin.headers).status_code == 200
    proposal = client.post(theirs, headers=admin.headers).json()
    # B's proposal through A's address answers like a missing one, and changes nothing
    crossed = client.post(f"{LEARNED}/{proposal['id']}/adopt", headers=admin.headers)
    missing = client.post(f"{LEARNED}/424242/adopt", headers=admin.headers)
    assert crossed.status_code == 404 and crossed.json() == missing.json()
    assert client.get(SETTINGS, headers=admin.headers).json()["values"]["weights"] == (
        DEFAULT_WEIGHTS
    )
    assert client.get(theirs, headers=admin.headers).json()["proposal"]["status"] == "open"


def test_outcomes_teach_beside_decisions_once_a_program_has_enough_of_them(
    app: FastAPI, client: TestClient, coordinator: Actor, admin: Actor, make_mentor,
    make_newcomer, db: Session,
) -> None:  # fmt: skip
    """A pairing approved from a shown list that held to its planned end, and whose
    newcomer's BARC-10 rose from baseline to the 180-day follow-up, gives two outcomes;
    they teach once the program has `learn_min_outcomes` of each kind."""
    ids = [make_mentor(first_name=f"M{i}").mentor_id for i in range(4)]
    arrange(db, make_newcomer().newcomer_id, ids, 40, seed=5)
    sam, alex = make_newcomer(first_name="Sam"), make_mentor(first_name="Alex")
    assert alex.mentor_id in suggest(client, coordinator, sam)
    pairing = approve(client, coordinator, sam, alex.mentor_id)
    assert client.post(f"{PAIRINGS}/{pairing}/accept", headers=alex.headers).status_code == 200
    began = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    accepted = (PairingEvent.pairing_id == pairing) & (PairingEvent.to_status == "active")
    db.execute(update(PairingEvent).where(accepted).values(at=began))
    db.commit()
    for at, value in ((began, 3), (began + timedelta(days=182), 5)):  # totals 30, then 50
        app.state.clock = lambda at=at: at
        body = {"instrument": "barc10",
                "answers": [{"item": f"q{n}", "value": value} for n in range(1, 11)]}  # fmt: skip
        assert client.post("/api/v1/newcomers/me/assessments", json=body,
                           headers=sam.headers).status_code == 201  # fmt: skip
    assert graduation.run(db, settings=app.state.settings, now=began + timedelta(days=200)) == 1

    change(client, admin, learn_min_decisions=20, learn_min_outcomes=2)
    seen = client.get(LEARNED, headers=admin.headers).json()
    assert seen["outcomes"] == [
        {"label": "retained", "count": 1, "teaches": False},
        {"label": "recovery_capital", "count": 1, "teaches": False},
    ]
    assert client.post(LEARNED, headers=admin.headers).json()["labels"] == ["approved"]
    change(client, admin, learn_min_outcomes=1)
    learned = client.post(LEARNED, headers=admin.headers).json()
    assert learned["labels"] == ["approved", "retained", "recovery_capital"]
    signed_in(client, db, admin.user_id)
    page = client.get(f"/admin/programs/{PROGRAM}/learned-weights").text
    assert "<strong>1</strong> pairings held to their planned end (teaching)" in page
    assert "pairings held to their planned end, recovery-capital changes while paired" in page
