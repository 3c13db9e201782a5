"""The newcomer's check-in in headless Chromium on a phone: an ordinary check-in is thanked,
and "yes, I am in danger" shows the crisis resources first, at once, and says the
coordinators were asked to reach them; the coordinator then finds the urgent case with the
check-in on the newcomer's page. axe finds nothing serious or critical."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, intake_body
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop", "phone"]  # fixtures shared with test_browser


def test_a_danger_answer_shows_help_at_once_and_reaches_a_coordinator(
    live_server: Live, check: Checker, phone: Page, laptop: Page
) -> None:
    created = httpx.post(f"{live_server.url}/api/v1/newcomers",
                         json=intake_body(first_name="Checkin"))  # fmt: skip
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    phone.goto(created.json()["status_url"])
    form = phone.locator("#check-in")
    form.get_by_label("Good", exact=True).check()
    form.get_by_label("No", exact=True).check()
    form.get_by_role("button", name="Send my check-in").click()
    expect(phone.locator("#notice")).to_have_text("Thank you for checking in.")
    expect(phone.locator("#crisis")).to_have_count(0)
    check(phone, "newcomer-check-in")

    form.get_by_label("Very hard").check()
    form.get_by_label("Yes, I am in danger").check()
    form.get_by_role("button", name="Send my check-in").click()
    expect(phone.locator("#crisis")).to_be_in_viewport()  # at once, without scrolling
    expect(phone.locator("#check-in-danger")).to_contain_text("asked your program's coordinators")
    crisis_top = phone.locator("#crisis").bounding_box()
    notice_top = phone.locator("#check-in-danger").bounding_box()
    assert crisis_top and notice_top and crisis_top["y"] < notice_top["y"]
    check(phone, "newcomer-check-in-danger")

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(f"{live_server.url}/coordinator")
    case = laptop.locator("#urgent-cases tr", has_text=f"Checkin {reference}")
    case.get_by_role("link", name="Checkin").click()
    rows = laptop.locator("#check-ins tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Very hard")
    expect(rows.first).to_contain_text("Yes")
