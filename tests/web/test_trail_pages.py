"""The trail on the pages (TestClient, SQLite and PostgreSQL): a record's trail for its
coordinators, the admin's search of the whole trail, its CSV export, and reset links."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.audit import search
from mentormatch.audit.models import AuditEvent
from mentormatch.db import utcnow
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.outbox import MessageKind
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from mentormatch.web.core import STAFF_COOKIE
from tests.conftest import Actor
from tests.factories import link_sent_to, make_user, token_for
from tests.reliability.people import insert_mentor
from tests.web.conftest import post_form


def sign_in(client: TestClient, db: Session, user: User) -> None:
    client.cookies.set(STAFF_COOKIE, token_for(db, user))
    db.commit()


def rows_of(html: str) -> list[list[str]]:
    """The cells of each body row of the page's first list table, as text."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def total_of(html: str, element: str) -> str:
    found = re.search(rf'id="{element}">([^<]*)<', html)
    assert found, element
    return found.group(1)


@pytest.fixture
def me(db: Session) -> User:
    user = make_user(db, Role.coordinator, email="casey@example.org")
    db.commit()
    return user


class TestRecordTrail:
    def test_the_newcomer_page_shows_who_read_it_including_this_read(
        self, client: TestClient, db: Session, me: User, make_newcomer, coordinator: Actor
    ) -> None:
        sam = make_newcomer()
        client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=coordinator.headers)
        sign_in(client, db, me)
        page = client.get(f"/coordinator/newcomers/{sam.newcomer_id}")
        assert page.status_code == 200
        section = page.text.split('id="trail"', 1)[1]
        assert "3 events in all" in section
        rows = rows_of(section)
        assert [r[1:] for r in rows] == [
            ["You", "opened it"],
            [f"{db.get_one(User, coordinator.user_id).email} (a coordinator)", "opened it"],
            ["The newcomer", "created it"],
        ]
        assert f'href="/coordinator/newcomers/{sam.newcomer_id}/trail"' in section

    def test_the_whole_trail_pages_with_its_true_total_and_is_recorded(
        self, client: TestClient, db: Session, me: User, make_newcomer
    ) -> None:
        sam = make_newcomer()
        sign_in(client, db, me)
        for _ in range(30):  # thirty reads: with the intake and this view, 32 events
            client.get(
                f"/api/v1/newcomers/{sam.newcomer_id}",
                headers={"Authorization": f"Bearer {token_for(db, me)}"},
            )
        url = f"/coordinator/newcomers/{sam.newcomer_id}/trail"
        first = client.get(url)
        assert first.status_code == 200
        assert total_of(first.text, "trail-total") == "32 events in all; showing 1 to 25."
        assert rows_of(first.text)[0][1:] == ["You", "viewed this trail"]
        nxt = re.search(r'rel="next" href="([^"]+)"', first.text)
        assert nxt
        second = client.get(url + nxt.group(1).replace("&amp;", "&"))
        # The second page keeps to the first page's time: the view of page 2 is not on it.
        assert total_of(second.text, "trail-total") == "32 events in all; showing 26 to 32."
        assert rows_of(second.text)[-1][1:] == ["The newcomer", "created it"]
        views = db.scalars(select(AuditEvent).where(AuditEvent.action == "trail")).all()
        assert [(v.actor_id, v.object_type, v.object_id) for v in views] == [
            (me.id, "newcomer", sam.newcomer_id)
        ] * 2

    def test_a_pairing_and_a_mentor_have_their_trail(
        self, client: TestClient, db: Session, me: User, make_newcomer
    ) -> None:
        sam = make_newcomer()
        mentor = insert_mentor(db, first_name="Robin")
        pairing = Pairing(
            program_id=DEFAULT_PROGRAM_ID,
            newcomer_id=sam.newcomer_id,
            mentor_id=mentor.id,
            status=PairingStatus.approved,
            expires_at=utcnow() + timedelta(days=3),
        )
        db.add(pairing)
        db.commit()
        mentor_token = token_for(db, db.get_one(User, mentor.user_id))
        db.commit()
        read = client.get(
            "/api/v1/mentors/me/pairings", headers={"Authorization": f"Bearer {mentor_token}"}
        )
        assert read.status_code == 200
        sign_in(client, db, me)
        page = client.get(f"/coordinator/pairings/{pairing.id}/trail")
        assert page.status_code == 200
        assert [r[1:] for r in rows_of(page.text)] == [
            ["You", "viewed this trail"],
            ["Robin (a mentor)", "saw it in a list"],
        ]
        assert f'href="/coordinator/newcomers/{sam.newcomer_id}"' in page.text
        theirs = client.get(f"/coordinator/mentors/{mentor.id}/trail")
        assert [r[1:] for r in rows_of(theirs.text)][:3] == [
            ["You", "viewed this trail"],
            ["You", f"viewed this trail (pairing {pairing.id})"],
            ["Robin (a mentor)", f"saw it in a list (pairing {pairing.id})"],
        ]

    @pytest.mark.parametrize(
        ("query", "status", "words"),
        [
            ("?page=0", 422, "page: a page number"),
            ("?page=9", 404, "there is no page 9; the last is 1"),
            ("?as_of=2026-13-45", 422, "as_of: not a time"),
            ("?as_of=2026-12-03T10:00:00", 422, "as_of: a time with its offset"),
        ],
    )
    def test_bad_paging_is_refused_naming_it(
        self,
        client: TestClient,
        db: Session,
        me: User,
        make_newcomer,
        query: str,
        status: int,
        words: str,
    ) -> None:
        sam = make_newcomer()
        sign_in(client, db, me)
        page = client.get(f"/coordinator/newcomers/{sam.newcomer_id}/trail{query}")
        assert page.status_code == status
        assert words in page.text.lower()


