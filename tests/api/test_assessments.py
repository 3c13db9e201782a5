"""Assessments (issue 19): questionnaires are data (BARC-10 ships; an admin adds a funder's
own), a newcomer answers from their link, a coordinator enters answers from a call; totals
and their change are read by the newcomer and their program's coordinators, never a mentor;
every bad answer is named and nothing is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.assessments.models import Assessment, Instrument
from mentormatch.audit.models import AuditEvent
from tests.conftest import Actor

INSTRUMENTS = "/api/v1/instruments"
MINE = "/api/v1/newcomers/me/assessments"


def answers(*values: int) -> dict[str, int]:
    return {f"q{n}": value for n, value in enumerate(values, 1)}


def listed(given: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"item": item, "value": value} for item, value in given.items()]


def barc10(*values: int) -> dict[str, Any]:
    return {"instrument": "barc10", "answers": listed(answers(*values)), "language": "en"}


def kept(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Assessment)) or 0


def test_barc10_ships_as_data(client: TestClient, make_newcomer: Callable[..., Actor]) -> None:
    sam = make_newcomer()
    [shipped] = client.get(INSTRUMENTS, headers=sam.headers).json()
    definition = shipped["definition"]
    assert shipped["code"] == "barc10" and len(definition["items"]) == 10
    assert [c["value"] for c in definition["scale"]] == [1, 2, 3, 4, 5, 6]
    assert definition["scale"][0]["label"]["en"] == "Strongly disagree"
    assert definition["threshold"] == 47
    assert definition["items"][0]["text"]["en"].startswith("There are more important things")
    assert definition["languages"] == ["en", "es"] and definition["validated_languages"] == ["en"]


def test_a_stored_barc10_gains_this_releases_spanish_and_answers_say_their_wording(
    client: TestClient, db: Session, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer()
    english = client.post(MINE, json=barc10(*[4] * 10), headers=sam.headers).json()
    assert english["language"] == "en" and english["validated_wording"] is True
    stored = db.scalars(select(Instrument)).one()
    older = dict(stored.definition)  # as an earlier release wrote it: English only
    older.update(languages=["en"], validated_languages=None, names=None,
                 items=[{**i, "text": {"en": i["text"]["en"]}} for i in older["items"]],
                 scale=[{**c, "label": {"en": c["label"]["en"]}} for c in older["scale"]],
                 threshold_meaning={"en": older["threshold_meaning"]["en"]})  # fmt: skip
    stored.definition = older
    db.commit()
    spanish = client.post(MINE, json={**barc10(*[5] * 10), "language": "es"}, headers=sam.headers)
    assert spanish.status_code == 201, spanish.text
    assert spanish.json()["language"] == "es" and spanish.json()["validated_wording"] is False


def test_a_newcomer_answers_and_a_coordinator_enters_a_follow_up_from_a_call(
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
) -> None:
    sam = make_newcomer()
    app.state.clock = lambda: datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    first = client.post(MINE, json=barc10(3, 4, 3, 2, 3, 4, 3, 5, 4, 4), headers=sam.headers)
    assert first.status_code == 201, first.text
    assert first.json()["total"] == 35 and first.json()["change"] is None
    assert first.json()["entered_by_coordinator"] is False

    app.state.clock = lambda: datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    url = f"/api/v1/newcomers/{sam.newcomer_id}/assessments"
    later = client.post(url, json=barc10(5, 5, 4, 4, 5, 5, 4, 6, 5, 5), headers=coordinator.headers)
    assert later.status_code == 201, later.text
    assert later.json()["total"] == 48 and later.json()["change"] == 13
    assert later.json()["entered_by_coordinator"] is True

    read = client.get(url, headers=coordinator.headers).json()
    assert read["total"] == 2 and [a["total"] for a in read["items"]] == [48, 35]
    assert read["items"][0]["answers"]["q8"] == 6  # BARC-10 lets coordinators read answers
    own = client.get(MINE, headers=sam.headers).json()
    assert [a["change"] for a in own["items"]] == [13, None]
    mentor = make_mentor()
    assert client.get(url, headers=mentor.headers).status_code == 403
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == sam.newcomer_id)
    ).all()
    assert actions.count("assessment") == 2 and "read_assessments" in actions
    export = client.get("/api/v1/newcomers/me/export", headers=sam.headers).json()
    assert [(a["total"], a["entered_by_role"]) for a in export["assessments"]] == [
        (35, "newcomer"),
        (48, "coordinator"),
    ]


def test_every_bad_answer_is_named_and_nothing_is_kept(
    client: TestClient, db: Session, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer()
    nine = barc10(4, 4, 4, 4, 4, 4, 4, 4, 4)
    twice = [*listed(answers(*[4] * 10)), {"item": "q1", "value": 4}]
    off_scale = barc10(4, 4, 4, 4, 7, 4, 4, 4, 4, 4)
    for body, field, status in (
        (nine, "answers.q10", 422),
        (off_scale, "answers.q5", 422),
        (
            {**barc10(*[4] * 10), "answers": listed({**answers(*[4] * 10), "q11": 4})},
            "answers.q11",
            422,
        ),
        (
            {**barc10(*[4] * 10), "answers": listed({**answers(*[4] * 9), "q10": True})},
            "value",
            422,
        ),
        (
            {
                **barc10(*[4] * 10),
                "answers": twice,
            },
            "q1 is answered twice",
            422,
        ),
        ({**barc10(*[4] * 10), "language": "fr"}, "language", 422),  # not worded in French
        ({**barc10(*[4] * 10), "instrument": "gpra"}, "instrument", 404),
    ):
        refused = client.post(MINE, json=body, headers=sam.headers)
        assert refused.status_code == status, (field, refused.text)
        assert field in refused.text
    assert kept(db) == 0


def test_an_admin_adds_a_funders_questionnaire(
    client: TestClient, admin: Actor, coordinator: Actor, make_newcomer: Callable[..., Actor]
) -> None:
    scale = [{"value": v, "label": {"en": w}} for v, w in ((0, "No"), (1, "Yes"))]
    items = [{"code": "housed", "text": {"en": "I have stable housing."}},
             {"code": "working", "text": {"en": "I am working or studying."}}]  # fmt: skip
    definition = {"code": "funder_two", "name": "Funder's two questions", "languages": ["en"],
                  "items": items, "scale": scale, "answers_seen_by": []}  # fmt: skip
    assert client.post(INSTRUMENTS, json=definition, headers=coordinator.headers).status_code == 403
    for broken, field in (
        ({**definition, "scale": list(reversed(scale))}, "scale"),
        ({**definition, "items": [items[0], items[0]]}, "items"),
        ({**definition, "languages": ["en", "es"]}, "worded"),
        ({**definition, "code": "Funder 2"}, "code"),
        ({**definition, "validated_languages": ["es"]}, "validated_languages"),
    ):
        refused = client.post(INSTRUMENTS, json=broken, headers=admin.headers)
        assert refused.status_code == 422 and field in refused.text, refused.text
    added = client.post(INSTRUMENTS, json=definition, headers=admin.headers)
    assert added.status_code == 201, added.text
    again = client.post(INSTRUMENTS, json=definition, headers=admin.headers)
    assert again.status_code == 409 and "code" in again.text

    sam = make_newcomer()
    body = {"instrument": "funder_two", "answers": listed({"housed": 1, "working": 0})}
    done = client.post(MINE, json=body, headers=sam.headers)
    assert done.status_code == 201 and done.json()["total"] == 1
    read = client.get(
        f"/api/v1/newcomers/{sam.newcomer_id}/assessments", headers=coordinator.headers
    ).json()
    assert read["items"][0]["total"] == 1
    assert read["items"][0]["answers"] is None  # this questionnaire keeps answers to the person
