"""A second program's intake in headless Chromium, with axe-core on each page: the front door
lists the programs, a newcomer opens Puente's own address, sees its crisis resources, asks
for a mentor and lands on pages naming Puente.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.db import make_engine, utcnow
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import Program
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, fill_intake, phone

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "phone"]  # fixtures shared with test_browser

PUENTE_SETTINGS = {
    "intake_languages": ["es", "en"],
    "same_gender_default": True,
    "crisis_notice": "Si estás en peligro ahora mismo, llama al 988 y oprime 2, o llama al 911.",
    "crisis_resources": [
        {
            "name": "Línea Nacional de Ayuda de SAMHSA",
            "contact": "1-800-662-4357, en español",
            "region": "US",
            "links": [{"label": "Llamar al 1-800-662-4357", "href": "tel:18006624357"}],
        }
    ],
}


@pytest.fixture
def puente(live_server: Live) -> Iterator[int]:
    """A second open program on the shared server, archived afterwards (the other journeys
    expect an installation of one program)."""
    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:
            program = Program(slug="puente", name="Puente", settings=PUENTE_SETTINGS)
            session.add(program)
            session.commit()
            program_id = program.id
        yield program_id
        with Session(engine) as session:
            session.get_one(Program, program_id).archived_at = utcnow()
            session.commit()
    finally:
        engine.dispose()


def test_a_newcomer_asks_a_program_at_its_own_address(
    live_server: Live, puente: int, check: Checker, phone: Page
) -> None:
    url = live_server.url
    phone.goto(url + "/")
    expect(phone.locator("#crisis")).to_be_visible()
    expect(phone.locator("a[href='/p/puente/']")).to_have_text("Puente")
    check(phone, "programs-phone")
    phone.click("a[href='/p/puente/']")
    expect(phone).to_have_url(f"{url}/p/puente/")
    expect(phone.locator("#program-name")).to_have_text("Puente")
    expect(phone.locator("input[name=languages]")).to_have_count(2)
    expect(phone.locator("#same_gender")).to_be_checked()  # the program's default

    phone.check("#in_crisis-yes")  # the program's own crisis resources, at once
    crisis = phone.locator("#crisis")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("Línea Nacional de Ayuda de SAMHSA")
    expect(crisis.locator("a[href='tel:988']")).to_have_count(0)
    check(phone, "program-intake-crisis-phone")

    fill_intake(phone, "Marisol")
    phone.click("button:has-text('Send my request')")
    expect(phone).to_have_url(f"{url}/welcome")
    expect(phone.locator("#program-name")).to_contain_text("Puente")
    phone.click("text=See my status")
    expect(phone).to_have_url(f"{url}/status")
    expect(phone.locator("#program-name")).to_contain_text("Puente")
    expect(phone.locator("footer")).to_contain_text("Línea Nacional de Ayuda de SAMHSA")
    check(phone, "program-status-phone")

    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:
            marisol = session.scalars(
                select(Newcomer).where(Newcomer.first_name == "Marisol")
            ).one()
    finally:
        engine.dispose()
    assert marisol.program_id == puente
    assert marisol.languages == ["es"] and marisol.gender_pref == ["man"]
