"""A program's saved choices of columns on their own page: listed with what each reads
differently, who saved it and when; forgotten there, after which the next file with those
headers is read by its headers alone. Saving and forgetting are in the audit trail; another
program's choice answers like a missing one. Both back ends."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.audit.models import AuditEvent
from mentormatch.programs.models import Program
from mentormatch.spreadsheets.models import ImportMapping
from tests.factories import make_user
from tests.spreadsheets.sheets import MESSY_HEADER, fixed_rows, to_csv
from tests.web.conftest import csrf_from
from tests.web.test_pages import sign_in
from tests.web.test_spreadsheet_pages import PAGE, upload

COLUMNS = f"{PAGE}/columns"
SOBER = [h if h != "Sobriety Date" else "Date they got sober" for h in MESSY_HEADER]


def _choose(client: TestClient, **columns: str) -> None:
    html = upload(client, to_csv(SOBER, fixed_rows())).text  # type: ignore[attr-defined]
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    chosen = {f"column:{header}": field for header, field in columns.items()}
    client.post(f"{PAGE}/review", data={"csrf_token": csrf_from(html), "upload": key[1], **chosen})


def _actions(db: Session) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "program")))


def test_a_saved_choice_is_listed_and_forgotten_and_both_are_audited(
    client: TestClient, db: Session
) -> None:
    sign_in(client, db, make_user(db, Role.coordinator))
    assert "0 saved choices." in client.get(COLUMNS).text
    _choose(client, **{"Date they got sober": "recovery_start", "Max mentees": ""})
    _choose(client, **{"Date they got sober": "recovery_start", "Max mentees": ""})  # same again
    assert _actions(db) == ["save_columns"]  # the same choice again is no change
    page = client.get(COLUMNS).text
    assert "1 saved choice." in page
    assert "“date they got sober” read as Recovery start date" in page
    assert "“max mentees” left out" in page
    (saved_id,) = db.scalars(select(ImportMapping.id)).all()

    forgot = client.post(f"{COLUMNS}/{saved_id}/forget", data={"csrf_token": csrf_from(page)})
    assert forgot.url.path == COLUMNS and "The choice is forgotten." in forgot.text
    assert "0 saved choices." in forgot.text
    assert _actions(db) == ["save_columns", "forget_columns"]
    html = upload(client, to_csv(SOBER, fixed_rows())).text  # type: ignore[attr-defined]
    assert "No column holds the recovery start date" in html and "saved-columns" not in html
    again = client.post(f"{COLUMNS}/{saved_id}/forget", data={"csrf_token": csrf_from(page)})
    assert again.status_code == 404


def test_another_programs_choice_is_not_listed_and_answers_like_a_missing_one(
    client: TestClient, db: Session
) -> None:
    sign_in(client, db, make_user(db, Role.coordinator))
    _choose(client, **{"Date they got sober": "recovery_start"})
    (saved_id,) = db.scalars(select(ImportMapping.id)).all()
    other = Program(slug="elsewhere", name="Elsewhere", settings={})
    db.add(other)
    db.flush()
    client.cookies.clear()
    sign_in(client, db, make_user(db, Role.coordinator, programs=(other.id,)))
    page = client.get(COLUMNS).text
    assert "0 saved choices." in page and "date they got sober" not in page
    token = csrf_from(page)
    theirs = client.post(f"{COLUMNS}/{saved_id}/forget", data={"csrf_token": token})
    missing = client.post(f"{COLUMNS}/999999/forget", data={"csrf_token": token})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text
    assert db.get(ImportMapping, saved_id) is not None
    assert "forget_columns" not in _actions(db)
