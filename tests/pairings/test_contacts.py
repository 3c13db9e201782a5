"""Contacts a mentor logs on an active pairing: who may log and read them, which days count,
what each of the three people sees (the note: coordinators only), the rhythm, the pages.
SQLite and PostgreSQL, through HTTP and the pages; time is the app's clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mentormatch.aftercare.models import Contact
from mentormatch.audit.models import AuditEvent
from mentormatch.pairings.models import PairingEvent
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.conftest import csrf_from, post_form

PAIRINGS = "/api/v1/pairings"
Trio = tuple[Actor, Actor, int]
# Accepted on Monday 2 Nov 2026 (10:00 in New York, the mentor's zone); today is Thursday
# 3 Dec 2026, 10:00 in New York.
ACCEPTED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
NOTE = "zq-contact-note-41b7: struggling with the holidays"


@pytest.fixture
def paired(app: FastAPI, db: Session, active: Trio) -> Trio:
    """The active pairing, accepted at ACCEPTED, with the app's clock at NOW."""
    _newcomer, _mentor, pairing_id = active
    db.execute(
        update(PairingEvent)
        .where(PairingEvent.pairing_id == pairing_id, PairingEvent.to_status == "active")
        .values(at=ACCEPTED)
    )
    db.commit()
    app.state.clock = lambda: NOW
    return active


def log(client: TestClient, mentor: Actor, pairing_id: int, **body: Any) -> Any:
    payload = {"contacted_on": "2026-12-01", "mode": "phone", "minutes": 30} | body
    return client.post(f"{PAIRINGS}/{pairing_id}/contacts", json=payload, headers=mentor.headers)


def count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Contact)) or 0


