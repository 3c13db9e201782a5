"""Recovery milestones on the newcomer's status page and the mentor's own page, counted on
each person's own day (aftercare/milestones.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.aftercare.milestones import add_months, schedule, standing
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in


def test_the_schedule_counts_days_then_calendar_months_then_every_year() -> None:
    start = date(2026, 8, 31)
    first = [m for _, m in zip(range(11), schedule(start), strict=False)]
    assert [m.words for m in first] == [
        "24 hours", "30 days", "60 days", "90 days", "6 months", "9 months",
        "1 year", "18 months", "2 years", "3 years", "4 years",
    ]  # fmt: skip
    assert first[0].on == date(2026, 9, 1) and first[3].on == date(2026, 11, 29)
    assert first[4].on == date(2027, 2, 28)  # 31 August + 6 months: February's last day
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert first[10].on == date(2030, 8, 31)


def test_standing_on_the_first_day_before_and_on_a_milestone() -> None:
    start = date(2026, 12, 1)
    assert standing(start, date(2026, 11, 30)) is None  # not begun
    first_day = standing(start, start)
    assert first_day is not None and first_day.latest is None
    assert first_day.next.words == "24 hours" and first_day.days_to_next == 1
    on_the_day = standing(start, date(2026, 12, 31))
    assert on_the_day is not None and on_the_day.reached_today
    assert on_the_day.latest is not None and on_the_day.latest.words == "30 days"
    assert on_the_day.next.words == "60 days" and on_the_day.days_to_next == 30


def status_page(client: TestClient, make_newcomer, **answers: object) -> str:
    newcomer = make_newcomer(**answers)
    client.cookies.set(NEWCOMER_COOKIE, newcomer.headers["Authorization"].split()[1])
    page = client.get("/status")
    assert page.status_code == 200
    return page.text


def test_the_newcomer_sees_their_next_and_latest_milestone(
    app: FastAPI, client: TestClient, make_newcomer
) -> None:
    app.state.clock = lambda: datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    page = status_page(client, make_newcomer, recovery_start="2026-10-03")
    assert "Your recovery milestones" in page
    assert "Next: <strong>90 days</strong> on 1 January 2027 (in 29 days)." in page
    assert "Latest: 60 days, on 2 December 2026." in page
    assert 'id="milestones-today"' not in page


def test_a_milestone_is_celebrated_on_the_newcomers_own_day(
    app: FastAPI, client: TestClient, make_newcomer
) -> None:
    # 03:00 UTC on 3 December is still 2 December in Chicago: the 60th day there.
    app.state.clock = lambda: datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    page = status_page(
        client, make_newcomer, recovery_start="2026-10-03", timezone="America/Chicago"
    )
    assert "Today is 60 days. Congratulations!" in page
    assert "Next: <strong>90 days</strong> on 1 January 2027 (in 30 days)." in page


def test_without_a_recovery_date_there_are_no_milestones(client: TestClient, make_newcomer) -> None:
    page = status_page(client, make_newcomer, recovery_start=None)
    assert "recovery milestones" not in page


def test_a_mentor_sees_their_own_milestones(
    app: FastAPI, client: TestClient, db: Session, make_mentor
) -> None:
    app.state.clock = lambda: datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    mentor: Actor = make_mentor(recovery_start="2018-03-01")
    signed_in(client, db, mentor.user_id)
    page = client.get("/mentor").text
    assert "Your own recovery milestones" in page
    assert "Next: <strong>9 years</strong> on 1 March 2027 (in 88 days)." in page
    assert "Latest: 8 years, on 1 March 2026." in page
