"""Issue 17's learned weights, in headless Chromium: a coordinator approves a suggestion;
the admin sees how many decisions about fit there are, lowers the number needed, has
weights learned, sees them beside the weights in force with the held-out comparison, and
adopts them: the settings' history records the change under the admin's name.

Earlier decisions of the program are arranged in the database: a coordinator who always
approves the mentor closest in age (tests/api/test_learned_weights.py `arrange`).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from mentormatch.db import make_engine, utcnow
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import Program
from tests.api.test_learned_weights import arrange
from tests.factories import PASSWORD, intake_body
from tests.reliability.people import insert_mentor
from tests.web.conftest import ADMIN_EMAIL, Live
from tests.web.test_browser import LAPTOP, Checker, check, new_context, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check"]  # fixture shared with test_browser

SLUG = "learning-circle"


@pytest.fixture
def pages(browser: Browser) -> Iterator[tuple[Page, Page]]:
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
            ids = select(Program.id).where(Program.slug == SLUG)
            session.execute(delete(Newcomer).where(Newcomer.program_id.in_(ids)))
            session.execute(
                update(Program).where(Program.slug == SLUG).values(archived_at=utcnow())
            )
            session.commit()
    finally:
        engine.dispose()


def _people(live: Live) -> tuple[int, int]:
    """Four mentors and two newcomers in the program, 30 earlier decisions on the first's
    lists; (program id, the second newcomer's id)."""
    engine = make_engine(live.settings.database_url)
    try:
        with Session(engine) as session:
            program = session.scalars(select(Program).where(Program.slug == SLUG)).one()
            mentors = [
                insert_mentor(session, program.id, first_name=name,
                              email=f"{name.lower()}-{SLUG}@example.org").id
                for name in ("Rowan", "Sage", "Wren", "Ash")
            ]  # fmt: skip
            session.commit()
            ids = []
            for name in ("Earlier", "Nia"):
                body = intake_body(first_name=name, program=SLUG)
                created = httpx.post(f"{live.url}/api/v1/newcomers", json=body)
                assert created.status_code == 201, created.text
                reference = created.json()["reference"]
                ids.append(
                    session.scalars(
                        select(Newcomer.id).where(Newcomer.reference == reference)
                    ).one()
                )
            arrange(session, ids[0], mentors, 30, seed=5, program_id=program.id)
            return program.id, ids[1]
    finally:
        engine.dispose()


def test_an_admin_adopts_weights_learned_from_decisions(
    live_server: Live, pages: tuple[Page, Page], check: Checker, tidy: None
) -> None:
    admin, coordinator = pages
    url = live_server.url
    sign_in(admin, live_server, ADMIN_EMAIL, PASSWORD)
    admin.goto(f"{url}/admin/programs")
    admin.get_by_label("Name").fill("Learning circle")
    admin.get_by_label("Address").fill(SLUG)
    admin.click("button:has-text('Create program')")
    expect(admin.locator("#notice")).to_contain_text("Program created")
    admin.select_option("#user_id", label=live_server.coordinator_email)
    admin.click("button:has-text('Add coordinator')")
    program_id, nia = _people(live_server)

    sign_in(coordinator, live_server, live_server.coordinator_email, PASSWORD)
    coordinator.goto(f"{url}/coordinator/newcomers/{nia}")
    coordinator.locator("li.suggestion button.primary").first.click()
    expect(coordinator.locator("body")).to_contain_text("asked")

    admin.goto(f"{url}/admin/programs/{program_id}")
    admin.click("a:has-text('Weights learned from decisions')")
    expect(admin.locator("#decision-count")).to_contain_text("31 decisions about fit")
    expect(admin.locator("#decision-count")).to_contain_text("200 are needed")
    expect(admin.locator("#propose-form button")).to_be_disabled()

    admin.click("a:has-text('Back to the settings')")
    admin.get_by_label("Decisions needed before weights are learned").fill("20")
    admin.click("button:has-text('Save settings')")
    expect(admin.locator("#notice")).to_contain_text("1 change recorded")
    admin.goto(f"{url}/admin/programs/{program_id}/learned-weights")
    admin.click("button:has-text('Learn weights from the decisions')")
    expect(admin.locator("#notice")).to_contain_text("Nothing changes until you adopt them")
    expect(admin.locator("#proposal-labels")).to_contain_text("approvals among the shown")
    age = admin.locator("#weight-age td")
    assert age.nth(0).inner_text() == "0.50"  # the default in force
    proposed_age = float(age.nth(1).inner_text().split(" ± ")[0])
    assert proposed_age > 0.5
    check(admin, "admin-learned-weights")

    admin.click("button:has-text('Adopt the proposed weights')")
    expect(admin.locator("#notice")).to_contain_text("Adopted")
    expect(admin.locator("#adopt-form")).to_have_count(0)
    admin.click("a:has-text('Back to the settings')")
    history = admin.locator("#changes")
    expect(history).to_contain_text("Weight: age")
    expect(history).to_contain_text(ADMIN_EMAIL)
