"""The life of a pairing in headless Chromium, with axe-core on each page: a mentor logs a
contact and the newcomer sees how often they have been in touch (and nothing else); a
pairing goes quiet, the job reminds the mentor then escalates, and a coordinator finds it
on the dashboard, reads its contacts and ends it as not a fit, the newcomer back in the
queue with their waiting time; a mentor answers the fit check "not a fit" and a coordinator
sees it needing action and re-pairs in one click."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.aftercare import quiet
from mentormatch.db import make_engine, utcnow
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers import service as newcomers
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.newcomers.schemas import NewcomerIntake
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.factories import PASSWORD, intake_body
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, fill_intake, laptop, phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop", "phone"]  # fixtures shared with test_browser

NOTE = "Finding evenings hard; suggested a Thursday meeting."


def _ask(phone: Page, live: Live, name: str) -> str:
    """A newcomer asks for a mentor on their phone; returns their private status link."""
    phone.goto(live.url + "/intake")
    fill_intake(phone, name)
    phone.click("button:has-text('Send my request')")
    expect(phone).to_have_url(f"{live.url}/welcome")
    return phone.locator("#status-link").inner_text()


def _paired(live: Live, newcomer: str, mentor: str, days_ago: int) -> tuple[int, int]:
    """The newcomer paired with the mentor, accepted `days_ago` days ago: (pairing, newcomer).
    Other journeys share the live server and may use the same first names: the newcomer is
    the newest of that name (the one just asked), the mentor the first (the seeded one)."""
    engine = make_engine(live.settings.database_url)
    try:
        with Session(engine) as session:
            person = session.scalars(
                select(Newcomer).where(Newcomer.first_name == newcomer).order_by(Newcomer.id.desc())
            ).first()
            who = session.scalars(
                select(Mentor).where(Mentor.first_name == mentor).order_by(Mentor.id)
            ).first()
            assert person is not None and who is not None, (newcomer, mentor)
            at = utcnow() - timedelta(days=days_ago)
            pairing = Pairing(
                program_id=DEFAULT_PROGRAM_ID,
                newcomer_id=person.id,
                mentor_id=who.id,
                status=PairingStatus.active,
                expires_at=at,
            )
            pairing.events.append(
                PairingEvent(to_status="active", actor_role="mentor", reason="accepted", at=at)
            )
            session.add(pairing)
            person.status = NewcomerStatus.paired
            session.commit()
            return pairing.id, person.id
    finally:
        engine.dispose()


def test_a_mentor_logs_a_contact_and_the_newcomer_sees_the_rhythm(
    live_server: Live, check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    status_link = _ask(phone, live_server, "Robin")
    pairing_id, _ = _paired(live_server, "Robin", "Alex", days_ago=3)

    sign_in(laptop, live_server, live_server.mentor_email, live_server.mentor_password)
    laptop.goto(f"{url}/mentor/pairings/{pairing_id}")
    form = laptop.locator("#contacts")
    expect(form).to_contain_text("Log a contact")
    expect(form).to_contain_text("None logged yet")
    check(laptop, "mentor-contact-form")
    laptop.fill("#contacted_on", "")  # no day: the form says so and keeps the rest
    laptop.check("#mode-video")
    laptop.select_option("#minutes", "30")
    laptop.click("button:has-text('Log this contact')")
    expect(laptop.locator("#contacted_on-error")).to_contain_text("Please give the day")
    expect(laptop.locator("#mode-video")).to_be_checked()
    check(laptop, "mentor-contact-error")
    today = laptop.locator("#contacted_on").get_attribute("max")
    assert today
    laptop.fill("#contacted_on", today)
    laptop.fill("#note", NOTE)
    laptop.click("button:has-text('Log this contact')")
    expect(laptop.locator("#logged")).to_contain_text("video call")
    expect(laptop.locator("#contacts-total")).to_have_text("1 contact in all.")
    expect(laptop.locator("body")).not_to_contain_text(NOTE)
    check(laptop, "mentor-contacts")
    laptop.click("text=Back to the pairing")
    expect(laptop.locator("#rhythm")).to_contain_text("1 contact logged in the last 8 weeks")

    phone.goto(status_link)
    rhythm = phone.locator("#your-rhythm")
    expect(rhythm).to_contain_text("1 contact logged in the last 8 weeks")
    expect(phone.locator("body")).not_to_contain_text(NOTE)
    expect(phone.locator("body")).not_to_contain_text("Video call")
    check(phone, "status-rhythm-phone")


def test_a_coordinator_sees_a_quiet_pairing_and_ends_it_as_not_a_fit(
    live_server: Live, check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    _ask(phone, live_server, "Drew")
    pairing_id, newcomer_id = _paired(live_server, "Drew", "Jordan", days_ago=30)
    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:
            report = quiet.run(session, settings=live_server.settings, now=utcnow())
    finally:
        engine.dispose()
    assert report.escalated >= 1

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(url + "/coordinator/dashboard")
    expect(laptop.locator("#quiet-count")).to_contain_text("1 quiet pairing needs a look")
    check(laptop, "dashboard-quiet")
    laptop.click("#quiet-count a")
    row = laptop.locator("table.list tr", has_text="Drew")
    expect(row).to_contain_text("quiet")
    check(laptop, "pairings-needs-action-quiet")
    row.locator("a:has-text('Contacts')").click()
    expect(laptop.locator("#contacts-total")).to_have_text("0 contacts in all.")
    expect(laptop.locator("#rhythm")).to_contain_text("None logged yet")
    check(laptop, "coordinator-pairing-contacts")

    laptop.goto(f"{url}/coordinator/newcomers/{newcomer_id}")
    laptop.select_option("#end-reason", "not_a_fit")
    laptop.fill("#end-note", "Quiet for a month; they did not click")
    laptop.click("button:has-text('End this pairing')")
    expect(laptop.locator("#notice")).to_contain_text("Drew is back in the queue")
    laptop.goto(url + "/coordinator/pairings?status=needs_action")
    expect(laptop.locator(f"a[href='/coordinator/pairings/{pairing_id}/contacts']")).to_have_count(
        0
    )


def test_a_mentor_finds_it_not_a_fit_and_a_coordinator_re_pairs(
    live_server: Live, check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:  # no intake pages: another journey walks them
            body = NewcomerIntake.model_validate(intake_body(first_name="Quinn"))
            newcomers.intake(session, body=body, settings=live_server.settings)
    finally:
        engine.dispose()
    # accepted 15 days ago: past the program's 14 fit-check days, not yet quiet enough to
    # escalate, so the quiet journey's counts stay as they are
    pairing_id, newcomer_id = _paired(live_server, "Quinn", "Alex", days_ago=15)

    sign_in(phone, live_server, live_server.mentor_email, live_server.mentor_password)
    phone.goto(f"{url}/mentor/pairings/{pairing_id}")
    phone.check("#answer-not_a_fit")
    phone.fill("#word", "We keep missing each other")
    phone.click("button:has-text('Send my answer')")
    expect(phone.locator("#fit-answered")).to_contain_text("Not a fit")
    check(phone, "mentor-fit-check-answered")

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(url + "/coordinator/dashboard")
    expect(laptop.locator("#not-a-fit-count")).to_contain_text("1 pairing found not a fit")
    laptop.click("#not-a-fit-count a")
    row = laptop.locator("table.list tr", has_text="Quinn")
    expect(row).to_contain_text("not a fit")
    check(laptop, "pairings-needs-action-not-a-fit")
    row.locator("button:has-text('End and re-pair')").click()
    expect(laptop.locator("#notice")).to_contain_text("Quinn is back in the queue")
    assert laptop.url.startswith(f"{url}/coordinator/newcomers/{newcomer_id}?ended=")
