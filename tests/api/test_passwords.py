"""Invitations, resets and changes of passwords, through the JSON API (issue 13, point 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mentormatch.accounts.models import AccountToken, Role, User
from mentormatch.db import utcnow
from mentormatch.mentors.models import Mentor
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from tests.conftest import Actor
from tests.factories import (
    PASSWORD,
    bearer,
    link_sent_to,
    make_user,
    mentor_body,
    token_for,
    token_of,
)

MENTORS = "/api/v1/mentors"
SIGN_IN = "/api/v1/auth/token"
SET = "/api/v1/account/password/set"
FORGOT = "/api/v1/account/password/forgot"
CHANGE = "/api/v1/account/password/change"
NEW = "river lantern copper meadow"
WEAK = ("aaaaaaaaaaaa", "password1234")


def sign_in(client: TestClient, email: str, password: str) -> int:
    return client.post(SIGN_IN, data={"username": email, "password": password}).status_code


def messages(db: Session, email: str) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)))


class TestMentorInvitation:
    def test_a_new_mentor_is_invited_and_sets_their_own_password(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        created = client.post(
            MENTORS, json=mentor_body(email="kim@example.org"), headers=coordinator.headers
        )
        assert created.status_code == 201, created.text
        assert "password" not in created.text.replace("invitation", "")
        assert created.json()["invitation_expires_at"]
        link = link_sent_to(db, "kim@example.org")
        assert "/account/set-password?token=" in link
        # Nothing signs in before the mentor chooses a password.
        assert sign_in(client, "kim@example.org", "") == 422
        assert sign_in(client, "kim@example.org", "!unset") == 401
        response = client.post(SET, json={"token": token_of(link), "password": NEW})
        assert response.status_code == 204, response.text
        assert sign_in(client, "kim@example.org", NEW) == 200

    def test_the_link_works_once(self, client: TestClient, coordinator: Actor, db: Session) -> None:
        client.post(
            MENTORS, json=mentor_body(email="once@example.org"), headers=coordinator.headers
        )
        token = token_of(link_sent_to(db, "once@example.org"))
        assert client.post(SET, json={"token": token, "password": NEW}).status_code == 204
        again = client.post(SET, json={"token": token, "password": "another fine passphrase"})
        assert again.status_code == 422
        assert again.json()["field"] == "token"
        assert sign_in(client, "once@example.org", NEW) == 200

    def test_an_expired_link_is_refused(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        client.post(
            MENTORS, json=mentor_body(email="late@example.org"), headers=coordinator.headers
        )
        token = token_of(link_sent_to(db, "late@example.org"))
        db.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
        response = client.post(SET, json={"token": token, "password": NEW})
        assert (response.status_code, response.json()["field"]) == (422, "token")
        assert sign_in(client, "late@example.org", NEW) == 401

    @pytest.mark.parametrize("weak", WEAK)
    def test_weak_passwords_are_refused_naming_the_field(
        self, weak: str, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        client.post(
            MENTORS, json=mentor_body(email="weak@example.org"), headers=coordinator.headers
        )
        token = token_of(link_sent_to(db, "weak@example.org"))
        response = client.post(SET, json={"token": token, "password": weak})
        assert response.status_code == 422
        assert response.json()["field"] == "password"
        assert response.json()["detail"].startswith("password:")
        # The link still works for a strong one.
        assert client.post(SET, json={"token": token, "password": NEW}).status_code == 204

    def test_an_unknown_token_and_bad_bodies_are_4xx(self, client: TestClient) -> None:
        response = client.post(SET, json={"token": "mma_nothing", "password": NEW})
        assert (response.status_code, response.json()["field"]) == (422, "token")
        for body, field in (
            ({"token": "x"}, "password"),
            ({"password": NEW}, "token"),
            ({"token": "x", "password": "p" * 129}, "password"),
            ({"token": "x", "password": "short-1"}, "password"),
        ):
            response = client.post(SET, json=body)
            assert response.status_code == 422
            assert response.json()["detail"][0]["loc"] == ["body", field]

    def test_duplicate_email_is_409_and_writes_no_token_nor_message(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        body = mentor_body(email="dup@example.org")
        assert client.post(MENTORS, json=body, headers=coordinator.headers).status_code == 201
        counts = [
            db.scalar(select(func.count()).select_from(t))
            for t in (Mentor, User, AccountToken, OutboxMessage)
        ]
        again = client.post(MENTORS, json=body, headers=coordinator.headers)
        assert (again.status_code, again.json()["field"]) == (409, "email")
        after = [
            db.scalar(select(func.count()).select_from(t))
            for t in (Mentor, User, AccountToken, OutboxMessage)
        ]
        assert after == counts

    def test_the_outbox_listing_never_shows_the_link(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        client.post(MENTORS, json=mentor_body(email="hid@example.org"), headers=coordinator.headers)
        token = token_of(link_sent_to(db, "hid@example.org"))
        listing = client.get("/api/v1/outbox", headers=coordinator.headers)
        assert listing.status_code == 200
        assert token not in listing.text
        assert "set-password" not in listing.text
        kinds = [m["kind"] for m in listing.json()["items"]]
        assert "invitation" in kinds


class TestStaffInvitation:
    def test_an_admin_invites_a_coordinator_without_a_password(
        self, client: TestClient, admin: Actor, db: Session
    ) -> None:
        response = client.post(
            "/api/v1/users",
            json={"email": "new.coord@example.org", "role": "coordinator"},
            headers=admin.headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["invited"] is True
        token = token_of(link_sent_to(db, "new.coord@example.org"))
        assert client.post(SET, json={"token": token, "password": NEW}).status_code == 204
        assert sign_in(client, "new.coord@example.org", NEW) == 200

    @pytest.mark.parametrize("weak", WEAK)
    def test_a_weak_password_given_by_the_admin_is_refused(
        self, weak: str, client: TestClient, admin: Actor
    ) -> None:
        response = client.post(
            "/api/v1/users",
            json={"email": "c@example.org", "role": "coordinator", "password": weak},
            headers=admin.headers,
        )
        assert (response.status_code, response.json()["field"]) == (422, "password")


class TestForgotAndReset:
    def test_the_answer_is_the_same_for_known_and_unknown_emails(
        self, client: TestClient, db: Session
    ) -> None:
        make_user(db, Role.coordinator, email="known@example.org")
        db.commit()
        known = client.post(FORGOT, json={"email": "Known@example.org"})
        unknown = client.post(FORGOT, json={"email": "nobody@example.org"})
        assert known.status_code == unknown.status_code == 202
        assert known.json() == unknown.json()
        assert [m.kind for m in messages(db, "known@example.org")] == [MessageKind.reset]
        assert messages(db, "nobody@example.org") == []

    def test_a_reset_link_sets_a_new_password_and_signs_out_every_session(
        self, client: TestClient, db: Session
    ) -> None:
        user = make_user(db, Role.coordinator, email="reset@example.org")
        old_session = token_for(db, user)
        db.commit()
        assert client.get("/api/v1/newcomers", headers=bearer(old_session)).status_code == 200
        client.post(FORGOT, json={"email": "reset@example.org"})
        token = token_of(link_sent_to(db, "reset@example.org", MessageKind.reset))
        assert client.post(SET, json={"token": token, "password": NEW}).status_code == 204
        assert client.get("/api/v1/newcomers", headers=bearer(old_session)).status_code == 401
        assert sign_in(client, "reset@example.org", PASSWORD) == 401
        assert sign_in(client, "reset@example.org", NEW) == 200

    def test_a_reset_link_expires_within_the_hour(self, client: TestClient, db: Session) -> None:
        make_user(db, Role.mentor, email="hour@example.org")
        db.commit()
        before = utcnow()
        client.post(FORGOT, json={"email": "hour@example.org"})
        row = db.scalars(select(AccountToken)).one()
        assert row.expires_at - before <= timedelta(hours=1, seconds=5)
        assert len(row.token_hash) == 64
        assert row.token_hash not in link_sent_to(db, "hour@example.org", MessageKind.reset)

    def test_a_disabled_account_gets_no_link(self, client: TestClient, db: Session) -> None:
        user = make_user(db, Role.coordinator, email="off@example.org")
        user.is_active = False
        db.commit()
        assert client.post(FORGOT, json={"email": "off@example.org"}).status_code == 202
        assert messages(db, "off@example.org") == []

    def test_bad_bodies_are_422(self, client: TestClient) -> None:
        assert client.post(FORGOT, json={}).status_code == 422
        assert client.post(FORGOT, json={"email": "x" * 300}).status_code == 422


class TestChange:
    def test_change_needs_the_current_password_and_signs_out_other_sessions(
        self, client: TestClient, db: Session
    ) -> None:
        user = make_user(db, Role.mentor, email="chg@example.org")
        this, other = token_for(db, user), token_for(db, user)
        db.commit()
        body = {"current_password": PASSWORD, "new_password": NEW}
        assert client.post(CHANGE, json=body, headers=bearer(this)).status_code == 204
        assert client.get("/api/v1/mentors/me", headers=bearer(other)).status_code == 401
        assert sign_in(client, "chg@example.org", NEW) == 200
        assert sign_in(client, "chg@example.org", PASSWORD) == 401

    def test_a_wrong_current_password_is_refused_and_counted(
        self, client: TestClient, db: Session
    ) -> None:
        user = make_user(db, Role.coordinator, email="guess@example.org")
        token = token_for(db, user)
        db.commit()
        limit = client.app.state.settings.login_free_failures  # type: ignore[attr-defined]
        body = {"current_password": "wrong guess here", "new_password": NEW}
        for _ in range(limit):
            response = client.post(CHANGE, json=body, headers=bearer(token))
            assert (response.status_code, response.json()["field"]) == (422, "current_password")
        right = {"current_password": PASSWORD, "new_password": NEW}
        assert client.post(CHANGE, json=right, headers=bearer(token)).status_code == 429

    @pytest.mark.parametrize("weak", WEAK)
    def test_a_weak_new_password_is_refused(
        self, weak: str, client: TestClient, coordinator: Actor
    ) -> None:
        body = {"current_password": PASSWORD, "new_password": weak}
        response = client.post(CHANGE, json=body, headers=coordinator.headers)
        assert (response.status_code, response.json()["field"]) == (422, "new_password")

    def test_a_newcomer_cannot_change_a_password(self, client: TestClient, make_newcomer) -> None:
        sam = make_newcomer()
        body = {"current_password": PASSWORD, "new_password": NEW}
        assert client.post(CHANGE, json=body, headers=sam.headers).status_code == 403
