"""The coordinator's spreadsheets pages: downloads, and an import checked before it writes.

Upload a messy file: the check lists every problem by row and column and nothing is
written; the corrected file shows what an import would do; importing says what it did.
Columns can be read as another field; a file that cannot be read is refused on the form;
someone else's upload answers like a missing one. Both back ends.
"""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.mentors.models import Mentor
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.programs.models import Program
from mentormatch.spreadsheets.models import ImportUpload
from tests.factories import make_user, token_for
from tests.spreadsheets.sheets import MESSY_HEADER, MESSY_ROWS, fixed_rows, to_csv, to_xlsx
from tests.web.conftest import csrf_from
from tests.web.test_pages import sign_in

PAGE = "/coordinator/spreadsheets"


@pytest.fixture
def signed_in(client: TestClient, db: Session) -> TestClient:
    sign_in(client, db, make_user(db, Role.coordinator))
    return client


def upload(client: TestClient, content: bytes, name: str = "mentors.csv",
           kind: str = "mentors", replaces: str = "") -> object:  # fmt: skip
    token = csrf_from(client.get(PAGE).text)
    return client.post(
        f"{PAGE}/import",
        data={"csrf_token": token, "kind": kind, "replaces": replaces},
        files={"file": (name, content, "text/csv")},
        follow_redirects=True,
    )


def mentors(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Mentor)) or 0


def problems(html: str) -> list[tuple[str, str, str]]:
    table = html.split('id="problems"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    return [(a, b, c) for a, b, c in cells]


def test_a_messy_file_is_checked_fixed_and_imported(signed_in: TestClient, db: Session) -> None:
    client = signed_in
    page = upload(client, to_csv(MESSY_HEADER, MESSY_ROWS))
    assert page.status_code == 200  # type: ignore[attr-defined]
    html = page.text  # type: ignore[attr-defined]
    found = problems(html)
    assert [(row, column) for row, column, _ in found] == [
        ("3", "Substance history"), ("5", "Sobriety Date"), ("6", "E-Mail")]  # fmt: skip
    assert "&#39;last spring&#39; is not a date" in found[1][2]
    assert "nothing can be imported" in html and 'id="import"' not in html
    assert mentors(db) == 0
    # "Program" is an export's column: shown as not imported.
    assert "Leave out (not imported)" in html
    first = re.search(r'name="replaces" value="([^"]+)"', html)
    assert first
    fixed = upload(client, to_xlsx(MESSY_HEADER, fixed_rows()), "mentors.xlsx", replaces=first[1])
    html = fixed.text  # type: ignore[attr-defined]
    assert 'id="problems"' not in html and "3 new mentors" in html
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    done = client.post(f"{PAGE}/run", data={"csrf_token": csrf_from(html), "upload": key[1]})
    assert done.status_code == 200, done.text
    assert "3 mentors added" in done.text and "0 updated" in done.text
    assert mentors(db) == 3
    invitations = db.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == MessageKind.invitation))  # fmt: skip
    assert invitations == 3
    # The upload is gone once imported: the same key answers like a missing one.
    again = client.get(f"{PAGE}/review", params={"upload": key[1]})
    assert again.status_code == 404 and "upload the file again" in again.text
    assert db.scalar(select(func.count()).select_from(ImportUpload)) == 0


def test_a_column_can_be_read_as_another_field(signed_in: TestClient, db: Session) -> None:
    header = [h if h != "Sobriety Date" else "Date they got sober" for h in MESSY_HEADER]
    html = upload(signed_in, to_csv(header, fixed_rows())).text  # type: ignore[attr-defined]
    assert "No column holds the recovery start date, which is required" in html
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    column = re.search(r'name="(column:Date they got sober)"', html)
    assert column
    chosen = signed_in.post(
        f"{PAGE}/review",
        data={"csrf_token": csrf_from(html), "upload": key[1], column[1]: "recovery_start"},
        follow_redirects=True,
    )
    assert chosen.status_code == 200
    assert 'id="problems"' not in chosen.text and "3 new mentors" in chosen.text
    bad = signed_in.post(
        f"{PAGE}/review",
        data={"csrf_token": csrf_from(html), "upload": key[1], column[1]: "password_hash"},
    )
    assert bad.status_code == 422 and "choose one of the fields offered" in bad.text


