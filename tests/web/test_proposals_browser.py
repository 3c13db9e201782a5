"""The whole-pool proposal journey in headless Chromium, with axe-core on each page: a
coordinator runs a proposal, reads each proposed pair's reasons and who was left out and
why, ticks two proposals, one of which stops holding before the click (a do-not-pair entry
is added meanwhile), approves: the valid one is approved, and the page says in words which
was withdrawn and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mentormatch.db import make_engine
from mentormatch.newcomers.models import DoNotPair, Newcomer
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.factories import PASSWORD, intake_body
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop", "phone"]  # fixtures shared with test_browser
MAIN = "main"  # the default program's address (DEFAULT_PROGRAM_ID)


@pytest.fixture
def engine(live_server: Live) -> Iterator[Engine]:
    engine = make_engine(live_server.settings.database_url)
    yield engine
    engine.dispose()


def ask(live: Live, engine: Engine, days: int, **answers: object) -> tuple[int, str]:
    """An intake to the main program through the API, moved back `days` in time: (id,
    reference)."""
    body = intake_body(program=MAIN, **answers)
    created = httpx.post(f"{live.url}/api/v1/newcomers", json=body)
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    with Session(engine) as session:
        newcomer = session.scalars(select(Newcomer).where(Newcomer.reference == reference)).one()
        newcomer.waiting_since = datetime.now(UTC) - timedelta(days=days, minutes=5)
        session.commit()
        return newcomer.id, reference


def test_run_read_reasons_and_approve_with_one_withdrawn(
    live_server: Live, check: Checker, laptop: Page, engine: Engine
) -> None:
    url = live_server.url
    ines, ines_ref = ask(live_server, engine, 30, first_name="Ines", languages=["es"])
    pablo, pablo_ref = ask(live_server, engine, 20, first_name="Pablo", languages=["es"])
    _, olga_ref = ask(live_server, engine, 78, first_name="Olga", languages=["ru"])

    sign_in(laptop, live_server, live_server.coordinator_email, PASSWORD)
    # The main program's page by name: other journeys on the shared server may have given
    # the coordinator a program that comes first.
    laptop.goto(f"{url}/coordinator/proposals?program={DEFAULT_PROGRAM_ID}")
    check(laptop, "coordinator-proposals-before")
    laptop.click("button:has-text('Propose pairings for the waiting pool')")
    summary = laptop.locator("#run-summary")
    expect(summary).to_contain_text("Proposed")
    expect(summary).to_contain_text(
        f"the longest waiting: Olga ({olga_ref}) has waited 78 days with no proposal: "
        "no free mentor shares their language."
    )
    left = laptop.locator("#left-out + p + ul li", has_text=olga_ref)
    expect(left).to_contain_text("waited 78 days; no free mentor shares their language.")

    rows = {}
    for newcomer_id, name, ref in ((ines, "Ines", ines_ref), (pablo, "Pablo", pablo_ref)):
        row = laptop.locator("tr", has_text=f"{name} {ref}")  # the person macro's name and mark
        expect(row).to_have_count(1)
        expect(row.locator("ul.reasons li").first).to_be_visible()
        expect(row).to_contain_text("both speak Spanish")
        rows[newcomer_id] = row
    # longest waiting first, as the page says
    order = laptop.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert order.index(f"Ines {ines_ref}") < order.index(f"Pablo {pablo_ref}")
    check(laptop, "coordinator-proposals-run")

    for row in rows.values():
        row.locator("input[name=pairing_id]").check()
    with Session(engine) as session:  # meanwhile, Ines and her mentor must not be paired
        proposal = session.scalars(
            select(Pairing).where(
                Pairing.newcomer_id == ines, Pairing.status == PairingStatus.proposed
            )
        ).one()
        session.add(DoNotPair(newcomer_id=ines, mentor_id=proposal.mentor_id, reason="household"))
        session.commit()
    laptop.click("button:has-text('Approve selected')")

    expect(laptop.locator("p.notice[role=status]")).to_contain_text("Approved 1")
    withdrawn = laptop.locator("#withdrawn-now")
    expect(withdrawn).to_contain_text("Withdrawn instead: 1 no longer held")
    words = rf"Ines \({ines_ref}\) with \w+: Ines \({ines_ref}\) and \w+ are now on the do-not"
    expect(withdrawn).to_contain_text(re.compile(words + "-pair list."))
    later = laptop.locator("#withdrawn + table tr", has_text=f"Ines ({ines_ref})")
    expect(later).to_contain_text("are now on the do-not-pair list.")
    check(laptop, "coordinator-proposals-withdrawn")
    with Session(engine) as session:
        statuses = dict(
            session.execute(
                select(Pairing.newcomer_id, Pairing.status).where(
                    Pairing.newcomer_id.in_((ines, pablo))
                )
            ).all()
        )
    assert statuses == {ines: PairingStatus.withdrawn, pablo: PairingStatus.approved}
