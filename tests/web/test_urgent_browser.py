"""The urgent-case journey in headless Chromium, with axe-core on each page: someone in
danger sends a minimal request, the coordinators are alerted through the outbox, one opens
the dashboard and the newcomer's page, records that they reached them, and the case closes.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from mentormatch.db import make_engine
from mentormatch.pairings.outbox import MessageKind
from tests.factories import PASSWORD, link_sent_to
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop", "phone"]  # fixtures shared with test_browser


def test_crisis_request_to_a_handled_case(
    live_server: Live, check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    phone.goto(url + "/intake")
    phone.check("#in_crisis-yes")
    phone.fill("#urgent-first_name", "Quinn")
    phone.fill("#urgent-phone", "+1 312 555 6060")
    phone.click("button:has-text('Send: please contact me')")
    expect(phone).to_have_url(f"{url}/welcome")

    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:
            alert = link_sent_to(session, live_server.coordinator_email, MessageKind.urgent_intake)
    finally:
        engine.dispose()
    assert alert.startswith(f"{url}/coordinator/newcomers/")

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(url + "/coordinator/dashboard")
    waiting = laptop.locator("#urgent-cases")
    expect(waiting.locator("a", has_text="Quinn")).to_be_visible()
    check(laptop, "dashboard-urgent")

    laptop.goto(alert)
    reach = laptop.locator("#reach")
    expect(reach.locator("a[href='tel:+1 312 555 6060']")).to_be_visible()
    expect(reach).to_contain_text("Agreed to be contacted urgently")
    expect(reach).to_contain_text("Not reached yet")
    check(laptop, "newcomer-urgent")
    laptop.check("#outcome-no_answer")
    expect(laptop.locator("#handled")).not_to_be_checked()
    laptop.check("#outcome-reached")
    expect(laptop.locator("#handled")).to_be_checked()  # the default for "Reached them"
    laptop.fill("#note", "Talked for twenty minutes; safe tonight.")
    laptop.click("button:has-text('Record contact')")
    expect(laptop.locator("#notice")).to_have_text("Contact recorded.")
    expect(reach).to_contain_text("Handled")
    expect(laptop.locator("#contacts")).to_contain_text("Talked for twenty minutes")
    check(laptop, "newcomer-urgent-handled")

    laptop.goto(url + "/coordinator")
    expect(laptop.locator("#urgent-cases a", has_text="Quinn")).to_have_count(0)
