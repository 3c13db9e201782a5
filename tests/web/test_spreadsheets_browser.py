"""Issue 18's "done when", in headless Chromium: a coordinator imports a messy spreadsheet of
mentors, sees the row errors, fixes the file and imports it; then exports the pairings and
gets a valid .xlsx workbook. axe finds nothing serious on any of the pages.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.db import make_engine
from mentormatch.mentors.models import Mentor
from mentormatch.pairings.models import Pairing
from mentormatch.programs.models import ProgramCoordinator
from tests.factories import PASSWORD
from tests.spreadsheets.sheets import MESSY_HEADER, MESSY_ROWS, fixed_rows, to_csv
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop"]  # fixtures shared with test_browser

IDS = ("M-001", "M-002", "M-003", "M-004")
SOBER = [h if h != "Sobriety Date" else "Date they got sober" for h in MESSY_HEADER]


def _browser_rows(rows: list[list[str]]) -> list[list[str]]:
    """The rows with this journey's own emails (the live server already has an Alex)."""
    return [[c.replace("@example.org", "@journey.example.org") for c in row] for row in rows]


@pytest.fixture
def tidy(live_server: Live) -> Iterator[None]:
    """The imported mentors leave the pool afterwards: other journeys see the seeded three."""
    yield
    engine = make_engine(live_server.settings.database_url)
    try:
        with Session(engine) as session:
            imported = Mentor.external_id.in_(IDS) | Mentor.external_id.like("S%-M-%")
            session.execute(update(Mentor).where(imported).values(active=False))
            session.commit()
    finally:
        engine.dispose()


def _count(live: Live, model: type) -> int:
    engine = make_engine(live.settings.database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def _pairings_seen_by(live: Live, email: str) -> int:
    """How many pairings the programs this coordinator runs hold (other tests sharing the
    live server may have paired people in programs of their own)."""
    engine = make_engine(live.settings.database_url)
    try:
        with Session(engine) as session:
            mine = (
                select(ProgramCoordinator.program_id)
                .join(User, User.id == ProgramCoordinator.user_id)
                .where(User.email == email)
            )
            query = select(func.count()).where(Pairing.program_id.in_(mine))
            return session.scalar(query) or 0
    finally:
        engine.dispose()


def test_coordinator_imports_a_messy_file_fixes_it_and_exports_pairings(
    live_server: Live, check: Checker, laptop: Page, tmp_path: Path, tidy: None
) -> None:
    url = live_server.url
    messy = tmp_path / "mentors.csv"
    messy.write_bytes(to_csv(MESSY_HEADER, _browser_rows([list(r) for r in MESSY_ROWS])))
    fixed = tmp_path / "mentors-fixed.csv"
    fixed.write_bytes(to_csv(MESSY_HEADER, _browser_rows(fixed_rows())))
    mentors_before = _count(live_server, Mentor)

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.click("nav >> text=Spreadsheets")
    expect(laptop.locator("h1")).to_have_text("Spreadsheets")
    check(laptop, "coordinator-spreadsheets")
    laptop.check("input[name=kind][value=mentors]")
    laptop.set_input_files("#file", str(messy))
    laptop.click("button:has-text('Check the file')")

    problems = laptop.locator("#problems")
    expect(problems).to_contain_text("3 problems: nothing can be imported")
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Substance history")
    expect(rows.nth(0)).to_contain_text("'glue sniffing' is not a substance on the list")
    expect(rows.nth(1)).to_contain_text("'last spring' is not a date")
    expect(rows.nth(2)).to_contain_text("The same email as row 2")
    expect(laptop.locator("#import")).to_have_count(0)
    check(laptop, "coordinator-import-problems")
    assert _count(live_server, Mentor) == mentors_before  # a check writes nothing

    laptop.set_input_files("#reupload #file", str(fixed))
    laptop.click("button:has-text('Check the corrected file')")
    expect(laptop.locator("#ready")).to_contain_text("3 new mentors")
    check(laptop, "coordinator-import-ready")
    laptop.click("#import")
    expect(laptop.locator("#done")).to_contain_text("3 mentors added")
    check(laptop, "coordinator-import-done")
    assert _count(live_server, Mentor) == mentors_before + 3

    laptop.goto(f"{url}/coordinator/spreadsheets")
    with laptop.expect_download() as download:
        laptop.click("#export-pairings-xlsx")
    path = download.value.path()
    assert download.value.suggested_filename == "pairings-all.xlsx"
    book = load_workbook(io.BytesIO(Path(path).read_bytes()))
    assert book.sheetnames == ["Pairings", "History", "Notice"]
    sheet = book["Pairings"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["Reference", "Program", "Status"]
    assert sheet.max_row - 1 == _pairings_seen_by(live_server, live_server.coordinator_email)


def _month(rows: list[list[str]], month: str) -> list[list[str]]:
    """This month's file: its own people (ids and emails), in the journey's own domain."""
    return [[f"S{month}-{r[0]}", r[1].replace("@", f"+{month}@"), *r[2:]]
            for r in _browser_rows(rows) if any(c.strip() for c in r)]  # fmt: skip


def test_coordinator_chooses_a_column_once_and_next_months_file_is_read_the_same_way(
    live_server: Live, check: Checker, laptop: Page, tmp_path: Path, tidy: None
) -> None:
    first = tmp_path / "december.csv"
    first.write_bytes(to_csv(SOBER, _month(fixed_rows(), "12")))
    second = tmp_path / "january.csv"
    second.write_bytes(to_csv(SOBER, _month(fixed_rows(), "01")))
    mentors_before = _count(live_server, Mentor)

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    laptop.click("nav >> text=Spreadsheets")
    laptop.check("input[name=kind][value=mentors]")
    laptop.set_input_files("#file", str(first))
    laptop.click("button:has-text('Check the file')")
    expect(laptop.locator("#problems")).to_contain_text("No column holds the recovery start date")
    laptop.get_by_label("Date they got sober").select_option(label="Recovery start date")
    laptop.click("button:has-text('Check again with these columns')")
    expect(laptop.locator("#ready")).to_contain_text("3 new mentors")
    laptop.click("#import")
    # The import's own page: under way (it reloads itself), then what it did.
    expect(laptop.locator("#done")).to_contain_text("3 mentors added", timeout=20_000)
    assert _count(live_server, Mentor) == mentors_before + 3

    laptop.goto(f"{live_server.url}/coordinator/spreadsheets")
    laptop.check("input[name=kind][value=mentors]")
    laptop.set_input_files("#file", str(second))
    laptop.click("button:has-text('Check the file')")
    expect(laptop.locator("#saved-columns")).to_contain_text(
        "read as chosen for Main program's last mentors file with these headers"
    )
    expect(laptop.locator("#ready")).to_contain_text("3 new mentors")
    expect(laptop.get_by_label("Date they got sober")).to_have_value("recovery_start")
    check(laptop, "coordinator-import-saved-columns")
    laptop.click("#import")
    expect(laptop.locator("#done")).to_contain_text("3 mentors added", timeout=20_000)
    assert _count(live_server, Mentor) == mentors_before + 6

    # The saved choice on its own page, and forgotten there.
    laptop.goto(f"{live_server.url}/coordinator/spreadsheets")
    laptop.click("#saved-columns-link a")
    listed = laptop.locator("#saved-columns-list tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("“date they got sober” read as Recovery start date")
    check(laptop, "coordinator-import-columns")
    listed.get_by_role("button", name="Forget").click()
    expect(laptop.locator("#forgotten")).to_have_text("The choice is forgotten.")
    expect(laptop.locator("#saved-total")).to_have_text("0 saved choices.")
