"""Page tests with TestClient (SQLite and PostgreSQL): content, cookies, CSRF, roles."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.web.core import NEWCOMER_COOKIE, STAFF_COOKIE
from tests.conftest import Actor
from tests.factories import make_user, token_for
from tests.web.conftest import csrf_from, post_form

INTAKE: dict[str, Any] = {
    "in_crisis": "no",
    "first_name": "Sam",
    "gender": "man",
    "birth_year": "1990",
    "languages": ["en"],
    "timezone": "America/Chicago",
    "substances": ["heroin"],
    "medication": "buprenorphine",
    "meeting_modes": ["video", "phone"],
    "availability": ["1-evening", "3-evening"],
    "preferred_contact": "text",
    "phone": "+1 312 555 2030",
    "share_contact": "yes",
    "consent": "yes",
    "share_with_mentor": "yes",
}


def submit_intake(client: TestClient, **overrides: Any) -> Any:
    return post_form(client, "/intake", "/intake", {**INTAKE, **overrides})


def sign_in(client: TestClient, db: Session, user: User) -> None:
    client.cookies.set(STAFF_COOKIE, token_for(db, user))
    db.commit()


class TestIntake:
    def test_form_is_plain_and_labelled(self, client: TestClient) -> None:
        response = client.get("/intake")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        html = response.text
        assert '<label for="first_name">' in html
        assert "(optional)" in html
        assert 'name="availability" value="0-morning"' in html
        assert "style=" not in html and "<script>" not in html

    def test_every_optional_sharing_box_starts_unticked(self, client: TestClient) -> None:
        html = client.get("/intake").text
        for box in ("share_with_mentor", "share_contact"):
            tag = re.search(rf'<input type="checkbox" name="{box}"[^>]*>', html)
            assert tag is not None and "checked" not in tag.group(0), box
        kept = submit_intake(client, share_with_mentor="", first_name="").text
        tag = re.search(r'<input type="checkbox" name="share_with_mentor"[^>]*>', kept)
        assert tag is not None and "checked" not in tag.group(0)  # an untick is kept too

    def test_bad_input_shows_errors_by_fields_and_keeps_answers(self, client: TestClient) -> None:
        response = submit_intake(client, birth_year="19x0", substances=[], first_name="Sammy")
        assert response.status_code == 422
        html = response.text
        assert 'id="birth_year-error"' in html
        assert "Please enter the year you were born" in html
        assert "Please choose at least one. If none fit" in html
        assert 'value="Sammy"' in html and 'value="19x0"' in html
        assert 'value="1-evening" checked' in html

    def test_under_age_is_explained(self, client: TestClient) -> None:
        response = submit_intake(client, birth_year="2015")
        assert response.status_code == 422
        assert "aged 18 and over" in response.text

    def test_success_sets_cookie_and_confirms_with_private_link(
        self, client: TestClient, db: Session
    ) -> None:
        response = submit_intake(client)
        assert response.status_code == 303 and response.headers["location"] == "/welcome"
        cookie = response.headers["set-cookie"]
        assert f"{NEWCOMER_COOKIE}=" in cookie and "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
        page = client.get("/welcome").text
        assert "Your private link" in page and "/s/mmn_" in page
        assert "If you are in danger right now" not in page
        assert db.scalar(select(Newcomer).where(Newcomer.first_name == "Sam")) is not None

    def test_crisis_answer_shows_resources_first(self, client: TestClient) -> None:
        submit_intake(client, in_crisis="yes")
        page = client.get("/welcome").text
        assert "988" in page and "1-800-662-4357" in page
        assert page.index("If you are in danger right now") < page.index("Your private link")


class TestCsrf:
    def test_post_without_token_is_refused(self, client: TestClient) -> None:
        client.get("/intake")
        assert client.post("/intake", data=INTAKE).status_code == 403

    def test_cross_site_post_is_refused(self, client: TestClient) -> None:
        token = csrf_from(client.get("/intake").text)
        response = client.post(
            "/intake",
            data={"csrf_token": token, **INTAKE},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert response.status_code == 403
        assert "another site" in response.text


class TestStatusLink:
    def test_link_moves_token_into_cookie(self, client: TestClient) -> None:
        submit_intake(client)
        link = csrf_link = client.get("/welcome").text.split('id="status-link">')[1].split("<")[0]
        token = csrf_link.rsplit("/", 1)[1]
        fresh = TestClient(client.app)
        response = fresh.get(f"/s/{token}", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/status"
        assert token not in response.headers["location"] and link
        page = fresh.get("/status")
        assert page.status_code == 200 and "Hello, Sam" in page.text

    def test_unknown_link_and_no_cookie(self, client: TestClient) -> None:
        assert client.get("/s/mmn_nonsense", follow_redirects=False).status_code == 404
        response = client.get("/status")
        assert response.status_code == 401 and "Open your private link" in response.text

    def test_export_and_delete(self, client: TestClient) -> None:
        submit_intake(client)
        export = client.get("/status/export")
        assert export.status_code == 200 and export.json()["profile"]["first_name"] == "Sam"
        response = post_form(client, "/status/delete", "/status/delete")
        assert response.status_code == 200 and "has been deleted" in response.text
        assert client.get("/status").status_code == 401


class TestStaffPages:
    def test_anonymous_is_sent_to_sign_in(self, client: TestClient) -> None:
        response = client.get("/coordinator", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/coordinator"

    def test_mentor_may_not_open_coordinator_pages(
        self, client: TestClient, db: Session, make_mentor: Any
    ) -> None:
        mentor = make_mentor()
        user = db.get(User, mentor.user_id)
        assert user is not None
        sign_in(client, db, user)
        assert client.get("/coordinator").status_code == 403

    def test_wrong_password_is_explained(self, client: TestClient, db: Session) -> None:
        make_user(db, Role.coordinator, email="c@example.org")
        db.commit()
        response = post_form(
            client, "/login", "/login", {"email": "c@example.org", "password": "nope"}
        )
        assert response.status_code == 401 and "Wrong email or password" in response.text

    def test_sign_in_sets_cookie_and_sign_out_revokes(
        self, client: TestClient, db: Session
    ) -> None:
        make_user(db, Role.coordinator, email="c2@example.org")
        db.commit()
        response = post_form(
            client,
            "/login",
            "/login",
            {"email": "c2@example.org", "password": "correct horse battery staple"},
        )
        assert response.status_code == 303 and response.headers["location"] == "/coordinator"
        assert "HttpOnly" in response.headers["set-cookie"]
        assert client.get("/coordinator").status_code == 200
        token = client.cookies.get(STAFF_COOKIE)
        post_form(client, "/coordinator", "/logout")
        client.cookies.set(STAFF_COOKIE, token or "")
        assert client.get("/coordinator", follow_redirects=False).status_code == 303


class TestJourney:
    def test_approve_accept_and_newcomer_sees_mentor(
        self, client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
    ) -> None:
        mentor = make_mentor(first_name="Alex", phone="+1 312 555 9999")
        submit_intake(client)
        newcomer_cookie = client.cookies.get(NEWCOMER_COOKIE)
        newcomer_id = db.scalar(select(Newcomer.id).where(Newcomer.first_name == "Sam"))
        staff = db.get(User, coordinator.user_id)
        assert staff is not None
        sign_in(client, db, staff)
        queue = client.get("/coordinator").text
        assert "Sam" in queue and "under an hour" in queue
        page = client.get(f"/coordinator/newcomers/{newcomer_id}").text
        assert "Approve Alex" in page and "both in recovery from heroin" in page
        why = client.get(f"/coordinator/newcomers/{newcomer_id}?why={mentor.mentor_id}").text
        assert "Allowed" in why
        response = post_form(
            client,
            f"/coordinator/newcomers/{newcomer_id}",
            f"/coordinator/newcomers/{newcomer_id}/approve",
            {"mentor_id": str(mentor.mentor_id)},
        )
        assert response.status_code == 303, response.text
        mentor_user = db.get(
            User, db.scalar(select(Mentor.user_id).where(Mentor.id == mentor.mentor_id))
        )
        assert mentor_user is not None
        sign_in(client, db, mentor_user)
        inbox = client.get("/mentor").text
        assert "Accept Sam" in inbox and "+1 312 555 2030" not in inbox
        pairing_id = inbox.split("/mentor/pairings/")[1].split("/")[0]
        response = post_form(client, "/mentor", f"/mentor/pairings/{pairing_id}/accept")
        assert response.status_code == 303
        assert "+1 312 555 2030" in client.get("/mentor").text
        client.cookies.delete(STAFF_COOKIE)
        client.cookies.set(NEWCOMER_COOKIE, newcomer_cookie or "")
        status = client.get("/status").text
        assert "Your mentor is" in status and "Alex" in status and "+1 312 555 9999" in status

    @pytest.mark.parametrize(
        "path",
        [
            "/coordinator",
            "/coordinator/proposals",
            "/coordinator/pairings",
            "/coordinator/mentors",
            "/coordinator/dashboard",
        ],
    )
    def test_coordinator_pages_render(
        self, client: TestClient, db: Session, coordinator: Actor, make_mentor: Any, path: str
    ) -> None:
        make_mentor()
        submit_intake(client)
        staff = db.get(User, coordinator.user_id)
        assert staff is not None
        sign_in(client, db, staff)
        response = client.get(path)
        assert response.status_code == 200, response.text
        if path.endswith("dashboard"):
            assert response.text.count("<svg viewBox") == 3

    def test_mentor_pauses_and_bad_capacity_is_explained(
        self, client: TestClient, db: Session, make_mentor: Any
    ) -> None:
        mentor = make_mentor()
        user = db.get(User, mentor.user_id)
        assert user is not None
        sign_in(client, db, user)
        page = client.get("/mentor/profile").text
        assert 'name="paused"' in page
        token = csrf_from(page)
        version = page.split('name="version" value="')[1].split('"')[0]
        form = {
            "csrf_token": token,
            "version": version,
            "first_name": "Alex",
            "capacity": "11",
            "languages": ["en"],
            "timezone": "America/New_York",
            "meeting_modes": ["video"],
            "availability": ["1-evening"],
        }
        bad = client.post("/mentor/profile", data=form)
        assert bad.status_code == 422 and "0 to 10" in bad.text
        good = client.post("/mentor/profile", data={**form, "capacity": "1", "paused": "yes"})
        assert good.status_code == 200 and "Paused: no pairings or requests" in good.text
