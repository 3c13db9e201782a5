"""The follow-ups dashboard (issue 19): median BARC-10 totals at baseline and at the
follow-up, and their change by pairing status (paired vs waiting), each with its n and
"not enough answers" below a few people; for the programs and period chosen; totals only
(both back ends; time is a parameter)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in

INTAKE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = INTAKE + timedelta(days=200)


def _answers(value: int) -> dict[str, object]:
    return {"instrument": "barc10", "answers": [{"item": f"q{n}", "value": value}
                                                for n in range(1, 11)]}  # fmt: skip


def _row(page: str, row_id: str) -> str:
    return page.split(f'id="{row_id}"')[1].split("</tr>")[0]


def _took(app: FastAPI, client: TestClient, person: Actor, day: datetime, value: int) -> None:
    app.state.clock = lambda: day
    done = client.post(
        "/api/v1/newcomers/me/assessments", json=_answers(value), headers=person.headers
    )
    assert done.status_code == 201, done.text


def six_followed_up(
    app: FastAPI,
    client: TestClient,
    db: Session,
    mentor: Actor,
    make_newcomer: Callable[..., Actor],
) -> list[Actor]:
    """Seven people whose intake was on INTAKE: five paired with `mentor` 20 days after it,
    and the first six with a baseline of 30 and a 6-month BARC-10 of 50 (paired: +20) or 20
    (the one waiting: -10); the seventh has answered nothing."""
    people = [make_newcomer(first_name=f"N{i}") for i in range(7)]
    ids = [p.newcomer_id for p in people]
    db.execute(update(Newcomer).where(Newcomer.id.in_(ids)).values(created_at=INTAKE))
    for i, person in enumerate(people[:5]):
        pairing = Pairing(program_id=DEFAULT_PROGRAM_ID, newcomer_id=person.newcomer_id,
                          mentor_id=mentor.mentor_id, status=PairingStatus.active)  # fmt: skip
        db.add(pairing)
        db.flush()
        db.add(PairingEvent(pairing_id=pairing.id, from_status="approved", to_status="active",
                            actor_role="mentor", reason="accepted",
                            at=INTAKE + timedelta(days=20 + i)))  # fmt: skip
    db.commit()
    for i, person in enumerate(people[:6]):
        _took(app, client, person, INTAKE + timedelta(days=3), 3)
        _took(app, client, person, INTAKE + timedelta(days=180), 5 if i < 5 else 2)
    return people


def test_the_medians_show_their_n_and_hide_below_a_few_people(
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
) -> None:
    people = six_followed_up(app, client, db, make_mentor(), make_newcomer)
    _took(app, client, people[6], INTAKE + timedelta(days=60), 6)  # outside every window
    app.state.clock = lambda: TODAY
    signed_in(client, db, coordinator.user_id)

    page = client.get("/coordinator/follow-ups").text
    assert "<strong>30</strong>" in _row(page, "median-baseline")
    assert "n = 6" in _row(page, "median-baseline")
    assert "<strong>50</strong>" in _row(page, "median-followup")  # 5 of 50, one of 20
    assert "(6 months)" in _row(page, "median-followup")
    assert "<strong>20</strong>" in _row(page, "median-change-paired")
    assert "n = 5" in _row(page, "median-change-paired")
    waiting = _row(page, "median-change-waiting")
    assert "not enough answers" in waiting and "n = 1" in waiting and "<strong>" not in waiting
    for name in ("N0", "N5"):  # totals only: nobody is named in the figures
        assert name not in page.split('id="followup-outcomes"')[1].split("</section>")[0]

    # A period keeps the questionnaires taken in it: only the baselines here.
    early = client.get("/coordinator/follow-ups?since=2026-03-01&until=2026-04-01").text
    assert "<strong>30</strong>" in _row(early, "median-baseline")
    assert "not enough answers" in _row(early, "median-followup")
    assert "n = 0" in _row(early, "median-followup")
    backwards = client.get("/coordinator/follow-ups?since=2026-04-02&until=2026-04-01")
    assert backwards.status_code == 422 and "first day comes after" in backwards.text
    for bad in ("yesterday", "2026-02-30", "20260101"):
        refused = client.get(f"/coordinator/follow-ups?since={bad}")
        assert refused.status_code == 422 and "YYYY-MM-DD" in refused.text, bad
    # the filter form's empty fields: all my programs, an open period
    assert client.get("/coordinator/follow-ups?program=&since=&until=").status_code == 200