class TestLogging:
    def test_the_mentor_logs_a_contact_and_only_coordinators_read_the_note(
        self, client: TestClient, coordinator: Actor, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        response = log(client, mentor, pairing_id, mode="in_person", minutes=60, note=NOTE)
        assert response.status_code == 201, response.text
        assert response.json()["has_note"] is True and NOTE not in response.text

        as_mentor = client.get(f"{PAIRINGS}/{pairing_id}/contacts", headers=mentor.headers)
        assert as_mentor.status_code == 200
        item = as_mentor.json()["items"][0]
        assert (item["contacted_on"], item["mode"], item["minutes"]) == (
            "2026-12-01",
            "in_person",
            60,
        )
        assert "note" not in item and NOTE not in as_mentor.text

        as_coordinator = client.get(
            f"{PAIRINGS}/{pairing_id}/contacts", headers=coordinator.headers
        )
        assert as_coordinator.json()["items"][0]["note"] == NOTE

        theirs = client.get("/api/v1/newcomers/me/rhythm", headers=newcomer.headers)
        assert theirs.status_code == 200
        body = theirs.json()
        assert body["active"] is True
        assert body["rhythm"]["dates"] == ["2026-12-01"] and body["rhythm"]["total"] == 1
        for private in (NOTE, "in_person", "minutes"):
            assert private not in theirs.text

    @pytest.mark.parametrize(
        ("day", "words"),
        [
            ("2026-12-04", "future"),
            ("2026-11-01", "before the pairing began (02 Nov 2026)"),
            ("2026-13-01", "date"),
        ],
        ids=["future", "before-acceptance", "no-such-day"],
    )
    def test_a_day_in_the_future_or_before_acceptance_is_refused_naming_the_field(
        self, client: TestClient, db: Session, paired: Trio, day: str, words: str
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        response = log(client, mentor, pairing_id, contacted_on=day)
        assert response.status_code == 422, response.text
        assert "contacted_on" in response.text and words in response.text
        assert count(db) == 0

    def test_the_first_and_last_allowed_days_are_taken(
        self, client: TestClient, db: Session, paired: Trio
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        assert log(client, mentor, pairing_id, contacted_on="2026-11-02").status_code == 201
        assert log(client, mentor, pairing_id, contacted_on="2026-12-03").status_code == 201
        assert count(db) == 2

    def test_today_is_the_mentors_day_not_utcs(
        self, app: FastAPI, client: TestClient, db: Session, paired: Trio
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        # 02:00 UTC on 4 Dec is still 3 Dec (21:00) in New York.
        app.state.clock = lambda: datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
        assert log(client, mentor, pairing_id, contacted_on="2026-12-04").status_code == 422
        assert log(client, mentor, pairing_id, contacted_on="2026-12-03").status_code == 201

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"mode": "carrier_pigeon"}, "mode"),
            ({"minutes": 0}, "minutes"),
            ({"minutes": 601}, "minutes"),
            ({"minutes": "half an hour"}, "minutes"),
            ({"note": "x" * 2001}, "note"),
            ({"note": "a\x00b"}, "note"),
            ({"mood": "fine"}, "mood"),
            ({"contacted_on": None}, "contacted_on"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
        self, client: TestClient, db: Session, paired: Trio, change: dict[str, Any], field: str
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        response = log(client, mentor, pairing_id, **change)
        assert response.status_code == 422, response.text
        assert field in response.text
        assert count(db) == 0

    def test_only_an_active_pairing_takes_contacts(
        self, client: TestClient, db: Session, asked: Trio
    ) -> None:
        _newcomer, mentor, pairing_id = asked
        response = log(client, mentor, pairing_id)
        assert response.status_code == 409
        assert response.json()["field"] == "status" and "approved" in response.text
        assert count(db) == 0

    def test_another_mentors_pairing_answers_like_a_missing_one(
        self, client: TestClient, db: Session, make_mentor: Any, paired: Trio
    ) -> None:
        _newcomer, _mentor, pairing_id = paired
        stranger = make_mentor()
        other = log(client, stranger, pairing_id)
        missing = log(client, stranger, 2_000_000_000)
        assert other.status_code == missing.status_code == 404
        assert other.json() == missing.json()
        listed = client.get(f"{PAIRINGS}/{pairing_id}/contacts", headers=stranger.headers)
        assert listed.status_code == 404
        assert count(db) == 0

    def test_coordinators_and_newcomers_do_not_log_contacts(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Trio
    ) -> None:
        newcomer, _mentor, pairing_id = paired
        assert log(client, coordinator, pairing_id).status_code == 403
        assert log(client, newcomer, pairing_id).status_code == 403
        assert count(db) == 0

    def test_logging_is_audited_and_shown_in_the_newcomers_accounting(
        self, client: TestClient, db: Session, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        assert log(client, mentor, pairing_id).status_code == 201
        logged = db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "contact_logged", AuditEvent.object_id == pairing_id
            )
        ).all()
        assert [(e.actor_role, e.object_type) for e in logged] == [("mentor", "pairing")]
        accesses = client.get("/api/v1/newcomers/me/accesses", headers=newcomer.headers).json()
        described = [a["description"] for a in accesses["items"]]
        assert "noted a day you and your mentor were in touch" in described


class TestReading:
    def test_a_page_shows_the_true_total(
        self, client: TestClient, coordinator: Actor, paired: Trio
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        for day in ("2026-11-20", "2026-11-27", "2026-12-02"):
            assert log(client, mentor, pairing_id, contacted_on=day).status_code == 201
        url = f"{PAIRINGS}/{pairing_id}/contacts"
        first = client.get(url, params={"limit": 2}, headers=coordinator.headers).json()
        assert first["total"] == 3
        assert [c["contacted_on"] for c in first["items"]] == ["2026-12-02", "2026-11-27"]
        rest = client.get(url, params={"limit": 2, "offset": 2}, headers=coordinator.headers)
        assert [c["contacted_on"] for c in rest.json()["items"]] == ["2026-11-20"]
        assert client.get(url, params={"limit": 0}, headers=coordinator.headers).status_code == 422

    def test_the_rhythm_counts_contacts_per_week_over_eight_weeks(
        self, client: TestClient, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        # Weeks start on Mondays: 23 Nov, 30 Nov (today's week starts 30 Nov).
        for day in ("2026-11-02", "2026-11-24", "2026-11-26", "2026-12-01", "2026-12-03"):
            assert log(client, mentor, pairing_id, contacted_on=day).status_code == 201
        rhythm = client.get("/api/v1/newcomers/me/rhythm", headers=newcomer.headers).json()[
            "rhythm"
        ]
        weeks = {w["week_of"]: w["contacts"] for w in rhythm["weeks"]}
        assert len(weeks) == 8
        assert min(weeks) == "2026-10-12" and max(weeks) == "2026-11-30"
        assert weeks["2026-11-30"] == 2 and weeks["2026-11-23"] == 2
        assert weeks["2026-11-02"] == 1 and sum(weeks.values()) == 5
        assert rhythm["last_contact_on"] == "2026-12-03" and rhythm["in_window"] == 5

    def test_a_newcomer_without_an_active_pairing_has_no_rhythm(
        self, client: TestClient, asked: Trio
    ) -> None:
        newcomer, _mentor, _pairing_id = asked
        body = client.get("/api/v1/newcomers/me/rhythm", headers=newcomer.headers).json()
        assert body == {"active": False, "rhythm": None}


def contact_form(client: TestClient, pairing_id: int, data: dict[str, Any]) -> Any:
    return post_form(
        client, f"/mentor/pairings/{pairing_id}", f"/mentor/pairings/{pairing_id}/contacts", data
    )


class TestPages:
    def test_the_mentor_logs_from_the_pairing_page_and_sees_the_log(
        self, client: TestClient, db: Session, paired: Trio
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        signed_in(client, db, mentor.user_id)
        page = client.get(f"/mentor/pairings/{pairing_id}").text
        assert "Log a contact" in page and 'max="2026-12-03"' in page
        response = contact_form(
            client,
            pairing_id,
            {"contacted_on": "2026-12-02", "mode": "video", "minutes": "30", "note": NOTE},
        )
        assert response.status_code == 303, response.text
        log_page = client.get(response.headers["location"])
        assert log_page.status_code == 200
        assert "Logged: Wed 02 Dec 2026, video call" in log_page.text
        assert "1 contact in all" in log_page.text and NOTE not in log_page.text
        again = client.get(f"/mentor/pairings/{pairing_id}").text
        assert "Latest: <strong>Wed 02 Dec 2026</strong>" in again

    @pytest.mark.parametrize(
        ("data", "field", "words"),
        [
            ({"contacted_on": "2026-12-09"}, "contacted_on", "cannot be in the future"),
            ({"contacted_on": ""}, "contacted_on", "Please give the day you were in touch"),
            ({"mode": "owl"}, "mode", "Please choose how you were in touch"),
            ({"minutes": "-5"}, "minutes", "Please choose roughly how long"),
        ],
    )
    def test_a_bad_form_comes_back_naming_the_field_and_nothing_is_written(
        self,
        client: TestClient,
        db: Session,
        paired: Trio,
        data: dict[str, str],
        field: str,
        words: str,
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        signed_in(client, db, mentor.user_id)
        good = {"contacted_on": "2026-12-02", "mode": "phone", "minutes": "15"}
        response = contact_form(client, pairing_id, good | data)
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.text and words in response.text
        assert count(db) == 0

    def test_two_values_for_one_field_are_refused(
        self, client: TestClient, db: Session, paired: Trio
    ) -> None:
        _newcomer, mentor, pairing_id = paired
        signed_in(client, db, mentor.user_id)
        token_page = client.get(f"/mentor/pairings/{pairing_id}").text
        response = client.post(
            f"/mentor/pairings/{pairing_id}/contacts",
            data={
                "csrf_token": csrf_from(token_page),
                "contacted_on": "2026-12-02",
                "mode": ["phone", "video"],
                "minutes": "15",
            },
            follow_redirects=False,
        )
        assert response.status_code == 422 and 'id="mode-error"' in response.text
        assert count(db) == 0

    def test_the_coordinator_reads_the_note_and_the_newcomer_only_the_rhythm(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Trio
    ) -> None:
        newcomer, mentor, pairing_id = paired
        assert log(client, mentor, pairing_id, note=NOTE).status_code == 201
        signed_in(client, db, coordinator.user_id)
        listing = client.get("/coordinator/pairings?status=active").text
        assert f'href="/coordinator/pairings/{pairing_id}/contacts"' in listing
        page = client.get(f"/coordinator/pairings/{pairing_id}/contacts")
        assert page.status_code == 200 and NOTE in page.text and "1 contact in all" in page.text
        client.cookies.clear()
        client.cookies.set(NEWCOMER_COOKIE, newcomer.headers["Authorization"].split()[1])
        status = client.get("/status").text
        assert "How often you have been in touch" in status
        assert "Latest: <strong>Tue 01 Dec 2026</strong>" in status
        assert NOTE not in status and "Phone call" not in status

    def test_the_log_pages_refuse_a_page_past_the_last(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Trio
    ) -> None:
        _newcomer, _mentor, pairing_id = paired
        signed_in(client, db, coordinator.user_id)
        url = f"/coordinator/pairings/{pairing_id}/contacts"
        assert client.get(url, params={"page": "2"}).status_code == 404
        assert client.get(url, params={"page": "x"}).status_code == 422


def test_contacts_go_with_their_pairing_when_the_newcomer_is_erased(
    client: TestClient, db: Session, paired: Trio
) -> None:
    newcomer, mentor, pairing_id = paired
    assert log(client, mentor, pairing_id, note=NOTE).status_code == 201
    assert client.delete("/api/v1/newcomers/me", headers=newcomer.headers).status_code == 204
    assert count(db) == 0
