"""The outcomes page in headless Chromium: a coordinator opens it from the menu, reads this
month's row, narrows it to fewer months and downloads the table as CSV; axe finds nothing
serious or critical."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop"]  # fixtures shared with test_browser


def test_a_coordinator_reads_and_downloads_the_outcomes(
    live_server: Live, check: Checker, laptop: Page
) -> None:
    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.get_by_role("link", name="Outcomes").click()
    expect(laptop.locator("h1")).to_have_text("Outcomes")
    this_month = datetime.now(UTC).strftime("%Y-%m")
    rows = laptop.locator("#outcomes tbody tr")
    expect(rows).to_have_count(12)
    expect(rows.first).to_have_id(f"month-{this_month}")  # newest first
    check(laptop, "coordinator-outcomes")

    laptop.fill("#months", "3")
    laptop.click("button:has-text('Show')")
    expect(rows).to_have_count(3)
    with laptop.expect_download() as info:
        laptop.click("#outcomes-csv")
    path = Path(info.value.path())
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [row["Month"] for row in table][-1] == this_month and len(table) == 3
