"""A newcomer's several pathways in spreadsheets (issue 17), on both back ends: an import
reads a list cell (separated by ; or ,) in the sheet's order, the first the main one, from a
"Recovery pathways" column or an older "Recovery pathway" one; a bad list is a problem
naming its row and column; the export writes the list and imports back unchanged."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.newcomers.models import Newcomer
from mentormatch.spreadsheets import mappings
from mentormatch.spreadsheets.models import ImportMapping
from tests.conftest import Actor
from tests.spreadsheets.sheets import to_csv

URL = "/api/v1/imports/newcomers"
BASE = ["First name", "Email", "Gender", "Birth year", "Languages", "Time zone", "Substances",
        "Meeting modes"]  # fmt: skip


def row(name: str, pathways: str) -> list[str]:
    return [name, f"{name.lower()}@example.org", "woman", "1990", "en", "America/Chicago",
            "alcohol", "video", pathways]  # fmt: skip


def send(client: TestClient, who: Actor, content: bytes, *, dry_run: bool = False) -> dict:
    response = client.post(
        URL,
        params={"dry_run": str(dry_run).lower()},
        headers=who.headers,
        files={"file": ("newcomers.csv", content, "text/csv")},
    )
    return {"status": response.status_code, **response.json()}


def pathways_of(db: Session) -> dict[str, list[str]]:
    db.expire_all()
    return {n.first_name: n.pathways for n in db.scalars(select(Newcomer))}


def test_a_list_cell_keeps_its_order_and_exports_back_unchanged(
    client: TestClient, db: Session, coordinator: Actor
) -> None:
    sheet = to_csv(
        [*BASE, "Recovery pathways"],
        [row("Ana", "MAT; AA"), row("Bo", "SMART, faith-based"), row("Cy", "")],
    )
    done = send(client, coordinator, sheet)
    assert done["status"] == 200 and done["created"] == 3, done
    assert pathways_of(db) == {
        "Ana": ["medication_supported", "twelve_step"],
        "Bo": ["smart_recovery", "faith_based"],
        "Cy": [],
    }
    exported = client.get("/api/v1/exports/newcomers?format=csv", headers=coordinator.headers)
    rows = list(csv.DictReader(io.StringIO(exported.content.decode().lstrip("\ufeff"))))
    by_name = {r["First name"]: r["Pathways"] for r in rows}
    assert by_name["Ana"] == "medication_supported; twelve_step"
    assert by_name["Cy"] == ""
    again = send(client, coordinator, exported.content)
    assert (again["created"], again["updated"]) == (0, 0), again
    assert pathways_of(db)["Ana"] == ["medication_supported", "twelve_step"]


def test_an_older_single_pathway_column_is_the_main_one(
    client: TestClient, db: Session, coordinator: Actor
) -> None:
    done = send(client, coordinator, to_csv([*BASE, "Recovery pathway"], [row("Dee", "NA")]))
    assert done["status"] == 200, done
    assert pathways_of(db) == {"Dee": ["twelve_step"]}


def test_exploring_with_another_is_a_problem_naming_row_and_column(
    client: TestClient, db: Session, coordinator: Actor
) -> None:
    sheet = to_csv([*BASE, "Fellowship"], [row("Ana", "AA"), row("Eve", "undecided; SMART")])
    checked = send(client, coordinator, sheet, dry_run=True)
    ((number, column, text),) = [(p["row"], p["column"], p["text"]) for p in checked["problems"]]
    assert (number, column) == (3, "Fellowship")
    assert "still exploring" in text
    assert send(client, coordinator, sheet)["status"] == 422
    assert pathways_of(db) == {}


def test_a_saved_choice_naming_the_older_field_still_reads_the_column(
    client: TestClient, db: Session, coordinator: Actor
) -> None:
    header = [*BASE, "Path"]
    actor = Principal(Role.coordinator, program_ids=frozenset({1}))
    mappings.save(db, actor=actor, program_id=1, kind="newcomers", headers=header,
                  chosen={"Path": "pathways"})  # fmt: skip
    saved = db.scalars(select(ImportMapping)).one()
    saved.mapping = {**saved.mapping, "path": "pathway"}  # as saved before issue 17
    db.commit()
    done = send(client, coordinator, to_csv(header, [row("Flo", "SMART; MAT")]))
    assert done["status"] == 200, done
    assert pathways_of(db) == {"Flo": ["smart_recovery", "medication_supported"]}
