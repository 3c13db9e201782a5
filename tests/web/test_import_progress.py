"""An import from the page runs after the page has answered; its own page shows how far it is.

The job's row says how many rows are checked (every 500), then that it is writing, then
what it did — written with the import, so a job seen done imported everything. A job whose
re-check finds problems, or that stops without a word, imported nothing and says so. Only
who started it sees it. Time is the app's clock, moved, never waited for. Both back ends.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.accounts.principal import Principal
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from mentormatch.spreadsheets import jobs, uploads
from mentormatch.spreadsheets.models import ImportJob, ImportUpload
from tests.factories import make_user
from tests.spreadsheets.sheets import MESSY_HEADER, fixed_rows, to_csv
from tests.web.conftest import csrf_from
from tests.web.test_pages import sign_in
from tests.web.test_spreadsheet_pages import PAGE, mentors, upload

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def _started(db: Session, coordinator: User, rows: list[list[str]]) -> tuple[str, int]:
    """A checked upload of these mentors, and a job started on it (not run yet)."""
    me = Principal(Role.coordinator, user_id=coordinator.id,
                   program_ids=frozenset((DEFAULT_PROGRAM_ID,)))  # fmt: skip
    content = to_csv(MESSY_HEADER, rows)
    key = uploads.store(db, actor=me, kind="mentors", program=db.get_one(Program, 1),
                        filename="mentors.csv", content=content, mapping={})  # fmt: skip
    found = uploads.find(db, actor=me, key=key)
    return jobs.start(db, actor=me, upload=found, now=NOW)


def _many(count: int) -> list[list[str]]:
    row = fixed_rows()[0]
    return [[f"M-{i}", f"m{i}@example.org", *row[2:]] for i in range(count)]


def test_the_page_shows_rows_checked_of_all_then_writing_then_what_was_done(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    app.state.clock = lambda: NOW
    coordinator = make_user(db, Role.coordinator)
    sign_in(client, db, coordinator)
    key, job_id = _started(db, coordinator, _many(1200))
    page = f"{PAGE}/progress?job={key}"
    html = client.get(page).text
    assert "Reading the file" in html and 'http-equiv="refresh" content="2"' in html
    db.execute(ImportJob.__table__.update().values(checked=500, total=1200))
    db.commit()
    html = client.get(page).text
    assert "Checked 500 of 1,200 rows" in html and 'value="500"' in html

    seen: list[tuple[str, int, int]] = []

    def clock() -> datetime:  # each report of progress asks the time: look at the row then
        with app.state.sessionmaker() as look:
            job = look.get_one(ImportJob, job_id)
            seen.append((job.state, job.checked, job.total))
        return NOW

    me = Principal(Role.coordinator, user_id=coordinator.id, program_ids=frozenset({1}))
    jobs.run(app.state.sessionmaker, job_id=job_id, actor=me, settings=app.state.settings,
             clock=clock)  # fmt: skip
    changes = [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]]
    assert changes == [
        ("checking", 500, 1200),  # as arranged above
        ("checking", 1000, 1200),
        ("writing", 1200, 1200),
    ]
    html = client.get(page).text
    assert "1200 mentors added" in html and "http-equiv" not in html
    assert mentors(db) == 1200
    assert db.scalar(select(func.count()).select_from(ImportUpload)) == 0


def test_an_import_from_the_page_ends_on_its_result(client: TestClient, db: Session) -> None:
    sign_in(client, db, make_user(db, Role.coordinator))
    html = upload(client, to_csv(MESSY_HEADER, fixed_rows())).text  # type: ignore[attr-defined]
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    started = client.post(f"{PAGE}/run", data={"csrf_token": csrf_from(html), "upload": key[1]},
                          follow_redirects=False)  # fmt: skip
    assert started.status_code == 303
    assert started.headers["location"].startswith(f"{PAGE}/progress?job=mmj_")
    done = client.get(started.headers["location"])
    assert 'id="done"' in done.text and "3 mentors added" in done.text
    assert mentors(db) == 3


def test_problems_found_at_import_time_import_nothing_and_are_listed(
    client: TestClient, db: Session
) -> None:
    sign_in(client, db, make_user(db, Role.coordinator))
    html = upload(client, to_csv(MESSY_HEADER, fixed_rows())).text  # type: ignore[attr-defined]
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key and "3 new mentors" in html
    # Between the check and the import, someone opens an account with Bea's email.
    make_user(db, Role.coordinator, email="bea@example.org")
    db.commit()
    result = client.post(f"{PAGE}/run", data={"csrf_token": csrf_from(html), "upload": key[1]})
    assert 'id="failed"' in result.text and "Nothing was imported" in result.text
    assert "1 problem came up since the check" in result.text
    assert "An account with this email already exists" in result.text
    assert mentors(db) == 0
    # The upload is kept: corrected, the file can be checked again from the start.
    assert db.scalar(select(func.count()).select_from(ImportUpload)) == 1


def test_a_job_not_heard_from_for_half_an_hour_says_it_stopped(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    coordinator = make_user(db, Role.coordinator)
    sign_in(client, db, coordinator)
    key, _ = _started(db, coordinator, fixed_rows())
    page = f"{PAGE}/progress?job={key}"
    app.state.clock = lambda: NOW + jobs.STALE
    assert "Importing mentors" in client.get(page).text
    app.state.clock = lambda: NOW + jobs.STALE + timedelta(seconds=1)
    html = client.get(page).text
    assert "stopped before it finished" in html and "http-equiv" not in html
    assert mentors(db) == 0


def test_someone_elses_job_answers_like_a_missing_one(client: TestClient, db: Session) -> None:
    key, _ = _started(db, make_user(db, Role.coordinator), fixed_rows())
    sign_in(client, db, make_user(db, Role.coordinator))
    theirs = client.get(f"{PAGE}/progress", params={"job": key})
    missing = client.get(f"{PAGE}/progress", params={"job": "mmj_" + "x" * 43})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text and "not known here" in theirs.text
    nothing = client.get(f"{PAGE}/progress")  # no job named: the spreadsheets page
    assert nothing.status_code == 200 and 'id="export-mentors-csv"' in nothing.text
