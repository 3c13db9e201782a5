"""The newcomer's own choices after intake: what they share (each change a new consent, only
the latest counting, the mentor's view following at once) and starting again with a new
recovery date (the earlier one kept for them alone), through the API and the status page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.audit.models import AuditEvent
from mentormatch.newcomers.models import Consent
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.factories import drop_invitations, intake_body
from tests.pairings.test_repair import signed_in
from tests.web.conftest import post_form

SHARING = "/api/v1/newcomers/me/sharing"
START_AGAIN = "/api/v1/newcomers/me/start-again"
MINE = "/api/v1/mentors/me/pairings"
NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
NONE_SHARED = {"share_with_mentor": False, "share_milestones": False, "milestone_messages": False}


def paired(
    client: TestClient,
    db: Session,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
    **answers: object,
) -> tuple[Actor, Actor, int]:
    newcomer, mentor = make_newcomer(**answers), make_mentor()
    drop_invitations(db)
    pairing_id = approve(newcomer, mentor).json()["id"]
    accepted = client.post(f"/api/v1/pairings/{pairing_id}/accept", headers=mentor.headers)
    assert accepted.status_code == 200, accepted.text
    return newcomer, mentor, pairing_id


def as_newcomer(client: TestClient, newcomer: Actor) -> None:
    client.cookies.clear()
    client.cookies.set(NEWCOMER_COOKIE, newcomer.headers["Authorization"].split()[1])


def test_a_changed_choice_is_a_new_consent_and_the_mentor_sees_what_it_allows_now(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
) -> None:
    app.state.clock = lambda: NOON
    sam, mentor, pairing_id = paired(
        client, db, make_newcomer, make_mentor, approve, recovery_start="2026-10-03"
    )
    shared = client.get(SHARING, headers=sam.headers).json()
    assert shared == {
        **NONE_SHARED, "share_with_mentor": True, "followup_reminders": True, "version": "2026-11"
    }  # fmt: skip
    seen = client.get(f"{MINE}/{pairing_id}", headers=mentor.headers).json()
    assert seen["next_milestone"] is None and seen["newcomer"]["name"] == "Sam"

    wanted = {"share_with_mentor": False, "share_milestones": True, "milestone_messages": True}
    changed = client.put(SHARING, json=wanted, headers=sam.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**wanted, "followup_reminders": True, "version": "2026-11"}
    seen = client.get(f"{MINE}/{pairing_id}", headers=mentor.headers).json()
    assert seen["next_milestone"]["words"] == "90 days"  # now shared
    assert seen["newcomer"]["name"] != "Sam"  # no longer shared
    assert seen["newcomer"]["shared_substances"] is None

    consents = db.scalars(
        select(Consent).where(Consent.newcomer_id == sam.newcomer_id).order_by(Consent.id)
    ).all()
    assert len(consents) == 2  # the intake's is kept as it was given
    assert "share_with_mentor" in consents[0].scope
    assert "share_with_mentor" not in consents[1].scope and "store_profile" in consents[1].scope
    again = client.put(SHARING, json=wanted, headers=sam.headers)
    assert again.status_code == 200
    assert (
        db.scalar(select(AuditEvent.id).where(AuditEvent.action == "consent_changed").offset(1))
        is None
    )  # the same choices again change nothing


def test_bad_sharing_bodies_are_refused_naming_the_field(
    client: TestClient, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer()
    for body, field in (
        ({"share_with_mentor": True, "share_milestones": False}, "milestone_messages"),
        ({**NONE_SHARED, "share_with_mentor": "maybe"}, "share_with_mentor"),
        ({**NONE_SHARED, "store_profile": False}, "store_profile"),
    ):
        refused = client.put(SHARING, json=body, headers=sam.headers)
        assert refused.status_code == 422, refused.text
        assert field in refused.text
    assert client.get(SHARING, headers=sam.headers).json()["share_with_mentor"] is True


def test_a_minimal_request_has_nothing_to_share_yet(client: TestClient, db: Session) -> None:
    urgent = {"first_name": "Luz", "phone": "+1 312 555 0100"}
    created = client.post("/api/v1/newcomers/urgent", json=urgent)
    assert created.status_code == 201, created.text
    headers = {"Authorization": f"Bearer {created.json()['status_token']}"}
    shown = client.get(SHARING, headers=headers).json()
    assert shown == {**NONE_SHARED, "followup_reminders": False, "version": ""}
    refused = client.put(SHARING, json=NONE_SHARED, headers=headers)
    assert refused.status_code == 409 and "sharing" in refused.text


def test_the_status_page_changes_what_is_shared(
    client: TestClient, db: Session, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer()
    as_newcomer(client, sam)
    page = client.get("/status").text
    assert 'id="sharing-share_with_mentor" checked' in page
    assert 'id="sharing-milestone_messages" aria-describedby' in page  # unticked
    saved = post_form(client, "/status", "/status/sharing", {"milestone_messages": "yes"})
    assert saved.status_code == 303  # type: ignore[attr-defined]
    page = client.get("/status?shared=1").text
    assert "Saved. From now on you share what is ticked below." in page
    assert (
        'id="sharing-milestone_messages" aria-describedby="milestone_messages-hint" checked' in page
    )
    assert 'id="sharing-share_with_mentor" checked' not in page  # left unticked: withdrawn
    assert "changed what you share" in page  # on their own list of accesses


def test_starting_again_keeps_the_earlier_date_for_the_newcomer_alone(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    approve: Callable[..., Response],
) -> None:
    app.state.clock = lambda: NOON
    consent = intake_body()["consent"] | {"share_milestones": True}
    sam, mentor, pairing_id = paired(
        client, db, make_newcomer, make_mentor, approve,
        recovery_start="2026-10-03", consent=consent,
    )  # fmt: skip
    for day in ("2026-10-03", "2026-09-01"):  # not after the current date: a correction
        refused = client.post(START_AGAIN, json={"started_on": day}, headers=sam.headers)
        assert refused.status_code == 409 and "started_on" in refused.text
    future = client.post(START_AGAIN, json={"started_on": "2999-01-01"}, headers=sam.headers)
    assert future.status_code == 422 and "started_on" in future.text

    again = client.post(START_AGAIN, json={"started_on": "2026-11-20"}, headers=sam.headers)
    assert again.status_code == 200, again.text
    assert again.json()["recovery_start"] == "2026-11-20"
    assert [d["started_on"] for d in again.json()["earlier"]] == ["2026-10-03"]

    seen = client.get(f"{MINE}/{pairing_id}", headers=mentor.headers).json()
    assert seen["next_milestone"] == {"words": "30 days", "on": "2026-12-20", "days_to_go": 17}
    signed_in(client, db, mentor.user_id)
    mentor_page = client.get(f"/mentor/pairings/{pairing_id}").text
    assert "2026-10-03" not in mentor_page and "3 October 2026" not in mentor_page

    as_newcomer(client, sam)
    status = client.get("/status").text
    assert "Next: <strong>30 days</strong> on 20 December 2026" in status
    assert "3 October 2026" in status  # their earlier date, for them
    export = client.get("/api/v1/newcomers/me/export", headers=sam.headers).json()
    assert [d["started_on"] for d in export["earlier_recovery_dates"]] == ["2026-10-03"]
    actions = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "newcomer", AuditEvent.object_id == sam.newcomer_id
        )
    ).all()
    assert "update" in actions  # recorded as any change to the record, nothing more telling


def test_the_status_page_form_starts_again_or_names_the_problem(
    app: FastAPI, client: TestClient, db: Session, make_newcomer: Callable[..., Actor]
) -> None:
    app.state.clock = lambda: NOON
    sam = make_newcomer(recovery_start="2026-10-03")
    as_newcomer(client, sam)
    for typed in ("", "yesterday", "2026-10-01"):
        refused = post_form(client, "/status", "/status/start-again", {"started_on": typed})
        assert refused.status_code == 422  # type: ignore[attr-defined]
        assert 'id="started_on-error"' in refused.text  # type: ignore[attr-defined]
    assert client.get("/api/v1/newcomers/me", headers=sam.headers).json()["recovery_start"] == (
        "2026-10-03"
    )
    done = post_form(client, "/status", "/status/start-again", {"started_on": "2026-12-01"})
    assert done.status_code == 303  # type: ignore[attr-defined]
    page = client.get("/status?started_again=1").text
    assert "Your new start date is saved" in page
    assert "Next: <strong>24 hours</strong>" not in page  # two days in: 24 hours reached
    assert "Latest: 24 hours, on 2 December 2026." in page
    assert 'id="earlier-dates"' in page and "3 October 2026" in page
