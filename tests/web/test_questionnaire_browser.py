"""The recovery-capital questionnaire in headless Chromium, with axe-core on each page: a
newcomer, just through the intake on their phone, follows the offer on the confirmation page
and answers BARC-10 (a statement skipped is named first); a coordinator then enters a
follow-up from a call on the newcomer's page and sees the change, then the follow-ups page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, fill_intake, laptop, phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop", "phone"]  # fixtures shared with test_browser


def _answer(page: Page, values: list[int]) -> None:
    for n, value in enumerate(values, 1):
        if value:
            page.check(f"#q{n}-{value}")
    page.click("button:has-text('Save the answers')")


def test_a_newcomer_answers_and_a_coordinator_enters_a_follow_up(
    live_server: Live, check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    phone.goto(url + "/intake")
    fill_intake(phone, "Noor")
    phone.click("button:has-text('Send my request')")
    expect(phone).to_have_url(f"{url}/welcome")
    phone.click("#questionnaire-offer a")
    expect(phone.locator("h1")).to_contain_text("BARC-10")
    check(phone, "questionnaire-phone")
    _answer(phone, [3, 4, 3, 2, 3, 4, 3, 5, 4, 0])  # the last one skipped
    expect(phone.locator("#error-summary")).to_contain_text("1 statement still needs an answer")
    expect(phone.locator("#q10-error")).to_be_visible()
    expect(phone.locator("#q1-3")).to_be_checked()
    phone.check("#q10-4")
    phone.click("button:has-text('Save the answers')")
    expect(phone.locator("#answered")).to_contain_text("the answers are saved")
    expect(phone.locator("#assessments")).to_contain_text("35")
    check(phone, "status-recovery-capital-phone")

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(url + "/coordinator?q=Noor&status=")
    laptop.locator("a", has_text="Noor").first.click()
    expect(laptop.locator("#recovery-capital")).to_contain_text("1 questionnaire answered")
    laptop.click("text=Enter answers from a call")
    _answer(laptop, [5, 5, 4, 4, 5, 5, 4, 6, 5, 5])
    expect(laptop).to_have_url(re.compile(r"/coordinator/newcomers/\d+\?answered=1"))
    row = laptop.locator("#assessments tbody tr").first
    expect(row).to_contain_text("48")
    expect(row).to_contain_text("+13")
    expect(row).to_contain_text("47 or more")
    check(laptop, "coordinator-recovery-capital")

    # Noor's baseline is done: the follow-ups page counts it in the program's rate
    laptop.goto(url + "/coordinator/outcomes")
    laptop.click("#follow-ups-link a")
    expect(laptop.locator("#follow-up-rates")).to_contain_text("Follow-up rate")
    expect(laptop.locator("main")).not_to_contain_text("Noor")
    # one baseline so far: its median is not shown, only how many it would count
    expect(laptop.locator("#median-baseline")).to_contain_text("not enough answers (n = 1)")
    check(laptop, "coordinator-follow-ups")
    # a period with nothing in it: the figures count nobody
    laptop.fill("#since", "2020-01-01")
    laptop.fill("#until", "2020-12-31")
    laptop.get_by_role("button", name="Show").click()
    expect(laptop).to_have_url(re.compile(r"since=2020-01-01"))
    expect(laptop.locator("#median-baseline")).to_contain_text("n = 0")
    expect(laptop.locator("#followups-csv")).to_have_attribute("href", re.compile("until=2020"))
