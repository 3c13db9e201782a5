"""Password and admin pages (issue 13, points 10 and 11): TestClient, both back ends."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import AuthSession, Role, User
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.web.core import STAFF_COOKIE
from tests.conftest import Actor
from tests.factories import PASSWORD, link_sent_to, make_user, mentor_body, token_for
from tests.web.conftest import post_form

NEW = "river lantern copper meadow"


def sign_in_as(client: TestClient, db: Session, user: User) -> str:
    token = token_for(db, user)
    db.commit()
    client.cookies.set(STAFF_COOKIE, token)
    return token


def path_of(link: str) -> str:
    """The link as a path on this site (the test client's base)."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def log_in(client: TestClient, email: str, password: str) -> Any:
    return post_form(client, "/login", "/login", {"email": email, "password": password})


class TestSetPasswordPage:
    def test_an_invited_mentor_chooses_a_password_and_signs_in(
        self, client: TestClient, coordinator: Actor, db: Session
    ) -> None:
        client.post(
            "/api/v1/mentors",
            json=mentor_body(email="kim@example.org"),
            headers=coordinator.headers,
        )
        page = path_of(link_sent_to(db, "kim@example.org"))
        opened = client.get(page)
        assert opened.status_code == 200
        assert "Welcome to MentorMatch" in opened.text and "kim@example.org" in opened.text
        token = page.split("token=", 1)[1]
        done = post_form(
            client,
            page,
            "/account/set-password",
            {"token": token, "password": NEW, "password_again": NEW},
        )
        assert done.status_code == 303 and done.headers["location"] == "/login?password=set"
        assert "Your password is set" in client.get("/login?password=set").text
        signed_in = log_in(client, "kim@example.org", NEW)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/mentor"
        # The link is used up.
        assert client.get(page).status_code == 410

    @pytest.mark.parametrize(
        ("password", "again", "field", "words"),
        [
            ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "password", "too easy to guess"),
            ("password1234", "password1234", "password", "too easy to guess"),
            ("short", "short", "password", "at least 12"),
            (NEW, NEW + "x", "password_again", "differ"),
        ],
    )
    def test_bad_passwords_are_explained_by_field(
        self,
        password: str,
        again: str,
        field: str,
        words: str,
        client: TestClient,
        coordinator: Actor,
        db: Session,
    ) -> None:
        client.post(
            "/api/v1/mentors", json=mentor_body(email="w@example.org"), headers=coordinator.headers
        )
        page = path_of(link_sent_to(db, "w@example.org"))
        token = page.split("token=", 1)[1]
        response = post_form(
            client,
            page,
            "/account/set-password",
            {"token": token, "password": password, "password_again": again},
        )
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.text and words in response.text.lower()

    def test_an_unknown_link_says_so(self, client: TestClient) -> None:
        response = client.get("/account/set-password?token=mma_nope")
        assert response.status_code == 410
        assert "unknown, already used or expired" in response.text
        posted = post_form(
            client,
            "/account/forgot",
            "/account/set-password",
            {"token": "mma_nope", "password": NEW, "password_again": NEW},
        )
        assert posted.status_code == 410


class TestForgotPage:
    def test_same_page_for_known_and_unknown_and_a_link_only_for_known(
        self, client: TestClient, db: Session
    ) -> None:
        make_user(db, Role.coordinator, email="known@example.org")
        db.commit()
        known = post_form(
            client, "/account/forgot", "/account/forgot", {"email": "known@example.org"}
        )
        unknown = post_form(
            client, "/account/forgot", "/account/forgot", {"email": "who@example.org"}
        )
        assert known.status_code == unknown.status_code == 200
        assert 'id="sent"' in known.text and 'id="sent"' in unknown.text
        kinds = db.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.kind == MessageKind.reset)
        )
        assert list(kinds) == ["known@example.org"]

    def test_an_empty_email_is_422_naming_it(self, client: TestClient) -> None:
        response = post_form(client, "/account/forgot", "/account/forgot", {"email": ""})
        assert response.status_code == 422 and 'id="email-error"' in response.text

    def test_the_sign_in_page_links_to_it(self, client: TestClient) -> None:
        assert 'href="/account/forgot"' in client.get("/login").text


