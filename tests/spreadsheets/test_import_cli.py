"""`mentormatch import mentors|newcomers FILE`: a messy file checked, then all of it or nothing.

A dry run lists every problem by row and column and writes nothing; a corrected file
imports in one go; the same file again changes nothing; an edited file updates the rows it
changed (audited as edits). Bad files are refused with one line and write nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mentormatch import migrate
from mentormatch.accounts import service as accounts
from mentormatch.accounts.models import Role, User
from mentormatch.accounts.principal import Principal
from mentormatch.audit.models import AuditEvent
from mentormatch.cli import app
from mentormatch.config import get_settings
from mentormatch.db import make_engine, make_sessionmaker
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Consent, Newcomer
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.spreadsheets import mappings
from tests.spreadsheets.sheets import (
    MESSY_HEADER,
    MESSY_ROWS,
    fixed_rows,
    to_csv,
    to_xlsx,
    zip_bomb,
)

runner = CliRunner()
BY = "importer@example.org"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'import.db'}"
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", url)
    get_settings.cache_clear()
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        accounts.create_user(session, email=BY, password=None, role=Role.coordinator)
        session.commit()
        yield session
    engine.dispose()
    get_settings.cache_clear()


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", *args, "--by", BY])
    return result.exit_code, result.stdout, result.stderr


def counts(db: Session) -> tuple[int, int, int]:
    db.expire_all()
    mentors = db.scalar(select(func.count()).select_from(Mentor)) or 0
    users = db.scalar(select(func.count()).select_from(User)) or 0
    invitations = db.scalar(
        select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == MessageKind.invitation)
    ) or 0  # fmt: skip
    return mentors, users, invitations


def test_a_messy_file_lists_every_problem_by_row_and_column_and_writes_nothing(
    db: Session, tmp_path: Path
) -> None:
    before = counts(db)
    path = write(tmp_path, "mentors.csv", to_csv(MESSY_HEADER, MESSY_ROWS))
    for dry in ([], ["--dry-run"]):
        code, out, err = run("mentors", path, *dry)
        assert code == 1, out + err
        assert err.splitlines()[:3] == [
            "Row 3, column “Substance history”: 'glue sniffing' is not a substance on the list; "
            "use one of: Alcohol, Heroin, Fentanyl, Prescription opioids, Methadone (misuse), "
            "Methamphetamine, Cocaine / crack, Prescription stimulants, Cannabis, "
            "Benzodiazepines, Other sedatives, Hallucinogens, Inhalants, Gambling, Other",
            "Row 5, column “Sobriety Date”: 'last spring' is not a date (write 2024-03-01 or "
            "3/1/2024)",
            "Row 6, column “E-Mail”: the same email as row 2: a person appears once in a file",
        ]
        assert "nothing was imported" in err
    assert counts(db) == before


def test_a_fixed_file_imports_once_and_again_changes_nothing(db: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "mentors.csv", to_csv(MESSY_HEADER, fixed_rows()))
    code, out, err = run("mentors", path, "--dry-run")
    assert code == 0
    assert out.strip() == "dry run, nothing written: 3 to add, 0 to update, 0 unchanged"
    assert counts(db)[0] == 0
    code, out, err = run("mentors", path)
    assert code == 0, err
    assert "3 added, 0 updated, 0 unchanged" in out
    assert counts(db)[0] == 3 and counts(db)[2] == 3  # each invited to choose a password
    alex = db.scalars(select(Mentor).where(Mentor.external_id == "M-001")).one()
    assert (alex.first_name, alex.gender, alex.languages) == ("Alex", "man", ["en", "es"])
    assert alex.substances == ["heroin", "alcohol"] and alex.pathways == ["twelve_step"]
    assert alex.medication_affirming is True and alex.meeting_modes == ["video", "phone"]
    assert alex.recovery_start.isoformat() == "2018-03-01"  # US date, month first
    bea = db.scalars(select(Mentor).where(Mentor.external_id == "M-002")).one()
    assert bea.first_name == "Bea" and bea.medication_affirming is False
    before = counts(db)
    code, out, _ = run("mentors", path)
    assert (code, "0 added, 0 updated, 3 unchanged" in out) == (0, True)
    assert counts(db) == before


def test_the_programs_saved_column_choice_is_applied(db: Session, tmp_path: Path) -> None:
    header = [h if h != "Sobriety Date" else "Date they got sober" for h in MESSY_HEADER]
    path = write(tmp_path, "mentors.csv", to_csv(header, fixed_rows()))
    code, _, err = run("mentors", path, "--dry-run")
    assert code == 1 and "no column holds the recovery start date" in err
    # As a coordinator chose on the check page for a file with these headers.
    coordinator = Principal(Role.coordinator, user_id=1, program_ids=frozenset({1}))
    mappings.save(db, actor=coordinator, program_id=1, kind="mentors", headers=header,
                  chosen={"Date they got sober": "recovery_start"})  # fmt: skip
    db.commit()
    code, out, err = run("mentors", path)
    assert code == 0, err
    assert "3 added" in out


def test_an_edited_file_updates_those_rows_recorded_as_edits(db: Session, tmp_path: Path) -> None:
    rows = fixed_rows()
    assert run("mentors", write(tmp_path, "a.csv", to_csv(MESSY_HEADER, rows)))[0] == 0
    rows[0][12] = "3"  # Alex's capacity
    rows[1][2] = "Beatrice"
    code, out, _ = run("mentors", write(tmp_path, "b.xlsx", to_xlsx(MESSY_HEADER, rows)))
    assert code == 0 and "0 added, 2 updated, 1 unchanged" in out
    db.expire_all()
    alex = db.scalars(select(Mentor).where(Mentor.external_id == "M-001")).one()
    assert (alex.capacity, alex.version) == (3, 2)
    edits = db.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "update")).all()
    assert sorted(edits) == sorted(
        db.scalars(select(Mentor.id).where(Mentor.external_id.in_(["M-001", "M-002"])))
    )


def test_formula_cells_are_read_as_their_values(db: Session, tmp_path: Path) -> None:
    content = to_xlsx(MESSY_HEADER, fixed_rows(), formulas={"C2": ('"Al"&amp;"ex"', "Alex")})
    assert run("mentors", write(tmp_path, "f.xlsx", content))[0] == 0
    alex = db.scalars(select(Mentor.first_name).where(Mentor.external_id == "M-001")).one()
    assert alex == "Alex"


def test_newcomers_carry_a_consent_entered_on_their_behalf(db: Session, tmp_path: Path) -> None:
    header = ["First name", "Email", "Gender", "Birth year", "Languages", "Time zone",
              "Substances", "Meeting modes", "Share with mentor", "Recovery pathway"]  # fmt: skip
    rows = [["Dana", "dana@example.org", "woman", "1992", "en", "America/Chicago",
             "alcohol", "video", "Yes", "AA"]]  # fmt: skip
    path = write(tmp_path, "newcomers.csv", to_csv(header, rows, delimiter=",", bom=False))
    code, _, err = run("newcomers", path)
    assert code == 0, err
    dana = db.scalars(select(Newcomer).where(Newcomer.first_name == "Dana")).one()
    (consent,) = db.scalars(select(Consent).where(Consent.newcomer_id == dana.id)).all()
    importer = db.scalars(select(User.id).where(User.email == BY)).one()
    assert consent.entered_by == importer
    assert consent.source == "spreadsheet import: newcomers.csv"
    assert "share_with_mentor" in consent.scope and dana.pathway == "twelve_step"
    assert run("newcomers", path)[1].strip().endswith("0 added, 0 updated, 1 unchanged")


@pytest.mark.parametrize(
    ("name", "content", "env", "says"),
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {}, "not a CSV or .xlsx"),
        ("latin.csv", "Email;Prénom\nx@example.org;Zoë\n".encode("latin-1"), {}, "UTF-8"),
        ("big.csv", b"a,b\n" + b"1,2\n" * 400, {"MENTORMATCH_IMPORT_MAX_BYTES": "1024"}, "MB"),
        ("rows.csv", b"a,b\n" + b"1,2\n" * 5, {"MENTORMATCH_IMPORT_MAX_ROWS": "3"}, "more than 3"),
        ("bomb.xlsx", zip_bomb(), {}, "unpacks to far more"),
        ("old.xls", b"\xd0\xcf\x11\xe0 not really", {}, "not an .xlsx workbook"),
        ("empty.csv", b"", {}, "empty"),
    ],
    ids=["binary", "encoding", "size", "rows", "zip-bomb", "xls", "empty"],
)
def test_bad_files_are_refused_with_one_line_and_write_nothing(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    name: str, content: bytes, env: dict[str, str], says: str,
) -> None:  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    before = counts(db)
    code, out, err = run("mentors", write(tmp_path, name, content))
    assert code == 2, out + err
    assert says in err and len(err.strip().splitlines()) == 1, err
    assert counts(db) == before


NEWCOMER_HEADER = ["ID", "First name", "Email", "Gender", "Birth year", "Languages",
                   "Time zone", "Substances", "Meeting modes"]  # fmt: skip


def newcomer(ident: str, email: str, name: str = "Eli") -> list[str]:
    return [ident, name, email, "man", "1988", "en", "UTC", "cannabis", "phone"]


def test_a_newcomer_is_matched_by_id_then_email_or_not_added_twice(
    db: Session, tmp_path: Path
) -> None:
    first = [newcomer("N-1", "eli@example.org"), newcomer("", "", "Fay")]
    code, _, err = run("newcomers", write(tmp_path, "a.csv", to_csv(NEWCOMER_HEADER, first)))
    assert code == 1
    assert err.splitlines()[0].startswith(
        "Row 3, column “Email”: a newcomer needs an email or an id of yours"
    )
    assert db.scalar(select(func.count()).select_from(Newcomer)) == 0
    ok = [newcomer("N-1", "eli@example.org"), newcomer("", "fay@example.org", "Fay")]
    assert run("newcomers", write(tmp_path, "b.csv", to_csv(NEWCOMER_HEADER, ok)))[0] == 0
    # A new email for N-1 is an edit of the same person, not a new one.
    moved = [newcomer("N-1", "eli@new.example.org"), newcomer("", "fay@example.org", "Fay")]
    code, out, _ = run("newcomers", write(tmp_path, "c.csv", to_csv(NEWCOMER_HEADER, moved)))
    assert code == 0 and "0 added, 1 updated, 1 unchanged" in out
    db.expire_all()
    eli = db.scalars(select(Newcomer).where(Newcomer.external_id == "N-1")).one()
    assert eli.email == "eli@new.example.org"


def test_hostile_cells_are_problems_not_crashes(db: Session, tmp_path: Path) -> None:
    rows = fixed_rows()
    rows[0][0] = "M-\x01001"  # an id with a control character
    rows[1][2] = "\u202eBea"  # a name that reverses the text after it
    rows[2][12] = "=1+1"  # a formula typed as text
    content = to_csv(MESSY_HEADER, rows)
    code, _, err = run("mentors", write(tmp_path, "hostile.csv", content))
    assert code == 1, err
    lines = err.splitlines()
    assert lines[0].startswith("Row 2, column “Member ID”: an id is at most 64")
    assert lines[1].startswith("Row 3, column “FIRST NAME”: ")
    assert lines[2] == "Row 4, column “Max mentees”: '=1+1' is not a number"
    assert counts(db)[0] == 0
