"""End-to-end journeys in headless Chromium, with axe-core on every page and screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.db import make_engine
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.factories import PASSWORD, link_sent_to
from tests.web.conftest import ADMIN_EMAIL, SCREENSHOTS, Live

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1100, "height": 760}
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


class Checker:
    """Runs axe-core on a page and saves a viewport screenshot."""

    def __init__(self, axe_js: Path) -> None:
        self.axe_js = axe_js
        self.checked: dict[str, int] = {}

    def __call__(self, page: Page, name: str) -> None:
        page.add_script_tag(path=str(self.axe_js))
        violations = page.evaluate(AXE_RUN)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, f"{name}: {serious}"
        self.checked[name] = len(violations)
        for v in violations:  # minor/moderate findings, shown with -s
            print(f"axe {name}: {v['impact']} {v['id']} {v['targets']}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def check(axe_js: Path) -> Checker:
    return Checker(axe_js)


def new_context(browser: Browser, viewport: dict[str, int]) -> BrowserContext:
    # bypass_csp only so the axe script can be injected; the CSP itself is tested with TestClient.
    return browser.new_context(viewport=viewport, bypass_csp=True, device_scale_factor=1)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, LAPTOP)
    yield context.new_page()
    context.close()


def sign_in(page: Page, live: Live, email: str, password: str) -> None:
    page.goto(f"{live.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")


def fill_intake(page: Page, name: str) -> None:
    page.check("#in_crisis-no")
    page.fill("#first_name", name)
    page.check("#gender-man")
    page.fill("#birth_year", "1990")
    page.select_option("#timezone", "America/New_York")
    page.check("#substances-heroin")
    page.check("#medication-none")  # nothing is answered for them
    page.check("#meeting_modes-video")
    page.check("#meeting_modes-phone")
    page.check("input[name=availability][value='1-evening']")
    page.check("input[name=availability][value='3-evening']")
    page.check("#preferred_contact-text")
    page.fill("#phone", "+1 312 555 2030")
    page.check("#share_contact")
    page.check("#share_with_mentor")  # opt-in: starts unticked
    page.check("#consent")


def test_newcomer_to_mentor_journey(
    live_server: Live, browser: Browser, check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    phone.goto(url + "/")
    check(phone, "home-phone")
    phone.click("text=Ask for a mentor")
    check(phone, "intake-phone")
    fill_intake(phone, "Sam")
    phone.click("button:has-text('Send my request')")
    expect(phone).to_have_url(f"{url}/welcome")
    expect(phone.locator("#link-title")).to_have_text("Your private link")
    check(phone, "confirmation-phone")
    status_link = phone.locator("#status-link").inner_text()
    assert status_link.startswith(f"{url}/s/mmn_")

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    expect(laptop).to_have_url(f"{url}/coordinator")
    check(laptop, "coordinator-queue")
    laptop.click("table.list a:has-text('Sam')")
    expect(laptop.locator("h1")).to_contain_text("Sam")
    check(laptop, "coordinator-newcomer")
    laptop.select_option("#why-mentor", label="Jordan (#2)")
    laptop.click("button:has-text('Explain')")
    expect(laptop.locator("#explanation")).to_contain_text("Excluded")
    check(laptop, "coordinator-why-not")
    laptop.click("button:has-text('Approve Alex')")
    expect(laptop.locator("#notice")).to_contain_text("Approved")
    for path, name in (
        ("/coordinator/pairings?status=approved", "coordinator-pairings"),
        ("/coordinator/proposals", "coordinator-proposals"),
        ("/coordinator/mentors", "coordinator-mentors"),
        ("/coordinator/dashboard", "coordinator-dashboard"),
    ):
        laptop.goto(url + path)
        check(laptop, name)
    expect(laptop.locator("svg.chart")).to_have_count(3)
    laptop.click("button:has-text('Sign out')")

    sign_in(laptop, live_server, live_server.mentor_email, live_server.mentor_password)
    expect(laptop).to_have_url(f"{url}/mentor")
    expect(laptop.locator("body")).not_to_contain_text("+1 312 555 2030")
    check(laptop, "mentor-inbox")
    laptop.click("button:has-text('Accept Sam')")
    expect(laptop.locator("body")).to_contain_text("+1 312 555 2030")
    check(laptop, "mentor-active")
    laptop.goto(url + "/mentor/profile")
    check(laptop, "mentor-profile")

    fresh = new_context(browser, PHONE).new_page()
    fresh.goto(status_link)
    expect(fresh).to_have_url(f"{url}/status")
    expect(fresh.locator("#mentor-name")).to_have_text("Alex")
    check(fresh, "status-paired-phone")
    accesses = fresh.locator("#accesses")
    accesses.scroll_into_view_if_needed()
    expect(accesses.locator("#accesses-total")).to_contain_text("in all")
    expect(accesses.locator("tr", has_text="accepted to be your mentor")).to_contain_text(
        "A mentor"
    )
    expect(accesses).to_contain_text("saw a pairing request about you in their inbox")
    expect(accesses.locator("tr", has_text="A coordinator").first).to_be_visible()
    expect(accesses).not_to_contain_text(live_server.coordinator_email)
    check(fresh, "status-accesses-phone")
    fresh.goto(url + "/status/edit")
    check(fresh, "status-edit-phone")
    fresh.context.close()


def test_bad_input_shows_errors_and_keeps_answers(
    live_server: Live, check: Checker, phone: Page
) -> None:
    phone.goto(live_server.url + "/intake")
    fill_intake(phone, "Robin")
    phone.fill("#birth_year", "19x0")
    phone.uncheck("#substances-heroin")
    phone.uncheck("#consent")
    phone.click("button:has-text('Send my request')")
    expect(phone.locator("#error-summary")).to_contain_text("Please check 3 answers")
    expect(phone.locator("#birth_year-error")).to_contain_text("year you were born")
    expect(phone.locator("#substances-error")).to_be_visible()
    expect(phone.locator("#consent-error")).to_be_visible()
    expect(phone.locator("#first_name")).to_have_value("Robin")
    expect(phone.locator("#birth_year")).to_have_value("19x0")
    expect(phone.locator("input[name=availability][value='1-evening']")).to_be_checked()
    expect(phone.locator("#birth_year")).to_have_attribute("aria-invalid", "true")
    check(phone, "intake-errors-phone")


def test_crisis_answer_shows_resources_first(
    live_server: Live, check: Checker, phone: Page
) -> None:
    phone.goto(live_server.url + "/intake")
    fill_intake(phone, "Kim")
    phone.check("#in_crisis-yes")
    phone.click("button:has-text('Send my request')")
    crisis = phone.locator(".crisis")
    expect(crisis).to_contain_text("988")
    expect(crisis).to_be_in_viewport()
    check(phone, "confirmation-crisis-phone")


def test_danger_shows_crisis_box_at_once_and_a_minimal_request_can_be_sent(
    live_server: Live, check: Checker, phone: Page
) -> None:
    url = live_server.url
    phone.goto(url + "/intake")
    box = phone.locator("#crisis-first")
    expect(box).to_be_hidden()
    phone.check("#in_crisis-yes")  # nothing else answered
    expect(box).to_be_visible()
    expect(phone.locator("#crisis-title")).to_be_in_viewport()
    expect(phone.locator("#crisis-title")).to_be_focused()
    top = box.bounding_box()
    heading = phone.locator("h1").bounding_box()
    assert top is not None and heading is not None and top["y"] < heading["y"]
    for href in ("tel:988", "sms:988", "tel:18006624357"):
        expect(box.locator(f"a[href='{href}']")).to_be_visible()
    check(phone, "intake-crisis-phone")
    phone.fill("#urgent-first_name", "Kim")
    phone.fill("#urgent-phone", "+1 312 555 4040")
    phone.click("button:has-text('Send: please contact me')")
    expect(phone).to_have_url(f"{url}/welcome")
    expect(phone.locator(".crisis")).to_be_in_viewport()
    expect(phone.locator("#status-link")).to_contain_text(f"{url}/s/mmn_")
    check(phone, "confirmation-urgent-phone")


def test_cross_site_form_post_is_refused(live_server: Live, laptop: Page) -> None:
    laptop.goto(live_server.url + "/intake")  # the browser holds a CSRF cookie for the app
    evil = (
        f'<html><body><form method="post" action="{live_server.url}/status/leave">'
        '<input name="csrf_token" value="forged"><button id="go">Win a prize</button>'
        "</form></body></html>"
    )
    laptop.route(
        "http://evil.test/**", lambda route: route.fulfill(body=evil, content_type="text/html")
    )
    laptop.goto("http://evil.test/")
    with laptop.expect_navigation() as navigation:
        laptop.click("#go")
    response = navigation.value
    assert response is not None and response.status == 403
    expect(laptop.locator("body")).to_contain_text("sent from another site")


def test_login_page_is_accessible(live_server: Live, check: Checker, laptop: Page) -> None:
    laptop.goto(live_server.url + "/login")
    laptop.fill("#email", "nobody@example.org")
    laptop.fill("#password", "wrong")
    laptop.click("button:has-text('Sign in')")
    expect(laptop.locator("#login-error")).to_contain_text("Wrong email or password")
    expect(laptop.locator("#email")).to_have_value("nobody@example.org")
    check(laptop, "login")


def test_invited_mentor_sets_a_password_and_signs_in(
    live_server: Live, check: Checker, phone: Page
) -> None:
    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:
            link = link_sent_to(session, "riley@example.org")
    finally:
        engine.dispose()
    assert link.startswith(f"{live_server.url}/account/set-password?token=mma_")
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("Welcome to MentorMatch")
    check(phone, "set-password-phone")
    phone.fill("#password", "password1234")
    phone.fill("#password_again", "password1234")
    phone.click("button:has-text('Save my password')")
    expect(phone.locator("#password-error")).to_contain_text("Too easy to guess")
    phone.fill("#password", "river lantern copper meadow")
    phone.fill("#password_again", "river lantern copper meadow")
    phone.click("button:has-text('Save my password')")
    expect(phone.locator("#login-notice")).to_contain_text("Your password is set")
    sign_in(phone, live_server, "riley@example.org", "river lantern copper meadow")
    expect(phone).to_have_url(f"{live_server.url}/mentor")
    phone.goto(link)
    expect(phone.locator("#token-error")).to_contain_text("already used")


def test_admin_lands_on_accounts_and_invites_a_coordinator(
    live_server: Live, check: Checker, laptop: Page
) -> None:
    sign_in(laptop, live_server, ADMIN_EMAIL, PASSWORD)
    expect(laptop).to_have_url(f"{live_server.url}/admin")
    laptop.fill("#email", "second.coordinator@example.org")
    laptop.check("#role-coordinator")
    laptop.click("button:has-text('Send invitation')")
    expect(laptop.locator("#notice")).to_contain_text("Invitation sent")
    expect(laptop.locator("#accounts")).to_contain_text("second.coordinator@example.org")
    check(laptop, "admin-accounts")
    laptop.goto(live_server.url + "/coordinator")
    expect(laptop).to_have_url(f"{live_server.url}/admin")


def test_coordinator_ends_a_pairing_and_sees_fresh_suggestions(
    live_server: Live, check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    phone.goto(url + "/intake")
    fill_intake(phone, "Casey")
    phone.click("button:has-text('Send my request')")
    expect(phone).to_have_url(f"{url}/welcome")
    engine = make_engine(live_server.settings.database_url)
    with Session(engine) as session:
        newcomer = session.scalars(select(Newcomer).where(Newcomer.first_name == "Casey")).one()
        jordan = session.scalars(select(Mentor).where(Mentor.first_name == "Jordan")).one()
        session.add(
            Pairing(
                program_id=DEFAULT_PROGRAM_ID,
                newcomer_id=newcomer.id,
                mentor_id=jordan.id,
                status=PairingStatus.active,
            )
        )
        newcomer.status = NewcomerStatus.paired
        newcomer_id = newcomer.id
        session.commit()
    engine.dispose()

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(f"{url}/coordinator/newcomers/{newcomer_id}")
    expect(laptop.locator("#end-title")).to_contain_text("Paired with Jordan")
    laptop.click("button:has-text('End this pairing')")  # no reason chosen yet
    expect(laptop.locator("#end-error")).to_contain_text("Reason")
    check(laptop, "coordinator-end-error")
    laptop.select_option("#end-reason", "not_a_fit")
    laptop.fill("#end-note", "Different hours than we thought")
    laptop.click("button:has-text('End this pairing')")
    expect(laptop.locator("#notice")).to_contain_text("Casey is back in the queue")
    check(laptop, "coordinator-pairing-ended")
    laptop.click("#notice a:has-text('See fresh suggestions')")
    assert laptop.url.endswith("#suggestions")
    expect(laptop.locator("#suggestions")).to_be_in_viewport()
    expect(laptop.locator("#end-pairing")).to_have_count(0)
    laptop.goto(url + "/coordinator/pairings?status=ended")
    expect(laptop.locator("table.list")).to_contain_text("Casey")
