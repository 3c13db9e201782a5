"""The coordinator's outcomes per month (page and download): pairings begun and still active
30 and 90 days on, endings as planned and early by reason, fit-check answers, contacts and
quiet pairings — counted from the pairings' own history, for the coordinator's programs."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.aftercare.models import Contact, ContactMode, FitAnswer, FitCheck, Nudge, NudgeKind
from mentormatch.audit.models import AuditEvent
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in

NOW = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


def pairing(db: Session, newcomer: Actor, mentor: Actor, began: datetime,
            ended: tuple[datetime, str] | None = None, program_id: int = DEFAULT_PROGRAM_ID,
            ) -> int:  # fmt: skip
    """A pairing accepted at `began`, ended at `ended` for its reason (or still active)."""
    row = Pairing(
        program_id=program_id,
        newcomer_id=newcomer.newcomer_id,
        mentor_id=mentor.mentor_id,
        status=PairingStatus.ended if ended else PairingStatus.active,
    )
    db.add(row)
    db.flush()
    db.add(PairingEvent(pairing_id=row.id, from_status="approved", to_status="active",
                        actor_role="mentor", reason="accepted", at=began))  # fmt: skip
    if ended:
        db.add(PairingEvent(pairing_id=row.id, from_status="active", to_status="ended",
                            actor_role="coordinator", reason=ended[1], at=ended[0]))  # fmt: skip
    db.flush()
    return row.id


@pytest.fixture
def history(
    app: FastAPI,
    db: Session,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
) -> dict[str, int]:
    app.state.clock = lambda: NOW
    mentor = make_mentor(capacity=5)
    people = [make_newcomer(first_name=f"N{i}") for i in range(5)]
    ids = {
        "steady": pairing(db, people[0], mentor, at(10, 5)),
        "early": pairing(db, people[1], mentor, at(10, 10), (at(10, 20), "not_a_fit")),
        "graduated": pairing(db, people[2], mentor, at(6, 1), (at(11, 2), "completed")),
        "new": pairing(db, people[3], mentor, at(12, 1)),
    }
    elsewhere = Program(slug="elsewhere", name="Elsewhere")
    db.add(elsewhere)
    db.flush()
    ids["elsewhere"] = pairing(db, people[4], mentor, at(10, 6), program_id=elsewhere.id)
    db.add_all([
        FitCheck(pairing_id=ids["steady"], program_id=1, side="newcomer",
                 answer=FitAnswer.good_fit, answered_at=at(10, 20)),
        FitCheck(pairing_id=ids["early"], program_id=1, side="mentor",
                 answer=FitAnswer.not_a_fit, answered_at=at(10, 18)),
        *(Contact(pairing_id=ids["steady"], program_id=1, contacted_on=day,
                  mode=ContactMode.phone, minutes=30)
          for day in (date(2026, 10, 7), date(2026, 10, 14), date(2026, 11, 3))),
        Contact(pairing_id=ids["early"], program_id=1, contacted_on=date(2026, 10, 12),
                mode=ContactMode.video, minutes=45),
        Nudge(pairing_id=ids["steady"], program_id=1, kind=NudgeKind.quiet_escalation,
              quiet_since=date(2026, 11, 3), after_days=21, at=at(12, 2)),
    ])  # fmt: skip
    db.commit()
    return ids


def test_the_page_counts_each_month_from_the_pairings_history(
    client: TestClient, db: Session, coordinator: Actor, history: dict[str, int]
) -> None:
    signed_in(client, db, coordinator.user_id)
    page = client.get("/coordinator/outcomes?months=3")
    assert page.status_code == 200
    rows = {
        month: page.text.split(f'id="month-{month}">', 1)[1].split("</tr>", 1)[0]
        for month in ("2026-10", "2026-11", "2026-12")
    }
    cells = {m: [c.split("</td>")[0] for c in r.split("<td>")[1:]] for m, r in rows.items()}
    # begun, at 30 days, at 90 days, planned, early, contacts, in touch, quiet
    assert cells["2026-10"] == ["2", "1 of 2 (50 %)", "—", "0", "1", "3", "2", "0"]
    assert cells["2026-11"] == ["0", "—", "—", "1", "0", "1", "1", "0"]
    assert cells["2026-12"] == ["1", "—", "—", "0", "0", "0", "0", "1"]
    assert page.text.index('id="month-2026-12"') < page.text.index('id="month-2026-10"')
    early = page.text.split('id="early"', 1)[1].split("</table>", 1)[0]
    assert "Not a good fit" in early and "October 2026" in early
    fit = page.text.split('id="fit"', 1)[1].split("</table>", 1)[0]
    assert "A good fit" in fit and "Not a fit" in fit


def test_the_download_is_the_same_table_oldest_first_and_audited(
    client: TestClient, db: Session, coordinator: Actor, history: dict[str, int]
) -> None:
    signed_in(client, db, coordinator.user_id)
    response = client.get("/coordinator/outcomes/download?format=csv&months=3")
    assert response.status_code == 200
    assert 'filename="outcomes-all-2026-12.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Month"] for r in rows] == ["2026-10", "2026-11", "2026-12"]
    october = rows[0]
    assert october["Pairings begun"] == "2"
    assert (october["Reached 30 days"], october["Active at 30 days"]) == ("2", "1")
    assert october["Share active at 30 days"] == "50 %"
    assert october["Ended early: Not a good fit"] == "1"
    assert october["Fit check: Not a fit"] == "1" and october["Fit check: A good fit"] == "1"
    assert (october["Contacts logged"], october["Contacts per pairing in touch"]) == ("3", "1.5")
    assert rows[1]["Ended as planned"] == "1" and rows[2]["Went quiet"] == "1"
    workbook = client.get("/coordinator/outcomes/download?format=xlsx&months=3&program=main")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None and sheet.max_row == 4  # the header and three months
    exports = db.scalars(
        select(AuditEvent.object_id).where(
            AuditEvent.action == "outcomes_export", AuditEvent.actor_id == coordinator.user_id
        )
    ).all()
    assert exports == [DEFAULT_PROGRAM_ID, DEFAULT_PROGRAM_ID]  # one per download


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("months=0", 422, "months"),
        ("months=61", 422, "months"),
        ("months=twelve", 422, "months"),
        ("program=elsewhere", 404, "no program called"),
        ("program=Not+A+Slug", 422, "program"),
    ],
)
def test_a_bad_choice_is_named(
    client: TestClient, db: Session, coordinator: Actor, query: str, status: int, words: str
) -> None:
    signed_in(client, db, coordinator.user_id)
    for path in ("/coordinator/outcomes", "/coordinator/outcomes/download"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == status, (path, response.text[:200])
        assert words in response.text.lower()
