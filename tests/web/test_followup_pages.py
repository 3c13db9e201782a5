"""Follow-up windows (issue 19): the schedule from the intake, each window's standing, the
follow-up rate; and the coordinator's page listing who is due, due soon or missed."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.assessments.followups import Standing, followups, rate, windows
from mentormatch.audit.models import AuditEvent
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in

INTAKE = date(2026, 1, 10)


def test_the_windows_follow_the_schedule_and_stop_at_the_closeout() -> None:
    shown = windows(INTAKE, date(2027, 2, 1), None)
    assert [(w.name, w.opens, w.closes) for w in shown] == [
        ("baseline", INTAKE, date(2026, 2, 9)),
        ("6 months", date(2026, 6, 9), date(2026, 8, 8)),
        ("1 year", date(2026, 12, 11), date(2027, 2, 9)),  # 365 days on, give or take 30
    ]
    assert [w.name for w in windows(INTAKE, date(2026, 1, 11), None)] == ["baseline"]
    closed = windows(INTAKE, date(2027, 2, 1), date(2026, 5, 1))
    assert [(w.name, w.opens) for w in closed] == [
        ("baseline", INTAKE),
        ("closeout", date(2026, 5, 1)),
    ]


def test_each_window_is_done_due_due_soon_or_missed_and_the_rate_counts_closed_ones() -> None:
    taken = [("barc10", date(2026, 1, 20))]  # the baseline, in time
    today = date(2026, 5, 30)  # 6 months opens on 9 June: due soon
    found = followups(INTAKE, taken, today, None)
    assert [(f.window.name, f.standing) for f in found] == [
        ("baseline", Standing.done),
        ("6 months", Standing.due_soon),
    ]
    later = followups(INTAKE, taken, date(2026, 9, 1), None)
    assert later[1].standing is Standing.missed
    assert followups(INTAKE, taken, date(2026, 7, 1), None)[1].standing is Standing.due
    # past the follow-up's own day (8 July), still open: overdue
    assert followups(INTAKE, taken, date(2026, 7, 20), None)[1].standing is Standing.overdue
    assert rate(later) == (1, 2)


def made_on(db: Session, newcomer: Actor, at: datetime) -> None:
    """The intake records the real time; the windows count from the test's own day."""
    db.execute(update(Newcomer).where(Newcomer.id == newcomer.newcomer_id).values(created_at=at))
    db.commit()


def test_the_page_lists_who_is_due_and_the_rate(
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
) -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    app.state.clock = lambda: now
    ana = make_newcomer(first_name="Ana")
    bo = make_newcomer(first_name="Bo")
    made_on(db, ana, now)  # today: baseline due now
    made_on(db, bo, now - timedelta(days=200))  # baseline missed, 6 months due
    signed_in(client, db, coordinator.user_id)
    page = client.get("/coordinator/follow-ups").text
    assert "1 overdue, 1 due now, 0 due soon, 1 missed." in page  # Bo's 6 months is overdue
    rate_row = page.split('id="rate-main"')[1].split("</tr>")[0]
    assert "<strong>0 %</strong> (below the target)" in rate_row
    assert "0 of 1" in rate_row and "80 %" in rate_row
    rows = page.split('id="follow-ups"')[1]
    assert rows.index("Bo") < rows.index("Ana")  # Bo's is overdue, and closes first
    # The dashboard shows the same rate and counts, linking to this page.
    board = client.get("/coordinator/dashboard").text.split('id="dashboard-follow-ups"')[1]
    assert "1 overdue, 1 due now" in board and 'href="/coordinator/follow-ups"' in board
    board_rate = board.split('id="dashboard-rate-main"')[1].split("</tr>")[0]
    assert "<strong>0 %</strong> (below the target)" in board_rate and "0 of 1" in board_rate
    assert client.get("/coordinator/follow-ups?program=nope").status_code == 404
    assert client.get("/coordinator/follow-ups?page=2").status_code == 404
    assert ana.newcomer_id


def test_the_funders_report_downloads_as_excel_and_csv_and_is_audited(
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
) -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    app.state.clock = lambda: now
    ana = make_newcomer(first_name="Ana")
    made_on(db, ana, now)
    body = {
        "instrument": "barc10",
        "answers": [{"item": f"q{n}", "value": 4} for n in range(1, 11)],
    }
    assert (
        client.post("/api/v1/newcomers/me/assessments", json=body, headers=ana.headers).status_code
        == 201
    )
    signed_in(client, db, coordinator.user_id)
    got = client.get("/coordinator/follow-ups/download?format=xlsx")
    assert got.status_code == 200
    book = load_workbook(io.BytesIO(got.content), read_only=True)
    assert book.sheetnames == ["Questionnaires", "Follow-ups"]
    taken = list(book["Questionnaires"].iter_rows(values_only=True))
    assert taken[0][:7] == ("Program", "Reference", "External id", "Episode", "Questionnaire",
                            "Taken on", "Total")  # fmt: skip
    assert [(r[0], r[3], r[4], r[6], r[7]) for r in taken[1:]] == [
        ("main", 1, "barc10", 40, "newcomer")
    ]
    windows = client.get("/coordinator/follow-ups/download?format=csv&sheet=follow-ups")
    lines = windows.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Program,Reference,External id,Episode,Window")
    assert any(",baseline," in line and ",done," in line for line in lines[1:])
    later = client.get("/coordinator/follow-ups/download?format=csv&since=2027-01-01")
    assert later.content.decode("utf-8-sig").splitlines()[1:] == []  # nothing taken since
    backwards = client.get("/coordinator/follow-ups/download?since=2027-01-02&until=2027-01-01")
    assert backwards.status_code == 422
    assert "the first day comes after the last day" in backwards.text.lower()
    exported = db.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "followups_export")
    ).all()
    assert exported == [DEFAULT_PROGRAM_ID] * 3  # once per download and program
