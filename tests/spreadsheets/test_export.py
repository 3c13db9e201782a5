"""Exports: newcomers, mentors and pairings with their history, as CSV and .xlsx.

For coordinators only and only their programs' people; every text cell that a spreadsheet
program would run as a formula is neutralised; the file holds no more than the export
promises (no free-text hopes, no exact location, a newcomer's first name in the pairings
only with their consent); every export is audited, one row per record, so it shows in
each newcomer's accounting of accesses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.audit.models import AuditEvent
from mentormatch.programs.models import Program
from tests.conftest import Actor
from tests.factories import bearer, make_user, token_for

URL = "/api/v1/exports"
FORMULA = '=HYPERLINK("http://evil.example","x")'


def rows_of_csv(content: bytes) -> list[dict[str, str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def sheets_of_xlsx(content: bytes) -> dict[str, list[dict[str, object]]]:
    book = load_workbook(io.BytesIO(content))
    found = {}
    for sheet in book.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        found[sheet.title] = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    return found


@pytest.fixture
def paired(
    client: TestClient,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
) -> tuple[Actor, Actor, Actor]:
    """A consenting newcomer paired (approved) with a mentor; one newcomer who did not consent."""
    shares = make_newcomer(first_name="Samira", hopes="private hopes 7f3a", latitude=41.88,
                           longitude=-87.63, travel_radius_km=10,
                           meeting_modes=["in_person", "video"])  # fmt: skip
    private = make_intake_without_sharing(make_newcomer)
    mentor = make_mentor(first_name=FORMULA, interests="-2+3 cooking\x01")
    approved = client.post(
        "/api/v1/pairings",
        json={"newcomer_id": private.newcomer_id, "mentor_id": mentor.mentor_id},
        headers=coordinator.headers,
    )
    assert approved.status_code == 201, approved.text
    return shares, private, mentor


def make_intake_without_sharing(make_newcomer: Callable[..., Actor]) -> Actor:
    return make_newcomer(
        first_name="Quietname",
        consent={"agree": True, "version": "2026-11", "share_with_mentor": False},
    )


def test_pairings_as_xlsx_hold_every_pairing_with_its_history(
    client: TestClient, coordinator: Actor, paired: tuple[Actor, Actor, Actor]
) -> None:
    response = client.get(f"{URL}/pairings?format=xlsx", headers=coordinator.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="pairings-all.xlsx"' in response.headers["content-disposition"]
    sheets = sheets_of_xlsx(response.content)
    assert list(sheets) == ["Pairings", "History", "Notice"]
    (pairing,) = sheets["Pairings"]
    assert pairing["Status"] == "approved"
    assert pairing["Mentor first name"] == "'" + FORMULA  # neutralised, still readable
    # The newcomer did not agree that a mentor may see their name: the export holds none.
    assert pairing["Newcomer first name"] in ("", None)
    assert "Quietname" not in response.text
    moves = [(h["From status"], h["To status"]) for h in sheets["History"]]
    assert moves[-1][1] == "approved" and len(moves) >= 1
    assert all(h["Pairing"] == pairing["Reference"] for h in sheets["History"])
    assert "42 CFR part 2" in str(sheets["Notice"][0]["Notice"])


def test_newcomers_csv_round_trips_and_leaves_out_what_it_promises(
    client: TestClient, coordinator: Actor, paired: tuple[Actor, Actor, Actor]
) -> None:
    response = client.get(f"{URL}/newcomers?format=csv", headers=coordinator.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = rows_of_csv(response.content)
    assert sorted(r["First name"] for r in rows) == ["Quietname", "Samira"]
    samira = next(r for r in rows if r["First name"] == "Samira")
    assert samira["Shares with mentor"] == "Yes"
    assert samira["Substances"] == "heroin"
    assert samira["Consent"].startswith("given by the person")
    text = response.content.decode()
    for never in ("private hopes 7f3a", "41.88", "-87.63", "Status token", "Hopes", "Latitude"):
        assert never not in text


def test_mentors_export_neutralises_formulas_in_both_formats(
    client: TestClient, coordinator: Actor, paired: tuple[Actor, Actor, Actor]
) -> None:
    as_csv = rows_of_csv(client.get(f"{URL}/mentors", headers=coordinator.headers).content)
    (mentor,) = as_csv
    assert mentor["First name"] == "'" + FORMULA
    assert mentor["Interests"] == "'-2+3 cooking\x01"  # CSV keeps what was typed
    assert mentor["Load"] == "1" and mentor["Capacity"] == "2"
    book = load_workbook(io.BytesIO(client.get(f"{URL}/mentors?format=xlsx",
                                               headers=coordinator.headers).content))  # fmt: skip
    sheet = book["Mentors"]
    assert sheet["T2"].value == "'-2+3 cooking"  # a workbook cannot hold control characters
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_every_export_is_audited_per_record_and_shows_in_the_accounting(
    client: TestClient, db: Session, coordinator: Actor, paired: tuple[Actor, Actor, Actor]
) -> None:
    shares, private, _ = paired
    assert client.get(f"{URL}/newcomers", headers=coordinator.headers).status_code == 200
    exported = db.scalars(
        select(AuditEvent.object_id).where(
            AuditEvent.action == "export", AuditEvent.object_type == "newcomer",
            AuditEvent.actor_id == coordinator.user_id,
        )
    ).all()  # fmt: skip
    assert sorted(exported) == sorted([shares.newcomer_id, private.newcomer_id])
    accesses = client.get("/api/v1/newcomers/me/accesses", headers=shares.headers).json()
    assert any(a["role"] == "coordinator" and a["action"] == "export" for a in accesses["items"]), (
        accesses
    )
    assert client.get(f"{URL}/pairings", headers=coordinator.headers).status_code == 200
    pairing_rows = db.scalars(
        select(AuditEvent.id).where(AuditEvent.action == "export",
                                    AuditEvent.object_type == "pairing")
    ).all()  # fmt: skip
    assert len(pairing_rows) == 1


def test_only_coordinators_export_and_only_their_programs(
    client: TestClient, db: Session, coordinator: Actor, admin: Actor,
    paired: tuple[Actor, Actor, Actor],
) -> None:  # fmt: skip
    shares, _, mentor = paired
    for who in (admin.headers, shares.headers, mentor.headers):
        assert client.get(f"{URL}/newcomers", headers=who).status_code == 403
    assert client.get(f"{URL}/newcomers").status_code == 401
    other = Program(slug="elsewhere", name="Elsewhere")
    db.add(other)
    db.flush()
    theirs = make_user(db, Role.coordinator, programs=(other.id,))
    headers = bearer(token_for(db, theirs))
    db.commit()
    rows = rows_of_csv(client.get(f"{URL}/newcomers", headers=headers).content)
    assert rows == []
    mine = client.get(f"{URL}/newcomers?program=elsewhere", headers=coordinator.headers)
    missing = client.get(f"{URL}/newcomers?program=nowhere", headers=coordinator.headers)
    assert mine.status_code == missing.status_code == 404
    assert mine.json()["detail"].replace("elsewhere", "X") == missing.json()["detail"].replace(
        "nowhere", "X"
    )


def test_a_coordinator_of_two_programs_chooses_one(
    client: TestClient, db: Session, paired: tuple[Actor, Actor, Actor]
) -> None:
    other = Program(slug="second", name="Second")
    db.add(other)
    db.flush()
    both = make_user(db, Role.coordinator, programs=(1, other.id))
    headers = bearer(token_for(db, both))
    db.commit()
    everyone = rows_of_csv(client.get(f"{URL}/newcomers", headers=headers).content)
    assert {r["Program"] for r in everyone} == {"main"} and len(everyone) == 2
    second = rows_of_csv(client.get(f"{URL}/newcomers?program=second", headers=headers).content)
    assert second == []
    bad = client.get(f"{URL}/newcomers?format=pdf", headers=headers)
    assert bad.status_code == 422 and "format" in bad.text