@pytest.fixture
def admin_user(db: Session) -> User:
    user = make_user(db, Role.admin, email="ada@example.org")
    db.commit()
    return user


class TestAdminAudit:
    def test_filter_by_actor_and_day(
        self, client: TestClient, db: Session, admin_user: User, make_newcomer, me: User
    ) -> None:
        sam = make_newcomer()
        headers = {"Authorization": f"Bearer {token_for(db, me)}"}
        db.commit()
        client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=headers)
        client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=headers)
        # One of the two reads was a week ago.
        week_ago = utcnow() - timedelta(days=7)
        first = db.scalar(select(AuditEvent.id).where(AuditEvent.action == "read").limit(1))
        db.execute(update(AuditEvent).where(AuditEvent.id == first).values(at=week_ago))
        db.commit()
        sign_in(client, db, admin_user)
        day = week_ago.date().isoformat()
        page = client.get("/admin/audit", params={"actor": me.email, "since": day, "until": day})
        assert page.status_code == 200
        assert total_of(page.text, "audit-total") == "1 event found."
        assert rows_of(page.text) == [
            [
                week_ago.strftime("%d %b %Y, %H:%M UTC"),
                "casey@example.org (a coordinator)",
                "opened it",
                f"Newcomer {sam.newcomer_id}",
                "went through",
            ]
        ]
        everything = client.get("/admin/audit", params={"actor": me.email})
        assert total_of(everything.text, "audit-total") == "2 events found."

    @pytest.mark.parametrize(
        ("params", "field", "words"),
        [
            ({"since": "2026-13-45"}, "since", "From: not a date"),
            ({"until": "2026-02-30"}, "until", "To: not a date"),
            ({"action": "unknown_action"}, "action", "Action: no such action"),
            ({"actor": "nobody@example.org"}, "actor", "no account has this email"),
            ({"object_id": "٣"}, "object_id", "Record number: a whole number"),
        ],
    )
    def test_a_bad_filter_shows_the_form_naming_the_field(
        self,
        client: TestClient,
        db: Session,
        admin_user: User,
        params: dict,
        field: str,
        words: str,
    ) -> None:
        sign_in(client, db, admin_user)
        page = client.get("/admin/audit", params=params)
        assert page.status_code == 422
        assert words in page.text
        assert f'id="{field}"' in page.text and 'aria-invalid="true"' in page.text
        export = client.get("/admin/audit/export", params=params)
        assert export.status_code == 422 and words in export.text

    def test_the_csv_holds_the_search_with_formulas_neutralised_and_is_recorded(
        self, client: TestClient, db: Session, admin_user: User, make_newcomer
    ) -> None:
        sam = make_newcomer()
        sly = make_user(db, Role.coordinator, email="=cmd|' /c calc'!a0@example.org")
        headers = {"Authorization": f"Bearer {token_for(db, sly)}"}
        db.commit()
        client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=headers)
        sign_in(client, db, admin_user)
        response = client.get(
            "/admin/audit/export", params={"object_id": sam.newcomer_id, "object_type": "newcomer"}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == list(search.CSV_COLUMNS)
        assert [(r[1], r[3], r[4]) for r in rows[1:]] == [
            ("coordinator", "'=cmd|' /c calc'!a0@example.org", "read"),
            ("newcomer", "", "create"),
        ]
        exports = db.scalars(select(AuditEvent).where(AuditEvent.action == "audit_export")).all()
        assert [(e.actor_id, e.object_type) for e in exports] == [(admin_user.id, "audit")]

    def test_an_export_larger_than_allowed_is_refused_with_the_count(
        self,
        client: TestClient,
        db: Session,
        admin_user: User,
        make_newcomer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        for _ in range(3):
            make_newcomer()
        monkeypatch.setattr(search, "EXPORT_MAX", 2)
        sign_in(client, db, admin_user)
        response = client.get("/admin/audit/export", params={"action": "create"})
        assert response.status_code == 422
        assert "3 events match and one download holds at most 2" in response.text
        assert db.scalar(select(AuditEvent.id).where(AuditEvent.action == "audit_export")) is None

    def test_pages_of_the_trail_keep_their_total(
        self, client: TestClient, db: Session, admin_user: User, make_newcomer
    ) -> None:
        for _ in range(55):
            make_newcomer()
        sign_in(client, db, admin_user)
        first = client.get("/admin/audit", params={"action": "create"})
        assert total_of(first.text, "audit-total") == "55 events found; showing 1 to 50."
        nxt = re.search(r'rel="next" href="([^"]+)"', first.text)
        assert nxt
        second = client.get(nxt.group(1).replace("&amp;", "&"))
        assert total_of(second.text, "audit-total") == "55 events found; showing 51 to 55."
        assert len(rows_of(second.text)) == 5


class TestResetLink:
    def test_the_admin_sends_a_coordinator_a_reset_link(
        self, client: TestClient, db: Session, admin_user: User, me: User
    ) -> None:
        sign_in(client, db, admin_user)
        response = post_form(client, "/admin", f"/admin/users/{me.id}/reset")
        assert response.status_code == 303  # type: ignore[attr-defined]
        page = client.get(response.headers["location"])  # type: ignore[attr-defined]
        assert "a link to choose a new password is on its way" in page.text
        assert "/account/set-password?token=" in link_sent_to(db, me.email, MessageKind.reset)
        sent = db.scalars(select(AuditEvent).where(AuditEvent.action == "password_reset_sent"))
        assert [(e.actor_id, e.object_id) for e in sent] == [(admin_user.id, me.id)]

    def test_a_disabled_account_is_refused_on_the_page(
        self, client: TestClient, db: Session, admin_user: User, me: User
    ) -> None:
        me.is_active = False
        db.commit()
        sign_in(client, db, admin_user)
        response = post_form(client, "/admin", f"/admin/users/{me.id}/reset")
        assert response.status_code == 409  # type: ignore[attr-defined]
        assert "enable it before sending a link" in response.text  # type: ignore[attr-defined]

    def test_the_program_settings_are_reached_from_the_admin_nav(
        self, client: TestClient, db: Session, admin_user: User
    ) -> None:
        sign_in(client, db, admin_user)
        assert 'href="/admin/audit"' in client.get("/admin").text
        assert f'href="/admin/programs/{DEFAULT_PROGRAM_ID}"' in client.get("/admin/programs").text
        program = client.get(f"/admin/programs/{DEFAULT_PROGRAM_ID}").text
        assert f'href="/admin/programs/{DEFAULT_PROGRAM_ID}/settings"' in program
