"""Finding a newcomer in headless Chromium, with axe-core on each page: someone completes the
public intake, a coordinator types their name once into the queue's search and sees exactly
them, with their reference, and opens their page; a queue longer than a page shows its true
total and pages through it with the search kept.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.db import make_engine, utcnow
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import Program
from tests.factories import PASSWORD, make_user
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, fill_intake, laptop, phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop", "phone"]  # fixtures shared with test_browser

LONG_QUEUE = 57  # more than a page of 50
PAGER_COORDINATOR = "pager-coordinator@example.org"
TO = "\u2013"  # the en dash between the first and last row shown


def test_a_coordinator_finds_the_person_who_just_applied(
    live_server: Live, check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    phone.goto(url + "/intake")
    fill_intake(phone, "Zofia")
    phone.click("button:has-text('Send my request')")
    expect(phone).to_have_url(f"{url}/welcome")

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    expect(laptop).to_have_url(f"{url}/coordinator")
    laptop.fill("#q", "zof")
    laptop.press("#q", "Enter")
    expect(laptop).to_have_url(re.compile(r"/coordinator\?q=zof&"))
    rows = laptop.locator("#queue tbody tr")
    expect(rows).to_have_count(1)
    reference = rows.locator(".ref").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", reference), reference
    expect(laptop.locator("#queue-total")).to_contain_text("1 waiting newcomer found")
    expect(laptop.locator("#q")).to_have_value("zof")  # the search stays in the form
    check(laptop, "coordinator-queue-search")
    rows.locator("a", has_text="Zofia").click()
    expect(laptop.locator("h1")).to_contain_text("Zofia")
    expect(laptop.locator("h1")).to_contain_text(reference)

    # The same person by the last digits of their phone, typed with spaces.
    laptop.goto(url + "/coordinator")
    laptop.fill("#q", "555 2030")
    laptop.select_option("#status", "")
    laptop.click("#queue-search button:has-text('Search')")
    expect(laptop.locator("#queue a", has_text="Zofia")).to_be_visible()
    laptop.click("button:has-text('Sign out')")


def _long_queue(live: Live) -> None:
    """An archived program (so the front door stays as other tests expect) with more
    waiting newcomers than a page holds, and its own coordinator."""
    engine = make_engine(live.settings.database_url)
    try:
        with Session(engine) as session:
            if session.scalar(select(Program).where(Program.slug == "long-queue")):
                return
            program = Program(slug="long-queue", name="Long queue", archived_at=utcnow())
            session.add(program)
            session.flush()
            make_user(session, Role.coordinator, email=PAGER_COORDINATOR, programs=(program.id,))
            now = utcnow()
            session.add_all(
                Newcomer(
                    program_id=program.id,
                    first_name=f"Pat{i:02d}",
                    languages=["en"],
                    substances=["alcohol"],
                    meeting_modes=["video"],
                    waiting_since=now - timedelta(days=LONG_QUEUE - i),
                    status_token_hash=f"{i:064d}",
                )
                for i in range(LONG_QUEUE)
            )
            session.commit()
    finally:
        engine.dispose()


def test_a_long_queue_shows_its_true_total_and_pages(
    live_server: Live, check: Checker, laptop: Page
) -> None:
    _long_queue(live_server)
    url = live_server.url
    sign_in(laptop, live_server, PAGER_COORDINATOR, PASSWORD)
    expect(laptop).to_have_url(f"{url}/coordinator")
    total = laptop.locator("#queue-total")
    expect(total).to_contain_text(
        f"{LONG_QUEUE} waiting newcomers; showing 1{TO}50 of {LONG_QUEUE}"
    )
    expect(laptop.locator("#queue tbody tr")).to_have_count(50)
    expect(laptop.locator("#queue tbody tr").first).to_contain_text("Pat00")  # waited longest
    check(laptop, "coordinator-queue-paged")
    laptop.click("a[rel=next]")
    expect(total).to_contain_text(f"showing 51{TO}{LONG_QUEUE} of {LONG_QUEUE}")
    expect(laptop.locator("#queue tbody tr")).to_have_count(LONG_QUEUE - 50)
    laptop.click("a[rel=prev]")
    expect(laptop.locator("#queue tbody tr").first).to_contain_text("Pat00")

    # A search narrows the total, and its pages keep it.
    laptop.fill("#q", "pat0")
    laptop.select_option("#sort", "name")
    laptop.click("#queue-search button:has-text('Search')")
    expect(total).to_contain_text("10 waiting newcomers found")
    expect(laptop.locator("nav.pager")).to_have_count(0)
    laptop.fill("#q", "pat")
    laptop.fill("#waited_days", "3")
    laptop.click("#queue-search button:has-text('Search')")
    waited = LONG_QUEUE - 2  # Pat00 … Pat54 have waited 3 days or more
    expect(total).to_contain_text(f"{waited} waiting newcomers found; showing 1{TO}50 of {waited}")
    laptop.click("a[rel=next]")
    expect(laptop).to_have_url(re.compile(r"q=pat&.*waited_days=3&sort=name&page=2"))
    expect(laptop.locator("#queue tbody tr")).to_have_count(waited - 50)
    expect(laptop.locator("#q")).to_have_value("pat")
    laptop.click("button:has-text('Sign out')")