def test_a_column_choice_is_saved_for_the_programs_next_file_with_those_headers(
    signed_in: TestClient, client: TestClient, db: Session
) -> None:
    header = [h if h != "Sobriety Date" else "Date they got sober" for h in MESSY_HEADER]
    html = upload(signed_in, to_csv(header, fixed_rows())).text  # type: ignore[attr-defined]
    assert 'id="saved-columns"' not in html
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    signed_in.post(f"{PAGE}/review", data={"csrf_token": csrf_from(html), "upload": key[1],
                   "column:Date they got sober": "recovery_start",
                   "column:Max mentees": ""})  # fmt: skip
    # Next month's file: the same headers in another case and order, other people.
    rows = [[r[-1], *r[:-1]] for r in fixed_rows()]
    again = [header[-1], *(h.upper() for h in header[:-1])]
    html = upload(signed_in, to_csv(again, rows)).text  # type: ignore[attr-defined]
    assert 'id="problems"' not in html and "3 new mentors" in html
    assert 'id="saved-columns"' in html and "last mentors file with these headers" in html
    assert re.search(r'<option value="recovery_start" selected>', html)
    # Max mentees left out, as chosen: the mentors get the schema's default capacity.
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    signed_in.post(f"{PAGE}/run", data={"csrf_token": csrf_from(html), "upload": key[1]})
    assert {m.capacity for m in db.scalars(select(Mentor))} == {2}
    # A file with one more column is another set of headers: not read as chosen.
    html = upload(signed_in, to_csv([*header, "Notes"], fixed_rows())).text  # type: ignore[attr-defined]
    assert "No column holds the recovery start date" in html and "saved-columns" not in html
    # Choosing what the headers name by themselves forgets the saved choice.
    key = re.search(r'name="upload" value="([^"]+)"', upload(signed_in, to_csv(header, [])).text)  # type: ignore[attr-defined]
    assert key
    signed_in.post(f"{PAGE}/review", data={"csrf_token": csrf_from(html), "upload": key[1],
                   "column:Date they got sober": "", "column:Max mentees": "capacity"})  # fmt: skip
    html = upload(signed_in, to_csv(header, fixed_rows())).text  # type: ignore[attr-defined]
    assert "No column holds the recovery start date" in html and "saved-columns" not in html


def test_a_saved_column_choice_stays_with_its_program_and_kind(
    signed_in: TestClient, client: TestClient, db: Session
) -> None:
    header = [h if h != "Sobriety Date" else "Date they got sober" for h in MESSY_HEADER]
    html = upload(signed_in, to_csv(header, fixed_rows())).text  # type: ignore[attr-defined]
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    signed_in.post(f"{PAGE}/review", data={"csrf_token": csrf_from(html), "upload": key[1],
                   "column:Date they got sober": "recovery_start"})  # fmt: skip
    # The same headers as newcomers: another kind of file, read by its headers alone.
    newcomers = upload(signed_in, to_csv(header, fixed_rows()), kind="newcomers").text  # type: ignore[attr-defined]
    assert "saved-columns" not in newcomers
    # A coordinator of another program only: their program has no saved choice.
    other = Program(slug="elsewhere", name="Elsewhere", settings={})
    db.add(other)
    db.flush()
    client.cookies.clear()
    sign_in(client, db, make_user(db, Role.coordinator, programs=(other.id,)))
    html = upload(client, to_csv(header, fixed_rows())).text  # type: ignore[attr-defined]
    assert "No column holds the recovery start date" in html and "saved-columns" not in html


