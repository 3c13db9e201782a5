"""Issue 16's "done when", in headless Chromium: an admin creates a program and changes its
minimum recovery time and a weight in the browser; the next suggestions of that program —
and only that program — follow.

Two programs hold the same two mentors (Rowan, about 500 days in recovery; Sage, about
1,500) and the same newcomer. The coordinator of both sees both mentors suggested for each
newcomer; after the admin requires 730 days and raises the substance weight in the new
program, its newcomer is suggested Sage alone, with another score, while the other
program's newcomer still gets both mentors at the same scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from mentormatch.db import make_engine, utcnow
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import Program
from tests.factories import PASSWORD, intake_body
from tests.reliability.people import insert_mentor
from tests.web.conftest import ADMIN_EMAIL, Live
from tests.web.test_browser import LAPTOP, Checker, check, new_context, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check"]  # fixture shared with test_browser

SLUGS = ("re-entry-pilot", "control-circle")


@pytest.fixture
def pages(browser: Browser) -> Iterator[tuple[Page, Page]]:
    """The admin's and the coordinator's browsers, side by side."""
    admin, coordinator = new_context(browser, LAPTOP), new_context(browser, LAPTOP)
    yield admin.new_page(), coordinator.new_page()
    admin.close()
    coordinator.close()


@pytest.fixture
def tidy(live_server: Live) -> Iterator[None]:
    """The shared server gets back one open program and none of this journey's newcomers."""
    yield
    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:
            ids = select(Program.id).where(Program.slug.in_(SLUGS))
            session.execute(delete(Newcomer).where(Newcomer.program_id.in_(ids)))
            session.execute(
                update(Program).where(Program.slug.in_(SLUGS)).values(archived_at=utcnow())
            )
            session.commit()
    finally:
        engine.dispose()


def _people(live: Live, slug: str) -> int:
    """Rowan and Sage in the program, and a newcomer asking it; the newcomer's id."""
    engine = make_engine(live.settings.database_url)
    try:
        with Session(engine) as session:
            program = session.scalars(select(Program).where(Program.slug == slug)).one()
            today = date.today()
            for name, days in (("Rowan", 500), ("Sage", 1500)):
                start = (today - timedelta(days=days)).isoformat()
                email = f"{name.lower()}-{slug}@example.org"
                insert_mentor(session, program.id, first_name=name, email=email,
                              recovery_start=start)  # fmt: skip
            session.commit()
            body = intake_body(first_name=f"Newcomer of {slug}", program=slug)
            created = httpx.post(f"{live.url}/api/v1/newcomers", json=body)
            assert created.status_code == 201, created.text
            reference = created.json()["reference"]
            return session.scalars(select(Newcomer.id).where(Newcomer.reference == reference)).one()
    finally:
        engine.dispose()


def _suggested(page: Page, live: Live, newcomer_id: int) -> dict[str, str]:
    """Each suggested mentor's name and score, as the coordinator's page shows them."""
    page.goto(f"{live.url}/coordinator/newcomers/{newcomer_id}")
    cards = page.locator("li.suggestion")
    found = {}
    for i in range(cards.count()):
        heading = cards.nth(i).locator("h3").inner_text()
        name = re.sub(r"^\d+\.\s*", "", heading).split()[0]
        found[name] = cards.nth(i).locator(".score").inner_text()
    return found


def _add_coordinator(page: Page, live: Live) -> None:
    page.select_option("#user_id", label=live.coordinator_email)
    page.click("button:has-text('Add coordinator')")
    expect(page.locator("#coordinators")).to_contain_text(live.coordinator_email)


def test_a_programs_settings_steer_its_next_suggestions_only(
    live_server: Live, pages: tuple[Page, Page], check: Checker, tidy: None
) -> None:
    admin, coordinator = pages
    url = live_server.url
    sign_in(admin, live_server, ADMIN_EMAIL, PASSWORD)
    for name, slug in (("Re-entry pilot", SLUGS[0]), ("Control circle", SLUGS[1])):
        admin.goto(f"{url}/admin/programs")
        admin.get_by_label("Name").fill(name)
        admin.get_by_label("Address").fill(slug)
        admin.click("button:has-text('Create program')")
        expect(admin.locator("#notice")).to_contain_text("Program created")
        _add_coordinator(admin, live_server)
    pilot, control = _people(live_server, SLUGS[0]), _people(live_server, SLUGS[1])

    sign_in(coordinator, live_server, live_server.coordinator_email, PASSWORD)
    before = {n: _suggested(coordinator, live_server, n) for n in (pilot, control)}
    assert set(before[pilot]) == set(before[control]) == {"Rowan", "Sage"}, before

    admin.goto(f"{url}/admin/programs")
    admin.get_by_role("link", name="Re-entry pilot").click()
    admin.click("a:has-text('Settings and their history')")
    admin.get_by_label("Minimum recovery time (days)").fill("730")
    admin.get_by_label("Weight: substance").fill("6")
    admin.click("button:has-text('Save settings')")
    expect(admin.locator("#notice")).to_contain_text("2 changes recorded")

    after = {n: _suggested(coordinator, live_server, n) for n in (pilot, control)}
    assert set(after[pilot]) == {"Sage"}, after  # Rowan has 500 days, fewer than 730
    assert after[pilot]["Sage"] != before[pilot]["Sage"]  # the weight moved the score
    assert after[control] == before[control]  # the other program: untouched
    check(coordinator, "coordinator-newcomer-after-settings")
