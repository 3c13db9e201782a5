"""The case-notes journey in headless Chromium, with axe-core on each page: a coordinator
opens a paired newcomer, adds a note about their pairing, sees it listed with who wrote it
and when (on the newcomer's page and the pairing's notes); the mentor of that pairing sees
it nowhere on their pages."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from mentormatch.db import make_engine
from tests.factories import PASSWORD, accept_invitation, intake_body, mentor_body
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop", "phone"]  # fixtures shared with test_browser

NOTE = "Prefers a call after six; asked about SMART meetings near work."
MENTOR_EMAIL = "sasha-notes@example.org"


def _token(api: httpx.Client, email: str) -> dict[str, str]:
    answer = api.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _paired(live: Live) -> tuple[int, int]:
    """A newcomer and a new mentor (Sasha) who accepted them, through the API."""
    with httpx.Client(base_url=live.url) as api:
        staff = _token(api, live.coordinator_email)
        created = api.post("/api/v1/newcomers", json=intake_body(first_name="Morgan"))
        assert created.status_code == 201, created.text
        found = api.get(
            "/api/v1/newcomers", params={"reference": created.json()["reference"]}, headers=staff
        )
        newcomer_id = found.json()["items"][0]["id"]
        mentor = api.post(
            "/api/v1/mentors",
            json=mentor_body(email=MENTOR_EMAIL, first_name="Sasha"),
            headers=staff,
        )
        assert mentor.status_code == 201, mentor.text
        engine = make_engine(live.settings.database_url)
        try:
            with Session(engine) as session:
                accept_invitation(session, MENTOR_EMAIL, PASSWORD)
        finally:
            engine.dispose()
        asked = api.post(
            "/api/v1/pairings",
            json={"newcomer_id": newcomer_id, "mentor_id": mentor.json()["id"]},
            headers=staff,
        )
        assert asked.status_code == 201, asked.text
        pairing_id = asked.json()["id"]
        accepted = api.post(
            f"/api/v1/pairings/{pairing_id}/accept", headers=_token(api, MENTOR_EMAIL)
        )
        assert accepted.status_code == 200, accepted.text
    return newcomer_id, pairing_id


def test_a_coordinator_adds_a_note_the_mentor_never_sees(
    live_server: Live, check: Checker, laptop: Page, phone: Page
) -> None:
    url = live_server.url
    newcomer_id, pairing_id = _paired(live_server)

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(f"{url}/coordinator/newcomers/{newcomer_id}")
    notes = laptop.locator("#notes")
    expect(notes).to_contain_text("No notes yet.")
    expect(notes).to_contain_text("never by mentors")
    laptop.fill("#note-text", NOTE)
    laptop.select_option("#note-pairing", str(pairing_id))
    laptop.click("button:has-text('Add note')")
    expect(laptop).to_have_url(f"{url}/coordinator/newcomers/{newcomer_id}#notes")
    listed = laptop.locator("#notes-list li").first
    expect(listed).to_contain_text(NOTE)
    expect(listed).to_contain_text(f"by {live_server.coordinator_email}")
    expect(listed).to_contain_text("about the pairing with Sasha")
    expect(listed.locator(".note-meta")).to_contain_text(" · by ")  # the date, then who
    check(laptop, "coordinator-case-notes")

    # A note left empty is refused next to its field, with nothing written.
    laptop.click("button:has-text('Add note')")
    expect(laptop.locator("#note-errors")).to_contain_text("Note: Write the note.")
    expect(laptop.locator("#note-text")).to_have_attribute("aria-invalid", "true")
    check(laptop, "coordinator-case-notes-error")

    laptop.goto(f"{url}/coordinator/pairings?status=active")
    laptop.click(f"#notes-{pairing_id}")
    expect(laptop).to_have_url(f"{url}/coordinator/pairings/{pairing_id}/notes")
    expect(laptop.locator("#notes-list")).to_contain_text(NOTE)
    expect(laptop.locator("#notes-title")).to_contain_text("(1)")
    check(laptop, "coordinator-pairing-notes")

    sign_in(phone, live_server, MENTOR_EMAIL, PASSWORD)
    expect(phone).to_have_url(f"{url}/mentor")
    for address in ("/mentor", f"/mentor/pairings/{pairing_id}"):
        shown = phone.goto(url + address)
        assert shown is not None and shown.status == 200
        assert NOTE not in phone.content()
        assert "SMART meetings near work" not in phone.content()
    check(phone, "mentor-pairing-without-notes")
    answer = phone.goto(f"{url}/coordinator/pairings/{pairing_id}/notes")
    assert answer is not None and answer.status == 403
    assert NOTE not in phone.content()
