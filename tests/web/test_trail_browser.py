"""The trail in headless Chromium: a coordinator sees who read a newcomer's record (their own
read first), and an admin searches the whole trail by who and day and downloads it as CSV.
axe finds nothing serious or critical on these pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.db import make_engine
from mentormatch.newcomers.models import Newcomer
from tests.factories import PASSWORD, intake_body
from tests.web.conftest import ADMIN_EMAIL, Live
from tests.web.test_browser import Checker, check, laptop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop"]  # fixtures shared with test_browser


def _newcomer(live: Live, first_name: str) -> int:
    created = httpx.post(f"{live.url}/api/v1/newcomers", json=intake_body(first_name=first_name))
    assert created.status_code == 201, created.text
    engine = make_engine(live.settings.database_url)
    try:
        with Session(engine) as session:
            found = select(Newcomer.id).where(Newcomer.reference == created.json()["reference"])
            return session.scalars(found).one()
    finally:
        engine.dispose()


def test_coordinator_sees_who_read_a_newcomer_including_themselves(
    live_server: Live, check: Checker, laptop: Page
) -> None:
    newcomer_id = _newcomer(live_server, "Trailblazer")
    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(f"{live_server.url}/coordinator/newcomers/{newcomer_id}")
    trail = laptop.locator("#trail")
    expect(trail.locator("#trail-total")).to_have_text("2 events in all.")
    rows = trail.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("You")
    expect(rows.nth(0)).to_contain_text("opened it")
    expect(rows.nth(1)).to_contain_text("The newcomer")
    expect(rows.nth(1)).to_contain_text("created it")
    trail.get_by_role("link", name="See the whole trail").click()
    expect(laptop).to_have_url(f"{live_server.url}/coordinator/newcomers/{newcomer_id}/trail")
    expect(laptop.locator("#trail-total")).to_have_text("3 events in all.")
    expect(laptop.locator("tbody tr").first).to_contain_text("viewed this trail")
    check(laptop, "coordinator-trail")
    laptop.get_by_role("link", name="Back to the newcomer").click()
    expect(laptop.locator("#trail-total")).to_have_text("4 events in all.")


def test_admin_filters_the_trail_by_actor_and_day_and_downloads_it(
    live_server: Live, check: Checker, laptop: Page
) -> None:
    newcomer_id = _newcomer(live_server, "Searchable")
    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.goto(f"{live_server.url}/coordinator/newcomers/{newcomer_id}")
    laptop.click("button:has-text('Sign out')")

    sign_in(laptop, live_server, ADMIN_EMAIL, PASSWORD)
    laptop.get_by_role("link", name="Audit trail").click()
    today = datetime.now(UTC).date().isoformat()
    laptop.fill("#actor", live_server.coordinator_email)
    laptop.fill("#since", today)
    laptop.fill("#until", today)
    laptop.click("button:has-text('Search')")
    total = laptop.locator("#audit-total")
    expect(total).to_contain_text("found")
    found = int(re.sub(r"\D", "", total.inner_text().split(" event")[0]))
    rows = laptop.locator("#audit tbody tr")
    assert rows.count() == min(found, 50)
    for i in range(rows.count()):
        expect(rows.nth(i)).to_contain_text(live_server.coordinator_email)
    expect(laptop.locator("#audit")).to_contain_text(f"Newcomer {newcomer_id}")
    check(laptop, "admin-audit")

    with laptop.expect_download() as download:
        laptop.click("#audit-export")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert len(lines) == found
    assert {line["actor_email"] for line in lines} == {live_server.coordinator_email}
    assert {line["at"][:10] for line in lines} == {today}
    assert "read" in {line["action"] for line in lines}

    laptop.goto(f"{live_server.url}/admin/audit?since=2026-13-45")
    expect(laptop.locator("#error-summary")).to_contain_text("From: not a date")
    expect(laptop.locator("#since")).to_have_attribute("aria-invalid", "true")
    check(laptop, "admin-audit-error")
