"""The intake on a phone in headless Chromium: the availability grid fits a 390 px wide
screen, the error summary lists each field in page order and takes you to it, and a place
is a ZIP code or town with the distance in miles; axe-core on each state of the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, fill_intake, phone

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "phone"]  # fixtures shared with test_browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_intake_fits_a_phone_and_names_each_mistake(
    live_server: Live, check: Checker, phone: Page
) -> None:
    phone.goto(live_server.url + "/intake")
    assert phone.viewport_size == {"width": 390, "height": 844}
    assert phone.evaluate(NO_SIDEWAYS_SCROLL), phone.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    grid = phone.locator("table.grid").bounding_box()
    assert grid is not None and grid["x"] >= 0 and grid["x"] + grid["width"] <= 390
    expect(phone.locator("input[name=medication]:checked")).to_have_count(0)
    expect(phone.locator("#share_with_mentor")).not_to_be_checked()

    fill_intake(phone, "Robin")
    phone.fill("#phone", "555 0142")
    phone.check("#meeting_modes-in_person")
    phone.fill("#postal_code", "00000")
    phone.fill("#travel_radius", "10")
    phone.fill("#first_name", "")
    phone.click("button:has-text('Send my request')")
    summary = phone.locator("#error-summary a")
    expect(summary).to_have_count(3)
    expect(summary.nth(0)).to_have_text(
        "First name or nickname: Please tell us a first name or a nickname."
    )
    expect(summary.nth(1)).to_contain_text("ZIP code or town: 00000 is not a ZIP code we know")
    expect(summary.nth(2)).to_contain_text("Phone number: Please give a phone number we can call")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    check(phone, "intake-errors-summary-phone")
    summary.nth(1).click()
    expect(phone).to_have_url(live_server.url + "/intake#postal_code")
    expect(phone.locator("#postal_code")).to_have_value("00000")

    phone.fill("#first_name", "Robin")
    phone.fill("#postal_code", "Chicago, IL")
    phone.fill("#phone", "(312) 555-0142")
    phone.click("button:has-text('Send my request')")
    expect(phone).to_have_url(live_server.url + "/welcome")
    phone.goto(live_server.url + "/status/edit")
    expect(phone.locator("#postal_code")).to_have_value(re.compile(r"^606[0-9]{2}$"))
    expect(phone.locator("label[for=travel_radius]")).to_have_text(
        "How far can you travel (miles)? (optional)"
    )
    expect(phone.locator("#travel_radius")).to_have_value("10")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    check(phone, "status-edit-place-phone")
