"""The intake's crisis box without JavaScript: resources first, then a minimal request.

Ticking "yes, I am in danger now" and sending the form with everything else empty answers
the crisis resources at the top of the page (tap-to-call and tap-to-text), before any error
summary, with a short form that sends a name and maybe a way to reach them at once.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.newcomers.models import Newcomer
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.factories import make_user
from tests.web.conftest import post_form
from tests.web.test_pages import INTAKE, sign_in

TAP_LINKS = ('href="tel:988"', 'href="sms:988"', 'href="tel:18006624357"', 'href="tel:18004874889"')
URGENT_CONSENT = "By sending this you agree that a coordinator may contact you urgently"


def crisis_shown(html: str) -> bool:
    return re.search(r'<div id="crisis-first"\s*>', html) is not None


def urgent(client: TestClient, **data: Any) -> Any:
    return post_form(client, "/intake", "/intake/urgent", data)


def newcomers_named(db: Session, name: str) -> list[Newcomer]:
    return list(db.scalars(select(Newcomer).where(Newcomer.first_name == name)))


class TestDangerWithEverythingElseEmpty:
    def test_the_crisis_box_comes_first_with_tap_links_before_any_error(
        self, client: TestClient
    ) -> None:
        response = post_form(client, "/intake", "/intake", {"in_crisis": "yes"})
        assert response.status_code == 422
        html = response.text
        assert crisis_shown(html)
        box = html.index('id="crisis-first"')
        assert box < html.index("<h1>") < html.index('id="error-summary"')
        for link in TAP_LINKS:
            assert box < html.index(link) < html.index('id="error-summary"'), link
        assert "1-800-487-4889" in html  # TTY, as the brief gives it

    def test_the_minimal_request_form_says_sending_is_consent(self, client: TestClient) -> None:
        html = post_form(client, "/intake", "/intake", {"in_crisis": "yes"}).text
        form = html[html.index('action="/intake/urgent"') : html.index('id="error-summary"')]
        assert 'name="first_name"' in form and 'name="phone"' in form and 'name="email"' in form
        assert URGENT_CONSENT in form and form.index(URGENT_CONSENT) < form.index("</button>")

    def test_no_danger_shows_no_box(self, client: TestClient) -> None:
        assert not crisis_shown(client.get("/intake").text)
        response = post_form(client, "/intake", "/intake", {"in_crisis": "no"})
        assert response.status_code == 422 and not crisis_shown(response.text)


class TestMinimalRequest:
    def test_a_name_is_enough_and_the_confirmation_shows_crisis_then_the_link(
        self, client: TestClient, db: Session
    ) -> None:
        response = urgent(client, first_name="Kim", phone="+1 312 555 4040")
        assert response.status_code == 303 and response.headers["location"] == "/welcome"
        assert f"{NEWCOMER_COOKIE}=" in response.headers["set-cookie"]
        page = client.get("/welcome").text
        assert page.index('href="tel:988"') < page.index("Your private link")
        assert "/s/mmn_" in page and "finish your request" in page
        [kim] = newcomers_named(db, "Kim")
        assert kim.urgent and kim.minimal and kim.phone == "+1 312 555 4040"

    def test_bad_contact_answers_422_by_the_field_with_the_box_still_first(
        self, client: TestClient, db: Session
    ) -> None:
        response = urgent(client, first_name="Kim", phone="call me")
        assert response.status_code == 422
        html = response.text
        assert crisis_shown(html) and 'id="urgent-phone-error"' in html
        assert 'value="Kim"' in html
        assert html.index('href="tel:988"') < html.index('id="urgent-phone-error"')
        assert newcomers_named(db, "Kim") == []

    def test_nul_in_the_name_is_refused_by_name(self, client: TestClient, db: Session) -> None:
        before = db.scalar(select(func.count()).select_from(Newcomer))
        response = urgent(client, first_name="K\x00im")
        assert response.status_code == 422 and 'id="urgent-first_name-error"' in response.text
        assert db.scalar(select(func.count()).select_from(Newcomer)) == before

    def test_it_needs_the_form_token(self, client: TestClient) -> None:
        client.get("/intake")
        assert client.post("/intake/urgent", data={"first_name": "Kim"}).status_code == 403


class TestFinishingAndTheCoordinator:
    def test_finishing_through_the_private_link_makes_it_a_full_request(
        self, client: TestClient, db: Session
    ) -> None:
        urgent(client, first_name="Kim")
        assert "/status/edit" in client.get("/status").text
        form = client.get("/status/edit").text
        assert "Finish my request" in form and 'name="consent"' in form
        answers = {k: v for k, v in INTAKE.items() if k != "in_crisis"} | {"completing": "yes"}
        missing = post_form(client, "/status/edit", "/status/edit", {**answers, "consent": ""})
        assert missing.status_code == 422 and 'id="consent-error"' in missing.text
        done = post_form(client, "/status/edit", "/status/edit", answers | {"first_name": "Kim"})
        assert done.status_code == 303 and done.headers["location"] == "/status"
        [kim] = newcomers_named(db, "Kim")
        db.refresh(kim)
        assert not kim.minimal and kim.substances == ["heroin"]

    def test_the_coordinator_sees_it_urgent_unmatched_and_how_to_reach_them(
        self, client: TestClient, db: Session, make_mentor: Any
    ) -> None:
        mentor: Actor = make_mentor()
        urgent(client, first_name="Kim", phone="+1 312 555 4040")
        [kim] = newcomers_named(db, "Kim")
        client.cookies.clear()
        sign_in(client, db, make_user(db, Role.coordinator))
        page = client.get(f"/coordinator/newcomers/{kim.id}?why={mentor.mentor_id}")
        assert page.status_code == 200
        html = page.text
        assert "Minimal urgent request" in html and 'href="tel:+1 312 555 4040"' in html
        assert "Approve " not in html
        refused = post_form(
            client,
            f"/coordinator/newcomers/{kim.id}",
            f"/coordinator/newcomers/{kim.id}/approve",
            {"mentor_id": str(mentor.mentor_id)},
        )
        assert refused.status_code == 409  # type: ignore[attr-defined]
        assert "complete the intake" in refused.text  # type: ignore[attr-defined]
