"""A mentor declines in headless Chromium: no reason is chosen for them, and a second page
asks them to confirm (no JavaScript needed); the dashboard's chart names never overlap, even
with sixteen long names. axe-core on each page."""

from __future__ import annotations

from itertools import combinations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.db import make_engine
from mentormatch.mentors.models import Mentor
from mentormatch.web import charts
from mentormatch.web.core import STATIC_DIR
from tests.factories import PASSWORD, intake_body
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop"]  # fixtures shared with test_browser

BOXES = """id => [...document.querySelectorAll('#' + id + ' text.xlabel')].map(t => {
  const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_chart_names_never_overlap(laptop: Page) -> None:
    names = [f"Alexandria-{i}" for i in range(16)]
    load = charts.load_vs_capacity(
        "load", "Load", names, [i % 4 for i in range(16)], [3] * 16, empty="none"
    )
    weeks = [f"{d:02d} Nov" for d in range(1, 9)]
    week = charts.stacked("weeks", "Weeks", weeks, {"active": list(range(8))},
                          names={"active": "Active"}, empty="none")  # fmt: skip
    waits = charts.bars("wait", "Wait", ["<1 day", "1-3 d", "3-7 d"], [1, 2, 3], empty="none")
    css = (STATIC_DIR / "app.css").read_text()
    laptop.set_content(
        f"<style>{css}</style><div class='charts'>"
        + "".join(f"<figure class='chart'>{c}</figure>" for c in (load, week, waits))
        + "</div>"
    )
    for chart_id, count in (("load", 16), ("weeks", 8), ("wait", 3)):
        boxes = laptop.evaluate(BOXES, chart_id)
        assert len(boxes) == count
        clashes = [(a, b) for a, b in combinations(boxes, 2) if _overlap(a, b)]
        assert not clashes, (chart_id, clashes[:3])


def test_decline_asks_for_a_reason_and_to_confirm(
    live_server: Live, check: Checker, laptop: Page
) -> None:
    url = live_server.url
    api = laptop.request
    token = api.post(
        f"{url}/api/v1/auth/token",
        form={"username": live_server.coordinator_email, "password": PASSWORD},
    ).json()["access_token"]
    staff = {"Authorization": f"Bearer {token}"}
    created = api.post(f"{url}/api/v1/newcomers", data=intake_body(first_name="Dana")).json()
    found = api.get(
        f"{url}/api/v1/newcomers", params={"reference": created["reference"]}, headers=staff
    ).json()
    with Session(make_engine(live_server.settings.database_url)) as db:
        alex = db.scalar(select(Mentor.id).where(Mentor.first_name == "Alex"))
    # The server is shared by the session's browser tests, which may have filled Alex's
    # places: a coordinator gives him one more, so this request always has room.
    now = api.get(f"{url}/api/v1/mentors/{alex}", headers=staff).json()
    room = {"version": now["version"], "capacity": now["load"] + 1}
    grown = api.patch(f"{url}/api/v1/mentors/{alex}", data=room, headers=staff)
    assert grown.status == 200, grown.text()
    asked = api.post(
        f"{url}/api/v1/pairings",
        data={"newcomer_id": found["items"][0]["id"], "mentor_id": alex},
        headers=staff,
    )
    assert asked.status == 201, asked.text()

    sign_in(laptop, live_server, live_server.mentor_email, live_server.mentor_password)
    card = laptop.locator("section.card", has_text="Dana")
    expect(laptop.locator("#load")).to_contain_text("Your mentees:")
    expect(laptop.locator("#load")).to_contain_text("Eastern (New York)")
    card.locator("summary:has-text('Decline')").click()
    reason = card.locator("select[name=reason]")
    expect(reason).to_have_value("")  # nothing chosen for them
    reason.select_option(label="Our times do not fit")
    card.locator("textarea[name=note]").fill("Only free at night")
    card.locator("button:has-text('Decline…')").click()
    expect(laptop.locator("h1")).to_have_text("Decline the request from Dana?")
    expect(laptop.locator("#decline-reason")).to_have_text("Our times do not fit")
    check(laptop, "mentor-decline-confirm")
    laptop.click("button:has-text('Yes, decline')")
    expect(laptop.locator(".notice")).to_contain_text("request declined")
    expect(laptop.locator("body")).to_contain_text("Dana: declined by the mentor")
