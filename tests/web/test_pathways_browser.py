"""Several pathways on a phone in headless Chromium (issue 17): the main path is a radio,
the others are boxes, with no script; a wrong combination is named and leads to its
boxes; the answers come back on "correct my answers"; axe-core on each state."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, fill_intake, phone

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "phone"]  # fixtures shared with test_browser


def test_a_main_path_and_another_on_a_phone(live_server: Live, check: Checker, phone: Page) -> None:
    phone.goto(live_server.url + "/intake")
    fill_intake(phone, "Robin")
    phone.check("#pathway-exploring")
    phone.check("#pathways-medication_supported")
    phone.click("button:has-text('Send my request')")
    summary = phone.locator("#error-summary a")
    expect(summary).to_have_count(1)
    expect(summary.nth(0)).to_contain_text("Other recovery paths: Please choose from the list.")
    summary.nth(0).click()
    expect(phone).to_have_url(live_server.url + "/intake#pathways-group")
    expect(phone.locator("#pathways-medication_supported")).to_be_checked()
    check(phone, "intake-pathways-error-phone")

    phone.check("#pathway-twelve_step")
    phone.click("button:has-text('Send my request')")
    expect(phone).to_have_url(live_server.url + "/welcome")
    phone.goto(live_server.url + "/status/edit")
    expect(phone.locator("#pathway-twelve_step")).to_be_checked()
    expect(phone.locator("#pathways-medication_supported")).to_be_checked()
    expect(phone.locator("#pathways-twelve_step")).not_to_be_checked()
    expect(phone.locator("#pathways-exploring")).to_have_count(0)
    phone.locator("#pathway-group").scroll_into_view_if_needed()
    check(phone, "status-edit-pathways-phone")
