"""The coordinator's mentor journey in headless Chromium, with axe-core on each page: find
mentors with a free place who speak Spanish, open one, see their load "2 of 3", pause them
(after confirming), and see that each of their mentees now needs a new mentor.

The journey's people live in a program of their own (archived once seeded, so the front
door the other browser tests use still has one open program), with its own coordinator.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.db import make_engine, utcnow
from mentormatch.newcomers import service as newcomers
from mentormatch.newcomers.models import NewcomerStatus
from mentormatch.newcomers.schemas import NewcomerIntake
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import Program
from tests.factories import PASSWORD, intake_body, make_user
from tests.reliability.people import insert_mentor
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop"]  # fixtures shared with test_browser

COORDINATOR = "mentor-journey@example.org"


def _seed(live: Live) -> None:
    """Morgan (Spanish, 2 of 3 taken), Parker (Spanish, full), Sasha (English, free), and
    Morgan's mentees Nia and Omar, in the program "Mentor journey"."""
    engine = make_engine(live.settings.database_url)
    try:
        with Session(engine) as db:
            program = Program(slug="mentor-journey", name="Mentor journey")
            db.add(program)
            db.flush()
            make_user(db, Role.coordinator, email=COORDINATOR, programs=(program.id,))
            morgan = insert_mentor(
                db, program.id, first_name="Morgan", languages=["es", "en"], capacity=3
            )
            parker = insert_mentor(
                db, program.id, first_name="Parker", languages=["es"], capacity=1
            )
            insert_mentor(db, program.id, first_name="Sasha", languages=["en"], capacity=2)
            db.commit()
            for name, mentor in (("Nia", morgan), ("Omar", morgan), ("Pat", parker)):
                body = NewcomerIntake.model_validate(
                    intake_body(first_name=name, program="mentor-journey")
                )
                newcomer, _ = newcomers.intake(db, body=body, settings=live.settings)
                newcomer.status = NewcomerStatus.paired
                db.add(
                    Pairing(
                        program_id=program.id,
                        newcomer_id=newcomer.id,
                        mentor_id=mentor.id,
                        status=PairingStatus.active,
                    )
                )
                db.commit()
            program.archived_at = utcnow()  # the front door stays a one-program door
            db.commit()
    finally:
        engine.dispose()


def test_find_a_mentor_and_pause_them(live_server: Live, check: Checker, laptop: Page) -> None:
    _seed(live_server)
    sign_in(laptop, live_server, COORDINATOR, PASSWORD)
    laptop.click("nav >> text=Mentors")
    expect(laptop.locator("#mentors-total")).to_have_text("3 mentors.")

    laptop.check("#free")
    laptop.select_option("#language", "es")
    laptop.click("button:has-text('Find')")
    expect(laptop).to_have_url(re.compile(r"free=true.*language=es|language=es.*free=true"))
    expect(laptop.locator("#mentors-total")).to_have_text("1 mentor found.")
    row = laptop.locator("#mentors tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".load")).to_contain_text("2 of 3")
    check(laptop, "coordinator-mentors-found")

    row.locator("a", has_text="Morgan").click()
    expect(laptop.locator("h1")).to_contain_text("Morgan")
    expect(laptop.locator("#load")).to_contain_text("2 of 3")
    expect(laptop.locator("#current a", has_text="Nia")).to_be_visible()
    check(laptop, "coordinator-mentor")

    laptop.click("#actions button:has-text('Pause')")
    confirm = laptop.locator("#confirm")
    expect(confirm).to_contain_text("Pause Morgan?")
    expect(confirm).to_contain_text("2 active pairings will end")
    expect(confirm.locator("#confirm-newcomers li")).to_have_count(2)
    check(laptop, "coordinator-mentor-pause")
    laptop.click("#confirm-button")

    notice = laptop.locator("#notice")
    expect(notice).to_have_text("Saved: this mentor is paused. 2 newcomers need a new mentor.")
    expect(laptop.locator("#state")).to_have_text("Paused")
    expect(laptop.locator("#load")).to_contain_text("0 of 3")
    nia = laptop.locator("#past li", has_text="Nia")
    expect(nia.locator(".needs-mentor")).to_have_text("Needs a new mentor")
    expect(laptop.locator("#past .needs-mentor")).to_have_count(2)
    check(laptop, "coordinator-mentor-paused")

    nia.locator("a", has_text="Nia").click()
    expect(laptop.locator("#needs-new-mentor")).to_have_text("Needs a new mentor")

    laptop.go_back()
    laptop.click("#edit-link")
    laptop.fill("#capacity", "11")
    laptop.click("button:has-text('Save')")
    expect(laptop.locator("#error-summary")).to_contain_text("0 to 10")
    expect(laptop.locator("#capacity")).to_have_attribute("aria-invalid", "true")
    check(laptop, "coordinator-mentor-edit-error")