class TestChangePage:
    def test_a_coordinator_changes_their_password(self, client: TestClient, db: Session) -> None:
        user = make_user(db, Role.coordinator, email="chg@example.org")
        other = token_for(db, user)
        sign_in_as(client, db, user)
        form = {"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW}
        response = post_form(client, "/account/password", "/account/password", form)
        assert response.status_code == 200 and 'id="changed"' in response.text
        revoked = db.scalar(
            select(AuthSession.revoked_at)
            .where(AuthSession.user_id == user.id)
            .order_by(AuthSession.id)
            .limit(1)
        )
        assert revoked is not None and other
        assert client.get("/coordinator").status_code == 200  # this session continues

    @pytest.mark.parametrize(
        ("current", "new", "field"),
        [
            ("not my password", NEW, "current_password"),
            (PASSWORD, "password1234", "new_password"),
        ],
    )
    def test_mistakes_are_explained(
        self, current: str, new: str, field: str, client: TestClient, db: Session
    ) -> None:
        sign_in_as(client, db, make_user(db, Role.mentor))
        form = {"current_password": current, "new_password": new, "new_password_again": new}
        response = post_form(client, "/account/password", "/account/password", form)
        assert response.status_code == 422 and f'id="{field}-error"' in response.text

    def test_anonymous_is_sent_to_sign_in(self, client: TestClient) -> None:
        response = client.get("/account/password", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


class TestAdminPages:
    def test_an_admin_lands_on_their_own_page(self, client: TestClient, db: Session) -> None:
        make_user(db, Role.admin, email="boss@example.org")
        db.commit()
        response = log_in(client, "boss@example.org", PASSWORD)
        assert response.status_code == 303 and response.headers["location"] == "/admin"
        page = client.get("/admin")
        assert page.status_code == 200 and "boss@example.org" in page.text, page.text[-1500:]
        coordinator_page = client.get("/coordinator", follow_redirects=False)
        assert coordinator_page.status_code == 303
        assert coordinator_page.headers["location"] == "/admin"

    @pytest.mark.parametrize(
        ("role", "status"), [(Role.mentor, 403), (Role.coordinator, 403), (Role.admin, 200)]
    )
    def test_only_an_admin_opens_it(
        self, role: Role, status: int, client: TestClient, db: Session
    ) -> None:
        sign_in_as(client, db, make_user(db, role))
        assert client.get("/admin").status_code == status
        assert client.get("/account/password").status_code == 200

    def test_invite_and_disable_a_coordinator(self, client: TestClient, db: Session) -> None:
        sign_in_as(client, db, make_user(db, Role.admin))
        invited = post_form(
            client, "/admin", "/admin/users", {"email": "c.new@example.org", "role": "coordinator"}
        )
        assert invited.status_code == 303
        page = client.get(invited.headers["location"]).text
        assert "Invitation sent" in page and "c.new@example.org" in page and "Invited" in page
        assert link_sent_to(db, "c.new@example.org")
        user = db.scalars(select(User).where(User.email == "c.new@example.org")).one()
        disabled = post_form(client, "/admin", f"/admin/users/{user.id}/active", {"active": "no"})
        assert disabled.status_code == 303
        db.refresh(user)
        assert user.is_active is False

    @pytest.mark.parametrize(
        ("form", "field"),
        [
            ({"email": "not-an-email", "role": "coordinator"}, "email"),
            ({"email": "ok@example.org", "role": "mentor"}, "role"),
            ({"email": "dup@example.org", "role": "admin"}, "email"),
        ],
    )
    def test_bad_invitations_are_explained(
        self, form: dict[str, str], field: str, client: TestClient, db: Session
    ) -> None:
        make_user(db, Role.coordinator, email="dup@example.org")
        sign_in_as(client, db, make_user(db, Role.admin))
        response = post_form(client, "/admin", "/admin/users", form)
        assert response.status_code in (409, 422)
        assert f'id="{field}-error"' in response.text

    def test_an_admin_cannot_disable_themselves(self, client: TestClient, db: Session) -> None:
        me = make_user(db, Role.admin)
        sign_in_as(client, db, me)
        response = post_form(client, "/admin", f"/admin/users/{me.id}/active", {"active": "no"})
        assert response.status_code == 409
        db.refresh(me)
        assert me.is_active

    def test_a_missing_account_is_404(self, client: TestClient, db: Session) -> None:
        sign_in_as(client, db, make_user(db, Role.admin))
        response = post_form(client, "/admin", "/admin/users/2000000000/active", {"active": "no"})
        assert response.status_code == 404


class TestAccountList:
    """The admin's list of accounts pages with its true total and finds by email and role."""

    def _many(self, db: Session, mentors: int) -> User:
        for n in range(mentors):
            make_user(db, Role.mentor, email=f"m{n:03d}@list.example.org")
        make_user(db, Role.coordinator, email="lead@list.example.org")
        return make_user(db, Role.admin, email="root@list.example.org")

    def test_the_page_shows_the_true_total_and_pages_through_every_account(
        self, client: TestClient, db: Session
    ) -> None:
        sign_in_as(client, db, self._many(db, 118))
        first = client.get("/admin")
        assert "120 accounts; showing 1 to 50." in first.text
        seen: set[str] = set()
        page = first
        for number in (1, 2, 3):
            assert f"Page {number} of 3" in page.text
            seen |= {e for e in re.findall(r"<td>([^<]+@list\.example\.org)</td>", page.text)}
            nxt = re.search(r'rel="next" href="([^"]+)"', page.text)
            if number < 3:
                assert nxt is not None
                page = client.get(nxt.group(1).replace("&amp;", "&"))
            else:
                assert nxt is None
        assert len(seen) == 120

    def test_search_and_role_narrow_the_list(self, client: TestClient, db: Session) -> None:
        sign_in_as(client, db, self._many(db, 12))
        found = client.get("/admin", params={"q": "M01", "role": "mentor"})
        assert "2 accounts found." in found.text  # m010 and m011, in any case
        assert "m011@list.example.org" in found.text
        assert "lead@list.example.org" not in found.text
        coordinators = client.get("/admin", params={"role": "coordinator"})
        assert "1 account found." in coordinators.text

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"page": "²"}, "page"), ({"page": "4"}, "page"), ({"role": "x"}, "role")],
    )
    def test_bad_list_parameters_are_a_page_naming_them(
        self, params: dict[str, str], field: str, client: TestClient, db: Session
    ) -> None:
        sign_in_as(client, db, self._many(db, 3))
        response = client.get("/admin", params=params)
        assert 400 <= response.status_code < 500
        assert "text/html" in response.headers["content-type"]
        assert f"{field.capitalize()}:" in response.text  # the error names the parameter

    def test_the_api_pages_with_a_total(self, client: TestClient, db: Session) -> None:
        token = sign_in_as(client, db, self._many(db, 60))
        headers = {"Authorization": f"Bearer {token}"}
        first = client.get("/api/v1/users", params={"limit": 50}, headers=headers).json()
        rest = client.get("/api/v1/users", params={"offset": 50}, headers=headers).json()
        assert first["total"] == rest["total"] == 62
        assert len(first["items"]) == 50 and len(rest["items"]) == 12
        assert {u["id"] for u in first["items"]}.isdisjoint(u["id"] for u in rest["items"])
        mentors = client.get(
            "/api/v1/users", params={"role": "mentor", "q": "M05"}, headers=headers
        )
        assert mentors.json()["total"] == 10
