"""A mentee's next recovery milestone, for their mentor: only once the mentor has accepted,
and only if the newcomer ticked "my mentor may see my next milestone" at intake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from tests.conftest import Actor
from tests.factories import drop_invitations, intake_body
from tests.pairings.test_repair import signed_in

PAIRINGS = "/api/v1/pairings"
MINE = "/api/v1/mentors/me/pairings"
NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_an_accepted_mentor_sees_the_next_milestone_only_when_shared(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
) -> None:
    app.state.clock = lambda: NOON
    sharing_consent = intake_body()["consent"] | {"share_milestones": True}
    ines = make_newcomer(first_name="Ines", recovery_start="2026-10-03", consent=sharing_consent)
    pablo = make_newcomer(first_name="Pablo", recovery_start="2026-10-03")
    mentor = make_mentor(capacity=3)
    drop_invitations(db)
    pairing = {}
    for newcomer in (ines, pablo):
        response = approve(newcomer, mentor)
        assert response.status_code == 201, response.text
        pairing[newcomer.newcomer_id] = response.json()["id"]

    asked = client.get(f"{MINE}/{pairing[ines.newcomer_id]}", headers=mentor.headers).json()
    assert asked["next_milestone"] is None  # not before the mentor has said yes

    for newcomer in (ines, pablo):
        accepted = client.post(
            f"{PAIRINGS}/{pairing[newcomer.newcomer_id]}/accept", headers=mentor.headers
        )
        assert accepted.status_code == 200, accepted.text
    seen = {p["id"]: p for p in client.get(MINE, headers=mentor.headers).json()}
    assert seen[pairing[ines.newcomer_id]]["next_milestone"] == {
        "words": "90 days",
        "on": "2027-01-01",
        "days_to_go": 29,
    }
    assert seen[pairing[pablo.newcomer_id]]["next_milestone"] is None  # not shared

    signed_in(client, db, mentor.user_id)
    page = client.get("/mentor").text
    assert "Ines's next milestone: <strong>90 days</strong> on 1 January 2027 (in 29 days)." in page
    assert "Pablo's next milestone" not in page

    app.state.clock = lambda: datetime(2027, 1, 1, 18, 0, tzinfo=UTC)  # Chicago's 1 January
    own = client.get(f"/mentor/pairings/{pairing[ines.newcomer_id]}").text
    assert "Today Ines reaches <strong>90 days</strong> in recovery" in own
