"""Case notes: coordinators write and read notes on a newcomer's case or one of their
pairings (API and pages, both back ends). Every bad input is a 4xx naming the field with
nothing written; notes are audited, never shown to mentors, in the newcomer's own export by
role and date only, and gone with the newcomer."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.audit.models import AuditEvent
from mentormatch.newcomers.notes import CaseNote
from mentormatch.web.core import NEWCOMER_COOKIE, STAFF_COOKIE
from tests.conftest import Actor
from tests.factories import token_for
from tests.web.conftest import post_form

NOTE = "zq-case-note-9d2b: prefers calls after six"
PAIRING_NOTE = "zq-pairing-note-9d2b: first meeting went well"
NOON = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def notes_url(newcomer_id: int | None) -> str:
    return f"/api/v1/newcomers/{newcomer_id}/notes"


def count_notes(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(CaseNote)) or 0


@pytest.fixture
def paired(
    client: TestClient,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
) -> tuple[Actor, Actor, int]:
    """A newcomer and the mentor who accepted them."""
    newcomer, mentor = make_newcomer(first_name="Robin"), make_mentor(first_name="Ash")
    approved = client.post(
        "/api/v1/pairings",
        json={"newcomer_id": newcomer.newcomer_id, "mentor_id": mentor.mentor_id},
        headers=coordinator.headers,
    )
    assert approved.status_code == 201, approved.text
    pairing_id = approved.json()["id"]
    accepted = client.post(f"/api/v1/pairings/{pairing_id}/accept", headers=mentor.headers)
    assert accepted.status_code == 200, accepted.text
    return newcomer, mentor, pairing_id


class TestWriteAndRead:
    def test_notes_are_listed_newest_first_with_author_time_and_a_true_total(
        self, app: FastAPI, client: TestClient, db: Session, coordinator: Actor, paired: Any
    ) -> None:
        newcomer, _mentor, pairing_id = paired
        url = notes_url(newcomer.newcomer_id)
        for minutes, text in enumerate(("first", "second", "third")):
            app.state.clock = lambda m=minutes: NOON + timedelta(minutes=m)
            created = client.post(url, json={"text": f"  {text}  "}, headers=coordinator.headers)
            assert created.status_code == 201, created.text
        about = client.post(
            f"/api/v1/pairings/{pairing_id}/notes",
            json={"text": PAIRING_NOTE},
            headers=coordinator.headers,
        )
        assert about.status_code == 201, about.text
        email = db.scalar(select(User.email).where(User.id == coordinator.user_id))
        body = about.json()
        assert body["pairing_id"] == pairing_id and body["author_email"] == email
        assert body["author_role"] == "coordinator"
        first = client.get(url, params={"limit": 2}, headers=coordinator.headers).json()
        assert first["total"] == 4
        assert [n["text"] for n in first["items"]] == [PAIRING_NOTE, "third"]
        rest = client.get(url, params={"limit": 2, "offset": 2}, headers=coordinator.headers)
        assert [n["text"] for n in rest.json()["items"]] == ["second", "first"]
        assert rest.json()["items"][1]["written_at"].startswith("2026-12-04T12:00:00")
        only = client.get(f"/api/v1/pairings/{pairing_id}/notes", headers=coordinator.headers)
        assert only.json()["total"] == 1 and only.json()["items"][0]["text"] == PAIRING_NOTE
        # A note tied to a pairing through the newcomer's route, too.
        tied = client.post(
            url, json={"text": "tied", "pairing_id": pairing_id}, headers=coordinator.headers
        )
        assert tied.status_code == 201 and tied.json()["pairing_id"] == pairing_id

    def test_writing_and_reading_are_audited_on_the_newcomers_record(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Any
    ) -> None:
        newcomer, _mentor, pairing_id = paired
        client.post(notes_url(newcomer.newcomer_id), json={"text": NOTE},
                    headers=coordinator.headers)  # fmt: skip
        client.get(notes_url(newcomer.newcomer_id), headers=coordinator.headers)
        client.get(f"/api/v1/pairings/{pairing_id}/notes", headers=coordinator.headers)
        db.expire_all()
        rows = db.execute(
            select(AuditEvent.action, AuditEvent.actor_id).where(
                AuditEvent.object_type == "newcomer",
                AuditEvent.object_id == newcomer.newcomer_id,
                AuditEvent.action.in_(("case_note", "read_notes")),
            )
        ).all()
        assert sorted(rows) == [
            ("case_note", coordinator.user_id),
            ("read_notes", coordinator.user_id),
            ("read_notes", coordinator.user_id),
        ]
        accesses = client.get("/api/v1/newcomers/me/accesses", headers=newcomer.headers).json()
        said = {a["description"] for a in accesses["items"]}
        assert {"wrote a note on your case", "read the notes on your case"} <= said


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "text"),
            ({"text": ""}, "text"),
            ({"text": "   \n "}, "text"),
            ({"text": "x" * 2001}, "text"),
            ({"text": "a\x00b"}, "text"),
            ({"text": 5}, "text"),
            ({"text": "ok", "pairing_id": "²"}, "pairing_id"),
            ({"text": "ok", "pairing_id": 2**31}, "pairing_id"),
            ({"text": "ok", "author_id": 1}, "author_id"),
        ],
    )
    def test_a_bad_note_is_a_422_naming_the_field_and_nothing_is_written(
        self,
        client: TestClient,
        db: Session,
        coordinator: Actor,
        paired: Any,
        body: dict[str, Any],
        field: str,
    ) -> None:
        newcomer, _mentor, _pairing = paired
        response = client.post(notes_url(newcomer.newcomer_id), json=body,
                               headers=coordinator.headers)  # fmt: skip
        assert response.status_code == 422, response.text
        assert field in response.text
        assert count_notes(db) == 0

    def test_a_pairing_of_someone_else_is_refused_like_a_missing_one(
        self,
        client: TestClient,
        db: Session,
        coordinator: Actor,
        paired: Any,
        make_newcomer: Callable[..., Actor],
    ) -> None:
        _newcomer, _mentor, pairing_id = paired
        other = make_newcomer(first_name="Other")
        url = notes_url(other.newcomer_id)
        theirs = client.post(url, json={"text": "x", "pairing_id": pairing_id},
                             headers=coordinator.headers)  # fmt: skip
        missing = client.post(url, json={"text": "x", "pairing_id": 2_000_000_000},
                              headers=coordinator.headers)  # fmt: skip
        assert theirs.status_code == 422 and theirs.json()["field"] == "pairing_id"
        assert theirs.json() == missing.json()
        assert count_notes(db) == 0

    def test_missing_newcomer_or_pairing_is_404(
        self, client: TestClient, coordinator: Actor
    ) -> None:
        for url in (notes_url(2_000_000_000), "/api/v1/pairings/2000000000/notes"):
            assert client.get(url, headers=coordinator.headers).status_code == 404
            posted = client.post(url, json={"text": "x"}, headers=coordinator.headers)
            assert posted.status_code == 404


class TestNeverForMentors:
    def test_the_mentor_gets_403_and_sees_no_note_on_their_pages_or_api(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Any
    ) -> None:
        newcomer, mentor, pairing_id = paired
        for url, text in ((notes_url(newcomer.newcomer_id), NOTE),
                          (f"/api/v1/pairings/{pairing_id}/notes", PAIRING_NOTE)):  # fmt: skip
            assert (
                client.post(url, json={"text": text}, headers=coordinator.headers).status_code
                == 201
            )
            assert client.get(url, headers=mentor.headers).status_code == 403
            assert client.post(url, json={"text": "x"}, headers=mentor.headers).status_code == 403
        shown = [
            client.get("/api/v1/mentors/me/pairings", headers=mentor.headers),
            client.get(f"/api/v1/mentors/me/pairings/{pairing_id}", headers=mentor.headers),
        ]
        client.cookies.set(STAFF_COOKIE, token_for(db, db.get_one(User, mentor.user_id)))
        db.commit()
        shown += [client.get("/mentor"), client.get(f"/mentor/pairings/{pairing_id}")]
        shown += [
            client.get(f"/coordinator/newcomers/{newcomer.newcomer_id}", follow_redirects=False)
        ]
        client.cookies.clear()
        for response in shown:
            assert response.status_code in (200, 403), (response.request.url, response.status_code)
            assert NOTE not in response.text and PAIRING_NOTE not in response.text
        assert shown[0].status_code == 200 and shown[2].status_code == 200
        assert shown[-1].status_code == 403


class TestTheNewcomersData:
    def test_the_export_holds_each_note_by_role_and_date_never_the_staff_email(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Any
    ) -> None:
        newcomer, _mentor, pairing_id = paired
        client.post(notes_url(newcomer.newcomer_id), json={"text": NOTE},
                    headers=coordinator.headers)  # fmt: skip
        client.post(f"/api/v1/pairings/{pairing_id}/notes", json={"text": PAIRING_NOTE},
                    headers=coordinator.headers)  # fmt: skip
        email = db.scalar(select(User.email).where(User.id == coordinator.user_id))
        exported = client.get("/api/v1/newcomers/me/export", headers=newcomer.headers)
        assert exported.status_code == 200
        notes = exported.json()["case_notes"]
        assert [(n["text"], n["by_role"], n["pairing"]) for n in notes] == [
            (NOTE, "coordinator", None),
            (PAIRING_NOTE, "coordinator", 1),
        ]
        assert email not in exported.text
        # The status page's download is the same document.
        token = newcomer.headers["Authorization"].removeprefix("Bearer ")
        client.cookies.set(NEWCOMER_COOKIE, token)
        page = client.get("/status/export")
        client.cookies.clear()
        assert page.status_code == 200
        assert [n["text"] for n in json.loads(page.text)["case_notes"]] == [NOTE, PAIRING_NOTE]
        assert email not in page.text

    def test_erasure_takes_the_notes_with_the_newcomer(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Any
    ) -> None:
        newcomer, _mentor, pairing_id = paired
        client.post(notes_url(newcomer.newcomer_id), json={"text": NOTE},
                    headers=coordinator.headers)  # fmt: skip
        client.post(f"/api/v1/pairings/{pairing_id}/notes", json={"text": PAIRING_NOTE},
                    headers=coordinator.headers)  # fmt: skip
        assert count_notes(db) == 2
        assert client.delete("/api/v1/newcomers/me", headers=newcomer.headers).status_code == 204
        assert count_notes(db) == 0
        db.expire_all()
        linked = db.scalar(
            select(func.count()).where(
                AuditEvent.object_type == "newcomer",
                AuditEvent.object_id == newcomer.newcomer_id,
                AuditEvent.action != "erase",
            )
        )
        assert linked == 0
        gone = client.get(notes_url(newcomer.newcomer_id), headers=coordinator.headers)
        assert gone.status_code == 404


class TestPages:
    def test_the_newcomer_page_lists_notes_and_the_form_adds_one(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Any
    ) -> None:
        newcomer, _mentor, pairing_id = paired
        user = db.get_one(User, coordinator.user_id)
        client.cookies.set(STAFF_COOKIE, token_for(db, user))
        db.commit()
        page = f"/coordinator/newcomers/{newcomer.newcomer_id}"
        action = f"{page}/notes"
        assert "No notes yet." in client.get(page).text
        added = post_form(client, page, action, {"text": NOTE, "pairing_id": str(pairing_id)})
        assert added.status_code == 303 and added.headers["location"].endswith("#notes")
        shown = client.get(page).text
        assert NOTE in shown and user.email in shown and "with Ash" in shown
        listed = client.get(f"/coordinator/pairings/{pairing_id}/notes")
        assert listed.status_code == 200 and NOTE in listed.text
        tab = client.get("/coordinator/pairings?status=active").text
        assert f'href="/coordinator/pairings/{pairing_id}/notes"' in tab and "Notes (1)" in tab

    @pytest.mark.parametrize(
        ("data", "field", "words"),
        [
            ({"text": ""}, "text", "Write the note"),
            ({"text": "y" * 2001}, "text", "At most 2000 characters"),
            ({"text": "ok", "pairing_id": "²"}, "pairing_id", "Choose"),
            ({"text": "ok", "pairing_id": "2000000000"}, "pairing_id", "Not one of"),
            ({"text": ["a", "b"]}, "text", "Send one value"),
        ],
    )
    def test_a_bad_form_is_a_422_page_naming_the_field_with_the_text_kept(
        self,
        client: TestClient,
        db: Session,
        coordinator: Actor,
        paired: Any,
        data: dict[str, Any],
        field: str,
        words: str,
    ) -> None:
        newcomer, _mentor, _pairing = paired
        client.cookies.set(STAFF_COOKIE, token_for(db, db.get_one(User, coordinator.user_id)))
        db.commit()
        page = f"/coordinator/newcomers/{newcomer.newcomer_id}"
        response = post_form(client, page, f"{page}/notes", data)
        assert response.status_code == 422, response.text[:500]
        main = response.text.split("<main", 1)[-1]
        assert 'id="note-errors"' in main and words in main, main[:3000]
        assert ("About a pairing" if field == "pairing_id" else "Note:") in response.text
        assert count_notes(db) == 0

    def test_notes_pages_of_many_notes_page_with_the_total(
        self, client: TestClient, db: Session, coordinator: Actor, paired: Any
    ) -> None:
        newcomer, _mentor, _pairing = paired
        for i in range(23):
            client.post(notes_url(newcomer.newcomer_id), json={"text": f"note {i:02d}"},
                        headers=coordinator.headers)  # fmt: skip
        client.cookies.set(STAFF_COOKIE, token_for(db, db.get_one(User, coordinator.user_id)))
        db.commit()
        page = client.get(f"/coordinator/newcomers/{newcomer.newcomer_id}").text
        assert 'Case notes <span class="count">(23)</span>' in page and "All 23 notes" in page
        assert page.count('class="note"') == 5
        second = client.get(f"/coordinator/newcomers/{newcomer.newcomer_id}/notes?page=2").text
        assert "Page 2 of 2" in second and second.count('class="note"') == 3
        assert "note 00" in second and "note 22" not in second
        for bad in ("0", "²", "3"):
            answer = client.get(f"/coordinator/newcomers/{newcomer.newcomer_id}/notes?page={bad}")
            assert (
                answer.status_code in (404, 422) and "text/html" in answer.headers["content-type"]
            )
