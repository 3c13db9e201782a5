"""The import API: `POST /api/v1/imports/mentors|newcomers`, a dry run or an import.

A dry run lists every problem by row and column in words and writes nothing; an import of
a file with problems answers 422 with each problem and writes nothing; a corrected file
imports in one go (audited, as on the page) and again changes nothing. Columns may be read
as given for the request, or as the program's saved choice. Both back ends.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.audit.models import AuditEvent
from mentormatch.mentors.models import Mentor
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from mentormatch.spreadsheets import mappings
from tests.factories import bearer, make_user, token_for
from tests.spreadsheets.sheets import MESSY_HEADER, MESSY_ROWS, fixed_rows, to_csv, to_xlsx

URL = "/api/v1/imports"
SOBER = [h if h != "Sobriety Date" else "Date they got sober" for h in MESSY_HEADER]


@pytest.fixture
def headers(db: Session) -> dict[str, str]:
    token = token_for(db, make_user(db, Role.coordinator))
    db.commit()
    return bearer(token)


def send(client: TestClient, headers: dict[str, str], content: bytes, *, kind: str = "mentors",
         name: str = "mentors.csv", dry_run: bool = False, **form: str) -> dict:  # fmt: skip
    response = client.post(
        f"{URL}/{kind}",
        params={"dry_run": str(dry_run).lower()},
        headers=headers,
        data=form,
        files={"file": (name, content, "text/csv")},
    )
    return {"status": response.status_code, **response.json()}


def mentors(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Mentor)) or 0


def test_a_messy_file_is_checked_refused_then_imported_once(
    client: TestClient, db: Session, headers: dict[str, str]
) -> None:
    messy = to_csv(MESSY_HEADER, MESSY_ROWS)
    checked = send(client, headers, messy, dry_run=True)
    assert checked["status"] == 200 and checked["dry_run"] and not checked["imported"]
    assert [(p["row"], p["column"]) for p in checked["problems"]] == [
        (3, "Substance history"), (5, "Sobriety Date"), (6, "E-Mail")]  # fmt: skip
    assert checked["problems"][1]["text"].startswith(
        "Row 5, column “Sobriety Date”: 'last spring' is not a date"
    )
    assert {"header": "Program", "field": None} in checked["columns"]
    refused = send(client, headers, messy)
    assert refused["status"] == 422 and refused["type"] == "invalid"
    assert refused["field"] == "file"
    assert [i["loc"] for i in refused["detail"]] == [
        ["file", 3, "Substance history"],
        ["file", 5, "Sobriety Date"],
        ["file", 6, "E-Mail"],
    ]
    assert [i["msg"] for i in refused["detail"]] == [p["text"] for p in checked["problems"]]
    assert mentors(db) == 0

    fixed = to_xlsx(MESSY_HEADER, fixed_rows())
    dry = send(client, headers, fixed, name="mentors.xlsx", dry_run=True)
    assert (dry["problems"], dry["created"], dry["imported"]) == ([], 3, False)
    assert mentors(db) == 0
    done = send(client, headers, fixed, name="mentors.xlsx")
    assert done["status"] == 200 and done["imported"] and not done["dry_run"]
    assert (done["created"], done["updated"], done["unchanged"], done["program"]) == (
        3, 0, 0, "main")  # fmt: skip
    assert mentors(db) == 3
    created = db.scalars(select(AuditEvent.object_id).where(
        AuditEvent.action == "create", AuditEvent.object_type == "mentor")).all()  # fmt: skip
    assert sorted(created) == sorted(db.scalars(select(Mentor.id)))
    again = send(client, headers, fixed, name="mentors.xlsx")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_columns_are_read_as_the_request_or_the_programs_saved_choice_says(
    client: TestClient, db: Session, headers: dict[str, str]
) -> None:
    content = to_csv(SOBER, fixed_rows())
    plain = send(client, headers, content, dry_run=True)
    assert [p["text"] for p in plain["problems"]] == [
        "The file: no column holds the recovery start date, which is required: rename a "
        "column or choose one below"
    ]
    chosen = json.dumps({"Date they got sober": "recovery_start"})
    given = send(client, headers, content, dry_run=True, columns=chosen)
    assert given["problems"] == [] and given["created"] == 3
    assert {"header": "Date they got sober", "field": "recovery_start"} in given["columns"]
    # Given for one request only: not saved.
    assert send(client, headers, content, dry_run=True)["problems"] == plain["problems"]
    coordinator = Principal(Role.coordinator, program_ids=frozenset({1}))  # as on the page
    mappings.save(db, actor=coordinator, program_id=1, kind="mentors", headers=SOBER,
                  chosen={"Date they got sober": "recovery_start"})  # fmt: skip
    db.commit()
    assert send(client, headers, content)["created"] == 3
    for bad, words in (
        ("[1, 2]", "a JSON object from header to field"),
        ("{not json", "a JSON object from header to field"),
        ('{"Email": "password_hash"}', "'password_hash' is not a field of a mentors import"),
    ):
        refused = send(client, headers, content, kind="newcomers" if "Email" in bad else "mentors",
                       dry_run=True, columns=bad)  # fmt: skip
        words = words.replace("mentors import", "newcomers import") if "Email" in bad else words
        assert (refused["status"], refused["field"]) == (422, "columns"), refused
        assert words in refused["detail"]


def test_bad_requests_name_their_field_and_write_nothing(
    client: TestClient, db: Session, headers: dict[str, str]
) -> None:
    unreadable = send(client, headers, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.csv")
    assert (unreadable["status"], unreadable["field"]) == (422, "file")
    assert "not a CSV or .xlsx file" in unreadable["detail"]
    missing = client.post(f"{URL}/mentors", headers=headers, data={"program": "main"})
    assert missing.status_code == 422
    assert [i["loc"] for i in missing.json()["detail"]] == [["body", "file"]]
    elsewhere = send(client, headers, to_csv(MESSY_HEADER, fixed_rows()), program="nowhere")
    assert (elsewhere["status"], elsewhere["field"]) == (404, "program")
    bad_slug = send(client, headers, to_csv(MESSY_HEADER, fixed_rows()), program="Not A Slug!")
    assert bad_slug["status"] == 422 and bad_slug["detail"][0]["loc"] == ["body", "program"]
    assert mentors(db) == 0


def test_a_file_takes_the_import_limit_not_the_body_limit(
    client: TestClient, db: Session, headers: dict[str, str]
) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    rows = settings.import_max_rows + 1
    content = b"Email,First name\r\n" + b"a@example.org,A\r\n" * rows
    assert settings.max_body_bytes < len(content) < settings.import_max_bytes
    refused = send(client, headers, content, dry_run=True)
    assert (refused["status"], refused["field"]) == (422, "file")  # read, not cut off (413)
    assert f"more than {settings.import_max_rows:,} rows" in refused["detail"]
    assert mentors(db) == 0


def test_a_programs_saved_choices_are_listed_and_forgotten_by_its_coordinators_and_admins(
    client: TestClient, db: Session, headers: dict[str, str]
) -> None:
    admin = bearer(token_for(db, make_user(db, Role.admin)))
    db.commit()
    content = to_csv(SOBER, fixed_rows())
    listed = f"/api/v1/programs/{DEFAULT_PROGRAM_ID}/import-mappings"
    assert client.get(listed, headers=headers).json() == []
    coordinator = Principal(Role.coordinator, program_ids=frozenset({1}))  # as on the page
    mappings.save(db, actor=coordinator, program_id=1, kind="mentors", headers=SOBER,
                  chosen={"Date they got sober": "recovery_start", "Max mentees": ""})  # fmt: skip
    db.commit()
    assert send(client, headers, content, dry_run=True)["problems"] == []
    for who in (headers, admin):
        (saved,) = client.get(listed, headers=who).json()
        assert (saved["kind"], saved["columns"]) == (
            "mentors", {"date they got sober": "recovery_start", "max mentees": ""})  # fmt: skip
    gone = client.delete(f"{listed}/{saved['id']}", headers=admin)
    assert gone.status_code == 204 and client.get(listed, headers=headers).json() == []
    forgotten = db.execute(
        select(AuditEvent.actor_role, AuditEvent.object_id)
        .where(AuditEvent.action == "forget_columns")
    ).all()  # fmt: skip
    assert forgotten == [("admin", DEFAULT_PROGRAM_ID)]
    again = client.delete(f"{listed}/{saved['id']}", headers=headers)
    assert (again.status_code, again.json()["detail"]) == (
        404, "mapping_id: the program has no saved choice of columns by this id")  # fmt: skip
    # Forgotten: the file is read by its headers alone again.
    plain = send(client, headers, content, dry_run=True)["problems"]
    assert [p["column"] for p in plain] == [None] and "recovery start date" in plain[0]["text"]


def test_a_background_import_answers_at_once_and_its_job_tells_how_it_ended(
    client: TestClient, db: Session, headers: dict[str, str]
) -> None:
    def start(content: bytes, name: str = "m.csv", **form: str) -> object:
        return client.post(f"{URL}/mentors", params={"background": "true"}, headers=headers,
                           data=form, files={"file": (name, content, "text/csv")})  # fmt: skip

    messy = start(to_csv(MESSY_HEADER, MESSY_ROWS))
    assert messy.status_code == 202, messy.text  # type: ignore[attr-defined]
    started = messy.json()  # type: ignore[attr-defined]
    assert started["state"] == "checking"
    assert messy.headers["location"] == started["progress"]  # type: ignore[attr-defined]
    failed = client.get(started["progress"], headers=headers).json()
    rows = send(client, headers, to_csv(MESSY_HEADER, MESSY_ROWS), dry_run=True)["rows_read"]
    assert (failed["state"], failed["checked"], failed["total"]) == ("failed", rows, rows)
    assert [(p["row"], p["column"]) for p in failed["problems"]] == [
        (3, "Substance history"), (5, "Sobriety Date"), (6, "E-Mail")]  # fmt: skip
    assert mentors(db) == 0  # nothing written

    columns = json.dumps({"Date they got sober": "recovery_start"})
    done = start(to_csv(SOBER, fixed_rows()), columns=columns).json()  # type: ignore[attr-defined]
    job = client.get(done["progress"], headers=headers).json()
    assert (job["state"], job["created"], job["program"]) == ("done", 3, "main")
    assert job["finished_at"] is not None and mentors(db) == 3

    # Only who started it reads it; a dry run answers at once; an unreadable file, at once.
    someone = bearer(token_for(db, make_user(db, Role.coordinator)))
    db.commit()
    theirs = client.get(done["progress"], headers=someone)
    missing = client.get(f"{URL}/jobs/mmj_nothing_here", headers=someone)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    tiny = {"file": ("m.csv", b"a,b\n1,2\n", "text/csv")}
    both = client.post(f"{URL}/mentors", params={"background": "true", "dry_run": "true"},
                       headers=headers, files=tiny)  # fmt: skip
    assert both.status_code == 422 and both.json()["field"] == "background"
    unreadable = start(b"PK\x03\x04 not really a workbook", name="x")
    assert unreadable.status_code == 422  # type: ignore[attr-defined]
    assert unreadable.json()["field"] == "file"  # type: ignore[attr-defined]
