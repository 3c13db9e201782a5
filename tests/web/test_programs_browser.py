"""The programs journey in headless Chromium, with axe-core on each page: an admin creates a
program, changes its minimum recovery time and a weight, sees both in the history, and
archives it again (the shared live server keeps one open program for the other journeys)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlalchemy.orm import Session

from mentormatch.db import make_engine, utcnow
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from tests.factories import PASSWORD
from tests.web.conftest import ADMIN_EMAIL, Live
from tests.web.test_browser import Checker, check, laptop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop"]  # fixtures shared with test_browser


@pytest.fixture
def one_open_program(live_server: Live) -> Iterator[None]:
    """Whatever happens in the journey, the other journeys find one open program after it."""
    yield
    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:
            session.execute(
                update(Program)
                .where(Program.id != DEFAULT_PROGRAM_ID, Program.archived_at.is_(None))
                .values(archived_at=utcnow())
            )
            session.commit()
    finally:
        engine.dispose()


def test_admin_creates_a_program_and_changes_its_settings(
    live_server: Live, check: Checker, laptop: Page, one_open_program: None
) -> None:
    url = live_server.url
    sign_in(laptop, live_server, ADMIN_EMAIL, PASSWORD)
    laptop.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(laptop).to_have_url(f"{url}/admin/programs")
    laptop.get_by_label("Name").fill("Re-entry program")
    laptop.get_by_label("Address").fill("re-entry")
    laptop.click("button:has-text('Create program')")
    expect(laptop.locator("#notice")).to_contain_text("Program created")
    expect(laptop.locator("h1")).to_have_text("Re-entry program")
    check(laptop, "admin-program")

    laptop.click("a:has-text('Settings and their history')")
    expect(laptop.locator("#changes-total")).to_have_text("0 changes.")
    check(laptop, "admin-program-settings")
    laptop.get_by_label("Minimum recovery time (days)").fill("730")
    laptop.get_by_label("Weight: substance").fill("4.5")
    laptop.click("button:has-text('Save settings')")
    expect(laptop.locator("#notice")).to_contain_text("2 changes recorded")
    history = laptop.locator("#changes")
    expect(history.locator("tr", has_text="Minimum recovery time")).to_contain_text("730")
    expect(history.locator("tr", has_text="Weight: substance")).to_contain_text("4.5")
    expect(history).to_contain_text(ADMIN_EMAIL)
    expect(laptop.get_by_label("Minimum recovery time (days)")).to_have_value("730")

    # A mistake is shown next to its field, with a summary, and nothing is saved.
    laptop.get_by_label("Weight: substance").fill("-2")
    laptop.click("button:has-text('Save settings')")
    expect(laptop.locator("#error-summary")).to_be_visible()
    expect(laptop.locator("[id='weights.substance-error']")).to_be_visible()
    check(laptop, "admin-program-settings-error")
    expect(laptop.locator("#changes-total")).to_have_text("2 changes.")

    laptop.click("a:has-text('Back to Re-entry program')")
    laptop.click("button:has-text('Archive program')")
    expect(laptop.locator("#notice")).to_contain_text("Program archived")
    laptop.goto(url + "/admin/programs")
    expect(laptop.locator("#programs tr", has_text="Re-entry program")).to_contain_text("Archived")
    check(laptop, "admin-programs")