def test_an_unreadable_file_is_refused_on_the_form(signed_in: TestClient, db: Session) -> None:
    page = upload(signed_in, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.csv")
    assert page.status_code == 422  # type: ignore[attr-defined]
    assert "not a CSV or .xlsx file" in page.text  # type: ignore[attr-defined]
    assert db.scalar(select(func.count()).select_from(ImportUpload)) == 0
    token = csrf_from(signed_in.get(PAGE).text)
    missing = signed_in.post(f"{PAGE}/import", data={"csrf_token": token, "kind": "mentors"})
    assert missing.status_code == 422 and "Choose a CSV or .xlsx file to import" in missing.text


def test_someone_elses_upload_answers_like_a_missing_one(
    signed_in: TestClient, client: TestClient, db: Session
) -> None:
    html = upload(signed_in, to_csv(MESSY_HEADER, fixed_rows())).text  # type: ignore[attr-defined]
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    client.cookies.clear()
    sign_in(client, db, make_user(db, Role.coordinator))
    theirs = client.get(f"{PAGE}/review", params={"upload": key[1]})
    missing = client.get(f"{PAGE}/review", params={"upload": "mmu_" + "x" * 43})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text.count("no longer here") == missing.text.count("no longer here") == 1
    run = client.post(f"{PAGE}/run", data={"csrf_token": csrf_from(client.get(PAGE).text),
                                           "upload": key[1]})  # fmt: skip
    assert run.status_code == 404 and mentors(db) == 0


def test_the_page_offers_every_export_and_the_download_is_a_workbook(
    signed_in: TestClient, db: Session
) -> None:
    html = signed_in.get(PAGE).text
    for kind in ("newcomers", "mentors", "pairings"):
        assert f'id="export-{kind}-xlsx"' in html and f'id="export-{kind}-csv"' in html
    response = signed_in.get(f"{PAGE}/download", params={"kind": "mentors", "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Mentors", "Notice"]
    bad = signed_in.get(f"{PAGE}/download", params={"kind": "secrets"})
    assert bad.status_code == 422 and "Kind: input should be" in bad.text


def test_an_upload_over_the_limit_is_refused(signed_in: TestClient, db: Session) -> None:
    token = token_for(db, make_user(db, Role.coordinator))
    db.commit()
    signed_in.cookies.set("mm_staff", token)
    limit = signed_in.app.state.settings.import_max_bytes  # type: ignore[attr-defined]
    page = upload(signed_in, b"a,b\n" + b"1,2\n" * (limit // 4 + 1))
    assert page.status_code == 422  # type: ignore[attr-defined]
    assert "the most one import takes is 10 MB" in page.text  # type: ignore[attr-defined]


def test_imported_newcomers_carry_a_consent_entered_on_their_behalf(
    client: TestClient, db: Session
) -> None:
    user = make_user(db, Role.coordinator)
    token = token_for(db, user)
    db.commit()
    client.cookies.set("mm_staff", token)
    header = ["first_name", "EMAIL", "gender", "birth year", "Languages", "Time Zone",
              "Substances", "Ways of meeting", "Consent to share", "Member ID"]  # fmt: skip
    rows = [["Dana", "dana@example.org", "F", "1992", "en", "America/Chicago", "alcohol",
             "video", "Y", "N-7"]]  # fmt: skip
    html = upload(client, to_csv(header, rows, delimiter=","), "intake.csv", "newcomers").text  # type: ignore[attr-defined]
    assert "1 new newcomer" in html, html
    key = re.search(r'name="upload" value="([^"]+)"', html)
    assert key
    done = client.post(f"{PAGE}/run", data={"csrf_token": csrf_from(html), "upload": key[1]})
    assert "1 newcomer added" in done.text
    headers = {"Authorization": f"Bearer {token}"}
    (item,) = client.get("/api/v1/newcomers", headers=headers).json()["items"]
    record = client.get(f"/api/v1/newcomers/{item['id']}", headers=headers).json()
    (consent,) = record["consents"]
    assert consent["on_behalf"] is True
    assert consent["source"] == "spreadsheet import: intake.csv"
    assert "share_with_mentor" in consent["scope"]
    exported = client.get("/api/v1/exports/newcomers", headers=headers).content.decode()
    assert "entered by a coordinator on the person's behalf" in exported
    assert "N-7" in exported  # the program's own id, which a re-import matches on
