"""The access matrix's program dimension: a coordinator of program A against program B.

Program B holds a newcomer (urgent, with a recorded contact), a mentor and a pairing.
A coordinator of A calls every API route and every coordinator page that takes an id with
B's ids: each answer is identical to the answer for a missing object, nothing of B is
read (no audit row of A's coordinator names B's objects) or changed (B's rows are as
before), and no list, count or page of A's shows B's people. Both back ends.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.accounts.security import hash_token
from mentormatch.aftercare.models import Contact, FitAnswer, FitCheck
from mentormatch.audit.models import AuditEvent
from mentormatch.db import utcnow
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.newcomers.notes import CaseNote
from mentormatch.newcomers.urgent import UrgentContact
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import Program
from mentormatch.spreadsheets.models import ImportJob, ImportMapping
from mentormatch.web import csrf
from mentormatch.web.core import STAFF_COOKIE
from tests.api.test_access import ROUTES, _routes, call
from tests.factories import bearer, intake_body, make_user, newcomer_id, token_for
from tests.reliability.people import (
    BODIES,
    MISSING_ID,
    Cast,
    allowed_roles,
    insert_mentor,
    make_cast,
)

B_NEWCOMER = "Bq-newcomer-9c1e"
B_MENTOR = "Bq-mentor-9c1e"
B_HOPES = "bq-hopes-marker-9c1e"
B_COORDINATOR = "bq-coordinator-9c1e@example.org"  # alerted about B's urgent request
B_CONTACT_NOTE = "bq-contact-note-9c1e"  # a mentor's note on B's pairing
B_NOTE = "bq-case-note-9c1e"
B_FIT_WORD = "bq-fit-word-9c1e"  # the newcomer's word with a "not a fit" on B's pairing
B_COLUMN = "bq-column-9c1e"  # a column of B's saved choice for imports
B_JOB = "mmj_bq-import-job-9c1e"  # the key of an import B's coordinator started


def _program_b(client: TestClient, db: Session) -> dict[str, Any]:
    """Program B with one of everything, and B's own coordinator."""
    program = Program(slug="other-program", name="Other program")
    db.add(program)
    db.flush()
    coordinator_b = make_user(db, Role.coordinator, email=B_COORDINATOR, programs=(program.id,))
    db.commit()
    created = client.post(
        "/api/v1/newcomers",
        json=intake_body(
            first_name=B_NEWCOMER, hopes=B_HOPES, in_crisis=True, program="other-program"
        ),
    )
    assert created.status_code == 201, created.text
    newcomer = newcomer_id(db, created.json())
    mentor = insert_mentor(db, program_id=program.id, first_name=B_MENTOR)
    pairing = Pairing(
        program_id=program.id,
        newcomer_id=newcomer,
        mentor_id=mentor.id,
        status=PairingStatus.approved,
    )
    db.add(pairing)
    db.flush()
    db.add(UrgentContact(newcomer_id=newcomer, coordinator_id=coordinator_b.id,
                         outcome="no_answer", handled=False, note="B's note"))  # fmt: skip
    db.add(Contact(pairing_id=pairing.id, program_id=program.id, contacted_on=date(2026, 12, 1),
                   mode="phone", minutes=30, note=B_CONTACT_NOTE))  # fmt: skip
    db.add(CaseNote(newcomer_id=newcomer, pairing_id=pairing.id, author_id=coordinator_b.id,
                    author_role="coordinator", written_at=utcnow(), text=B_NOTE))  # fmt: skip
    db.add(FitCheck(pairing_id=pairing.id, program_id=program.id, side="newcomer",
                    answer=FitAnswer.not_a_fit, word=B_FIT_WORD))  # fmt: skip
    saved = ImportMapping(program_id=program.id, kind="mentors", headers_hash="b" * 64,
                          mapping={B_COLUMN: "recovery_start"})  # fmt: skip
    db.add(saved)
    db.add(ImportJob(key_hash=hash_token(B_JOB), user_id=coordinator_b.id, program_id=program.id,
                     kind="mentors", filename=f"{B_COLUMN}.csv", state="done"))  # fmt: skip
    db.commit()
    return {
        "program": program.id,
        "reference": created.json()["reference"],
        "ids": {
            "newcomer_id": newcomer,
            "mentor_id": mentor.id,
            "pairing_id": pairing.id,
            "program_id": program.id,
            "mapping_id": saved.id,
            "job": B_JOB,
        },
        "coordinator": bearer(token_for(db, coordinator_b)),
    }


def _state_of_b(db: Session, b: dict[str, Any]) -> tuple[Any, ...]:
    """Everything a change to B's objects would move."""
    db.expire_all()
    ids = b["ids"]
    newcomer = db.get_one(Newcomer, ids["newcomer_id"])
    mentor = db.get_one(Mentor, ids["mentor_id"])
    pairing = db.get_one(Pairing, ids["pairing_id"])
    contacts = db.scalars(
        select(UrgentContact.id).where(UrgentContact.newcomer_id == ids["newcomer_id"])
    ).all()
    notes = db.scalars(select(CaseNote.id).where(CaseNote.newcomer_id == ids["newcomer_id"])).all()
    return (
        (newcomer.version, newcomer.status, newcomer.urgent),
        (mentor.version, mentor.capacity, mentor.paused, mentor.active),
        (pairing.status, pairing.updated_at),
        tuple(contacts),
        tuple(db.scalars(select(Contact.id).where(Contact.pairing_id == ids["pairing_id"]))),
        tuple(notes),
        db.scalar(select(Pairing.id).where(Pairing.newcomer_id == ids["newcomer_id"]).limit(2)),
        tuple(
            db.execute(
                select(FitCheck.id, FitCheck.kept_at).where(
                    FitCheck.pairing_id == ids["pairing_id"]
                )
            )
        ),
    )


def _reads_of_b(db: Session, user_id: int, b: dict[str, Any]) -> list[tuple[str, int | None]]:
    """Audit rows of A's coordinator that name one of B's objects as read or changed."""
    named = {"newcomer": "newcomer_id", "mentor": "mentor_id", "pairing": "pairing_id"}
    rows = db.execute(
        select(AuditEvent.object_type, AuditEvent.object_id, AuditEvent.outcome).where(
            AuditEvent.actor_id == user_id, AuditEvent.actor_role == "coordinator"
        )
    ).all()
    return [
        (kind, object_id)
        for kind, object_id, outcome in rows
        if kind in named and object_id == b["ids"][named[kind]] and outcome == "ok"
    ]


def _a_coordinator_id(db: Session, cast: Cast) -> int:
    from mentormatch.accounts.models import User

    return db.scalars(select(User.id).where(User.email == cast.coordinator_email)).one()


COORDINATOR_ID_ROUTES = [r for r in ROUTES if r.id_params and "coordinator" in allowed_roles(r)]


def test_a_coordinator_of_a_gets_nothing_of_b_from_the_api(client: TestClient, db: Session) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    before = _state_of_b(db, b)
    for route in COORDINATOR_ID_ROUTES:
        b_ids = {**cast.own["coordinator"], **b["ids"]}
        other = call(client, route, cast, "coordinator", b_ids)
        missing = call(client, route, cast, "coordinator", {})
        assert other.status_code < 500, (route.path, other.text)
        assert (other.status_code, other.json()) == (missing.status_code, missing.json()), (
            route.method,
            route.path,
        )
    assert _state_of_b(db, b) == before  # 0 changes
    assert db.get(ImportMapping, b["ids"]["mapping_id"]) is not None  # B's saved choice kept
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []  # 0 reads


@pytest.mark.parametrize(
    ("body_ids", "missing_ids"),
    [
        ({"newcomer_id": "b", "mentor_id": "a"}, {"newcomer_id": MISSING_ID, "mentor_id": "a"}),
        ({"newcomer_id": "a", "mentor_id": "b"}, {"newcomer_id": "a", "mentor_id": MISSING_ID}),
    ],
    ids=["b-newcomer", "b-mentor"],
)
def test_a_pairing_across_programs_answers_like_a_missing_person(
    client: TestClient, db: Session, body_ids: dict[str, Any], missing_ids: dict[str, Any]
) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    before = _state_of_b(db, b)
    a = {
        "newcomer_id": cast.own["newcomer"]["newcomer_id"],
        "mentor_id": cast.own["mentor"]["mentor_id"],
    }

    def body(choice: dict[str, Any]) -> dict[str, Any]:
        return {
            k: (a[k] if v == "a" else b["ids"][k] if v == "b" else v) for k, v in choice.items()
        }

    headers = cast.headers["coordinator"]
    crossed = client.post("/api/v1/pairings", json=body(body_ids), headers=headers)
    missing = client.post("/api/v1/pairings", json=body(missing_ids), headers=headers)
    assert crossed.status_code == 404, crossed.text
    assert crossed.json() == missing.json()
    # B's own coordinator cannot pair across either: the other program's person is missing.
    crossed_b = client.post("/api/v1/pairings", json=body(body_ids), headers=b["coordinator"])
    assert crossed_b.status_code == 404, crossed_b.text
    assert _state_of_b(db, b) == before


def test_a_do_not_pair_entry_cannot_name_bs_mentor(client: TestClient, db: Session) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    own = cast.own["newcomer"]["newcomer_id"]
    url = f"/api/v1/newcomers/{own}/do-not-pair"
    headers = cast.headers["coordinator"]
    crossed = client.post(url, json={"mentor_id": b["ids"]["mentor_id"], "reason": "household"},
                          headers=headers)  # fmt: skip
    missing = client.post(url, json={"mentor_id": MISSING_ID, "reason": "household"},
                          headers=headers)  # fmt: skip
    assert crossed.status_code == 404
    assert crossed.json() == missing.json()


LIST_ROUTES = [
    r for r in ROUTES if r.method == "GET" and not r.id_params and "coordinator" in allowed_roles(r)
]


def _markers_of_b(b: dict[str, Any]) -> tuple[str, ...]:
    return (
        *(
            B_NEWCOMER,
            B_MENTOR,
            B_HOPES,
            B_COORDINATOR,
            B_CONTACT_NOTE,
            B_NOTE,
            B_FIT_WORD,
            B_COLUMN,
        ),
        b["reference"],
    )


def test_no_list_of_a_shows_bs_people(client: TestClient, db: Session) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    assert LIST_ROUTES, "the coordinator has list routes"
    for route in LIST_ROUTES:
        response = call(client, route, cast, "coordinator", cast.own["coordinator"])
        assert response.status_code == 200, (route.path, response.text)
        for marker in _markers_of_b(b):
            assert marker not in response.text, (route.path, marker)
    # B's own coordinator does see them: the markers are not simply absent everywhere.
    seen = client.get("/api/v1/newcomers/urgent-cases", headers=b["coordinator"])
    assert B_NEWCOMER in seen.text


COORDINATOR_PAGES = [
    r
    for r in _routes()
    if r.method == "GET" and r.path.startswith("/coordinator") and r.dependant is not None
]


def _page(client: TestClient, cast: Cast, url: str) -> httpx.Response:
    client.cookies.clear()
    token = cast.headers["coordinator"]["Authorization"].removeprefix("Bearer ")
    client.cookies.set(STAFF_COOKIE, token)
    return client.get(url, follow_redirects=False)


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def test_coordinator_pages_of_a_show_nothing_of_b(client: TestClient, db: Session) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    before = _state_of_b(db, b)
    assert COORDINATOR_PAGES
    for route in COORDINATOR_PAGES:
        if route.id_params:
            other = _page(client, cast, route.path.format(**b["ids"]))
            missing = _page(
                client, cast, route.path.format(**dict.fromkeys(route.id_params, MISSING_ID))
            )
            assert other.status_code == missing.status_code == 404, (route.path, other.status_code)
            assert _without_csrf(other.text) == _without_csrf(missing.text), route.path
        else:
            page = _page(client, cast, route.path)
            assert page.status_code == 200, (route.path, page.status_code)
            for marker in _markers_of_b(b):
                assert marker not in page.text, (route.path, marker)
    client.cookies.clear()
    assert _state_of_b(db, b) == before
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []


def _form_answers_like_a_missing_one(
    app: FastAPI, client: TestClient, cast: Cast, path: str, b_id: int, data: dict[str, str]
) -> None:
    """A's coordinator posts a page form to B's object and to a missing one: the same 404."""
    token = csrf.sign(app.state.settings.secret_key, "program-b")
    answers = []
    for object_id in (b_id, MISSING_ID):
        client.cookies.clear()
        client.cookies.set(csrf.COOKIE, "program-b")
        staff = cast.headers["coordinator"]["Authorization"].removeprefix("Bearer ")
        client.cookies.set(STAFF_COOKIE, staff)
        url = path.format(object_id)
        answers.append(client.post(url, data={csrf.FIELD: token, **data}, follow_redirects=False))
    other, missing = answers
    assert other.status_code == missing.status_code == 404, (path, other.text[:300])
    assert _without_csrf(other.text) == _without_csrf(missing.text), path
    client.cookies.clear()


def test_a_new_episode_for_bs_newcomer_answers_like_a_missing_one(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    before = _state_of_b(db, b)
    _form_answers_like_a_missing_one(app, client, cast, "/coordinator/newcomers/{}/new-episode",
                                     b["ids"]["newcomer_id"], {"version": "1"})  # fmt: skip
    assert _state_of_b(db, b) == before
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []


MENTOR_FORMS = ("/coordinator/mentors/{mentor_id}/status", "/coordinator/mentors/{mentor_id}/edit")


def test_keeping_bs_pairing_after_a_not_a_fit_answers_like_a_missing_one(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    before = _state_of_b(db, b)
    _form_answers_like_a_missing_one(app, client, cast, "/coordinator/pairings/{}/keep",
                                     b["ids"]["pairing_id"], {})  # fmt: skip
    assert _state_of_b(db, b) == before
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []


def test_mentor_forms_and_search_of_a_never_reach_b(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    before = _state_of_b(db, b)
    pause = {"action": "pause", "version": "1", "confirmed": "yes", "capacity": "3"}
    for path in MENTOR_FORMS:
        mentor_path = path.replace("{mentor_id}", "{}")
        _form_answers_like_a_missing_one(app, client, cast, mentor_path, b["ids"]["mentor_id"],
                                         pause)  # fmt: skip
    b_link = f'href="/coordinator/mentors/{b["ids"]["mentor_id"]}"'
    for query in (f"q={B_MENTOR}", "q=bq-mentor", "q=bq&status=taking&free=true"):
        found = _page(client, cast, f"/coordinator/mentors?{query}")
        assert found.status_code == 200, query
        assert re.search(r'id="mentors-total" role="status">0 mentors found', found.text), query
        assert b_link not in found.text, query
        api = client.get(f"/api/v1/mentors?{query}", headers=cast.headers["coordinator"])
        assert B_MENTOR not in api.text, query
    client.cookies.clear()
    assert _state_of_b(db, b) == before
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []
    # B's own coordinator finds B's mentor by the same search.
    theirs = client.get(f"/api/v1/mentors?q={B_MENTOR}", headers=b["coordinator"])
    assert theirs.json()["total"] == 1


def test_a_coordinator_of_both_programs_sees_which_program_each_belongs_to(
    client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    both = make_user(db, Role.coordinator, programs=(1, b["program"]))
    cast.headers["coordinator"] = bearer(token_for(db, both))
    db.commit()
    queue = _page(client, cast, "/coordinator")
    assert B_NEWCOMER in queue.text and "Other program" in queue.text
    page = _page(client, cast, f"/coordinator/newcomers/{b['ids']['newcomer_id']}")
    assert page.status_code == 200
    assert re.search(r'id="program">Other program<', page.text)
    client.cookies.clear()
    # A coordinator of one program is not told about programs at all.
    cast.headers["coordinator"] = b["coordinator"]
    assert "Other program" not in _page(client, cast, "/coordinator").text
    client.cookies.clear()


def test_a_search_of_a_never_finds_bs_newcomer(client: TestClient, db: Session) -> None:
    """By B's exact name, the start of it, phone, email or reference: A's coordinator finds
    nobody of B's (API and queue page), while B's own coordinator finds them each time."""
    cast = make_cast(client, db)
    b = _program_b(client, db)
    theirs = db.get_one(Newcomer, b["ids"]["newcomer_id"])
    searches = (B_NEWCOMER, B_NEWCOMER[:6].lower(), theirs.phone, theirs.email, b["reference"])
    for q in searches:
        assert q
        found = client.get(
            "/api/v1/newcomers", params={"q": q}, headers=cast.headers["coordinator"]
        )
        assert found.status_code == 200, found.text
        assert theirs.id not in [item["id"] for item in found.json()["items"]], q
        assert B_NEWCOMER not in found.text, q
        page = _page(client, cast, "/coordinator?" + urlencode({"q": q, "status": ""}))
        assert page.status_code == 200, q
        table = re.search(r'<table class="list" id="queue">.*?</table>', page.text, re.DOTALL)
        listed = table.group(0) if table else ""  # (the search form echoes what was typed)
        assert f"/coordinator/newcomers/{theirs.id}" not in page.text, q
        assert B_NEWCOMER not in listed and b["reference"] not in listed, q
        client.cookies.clear()
        own = client.get("/api/v1/newcomers", params={"q": q}, headers=b["coordinator"])
        assert theirs.id in [item["id"] for item in own.json()["items"]], q


def test_proposals_of_b_answer_like_a_missing_program(client: TestClient, db: Session) -> None:
    """A whole-pool proposal, a list of proposals and the proposals page for program B:
    exactly what a program that does not exist gets, and nothing of B moves."""
    cast = make_cast(client, db)
    b = _program_b(client, db)
    before = _state_of_b(db, b)
    headers = cast.headers["coordinator"]
    for ask in (
        lambda program: client.post(
            "/api/v1/pairings/proposals", params={"program_id": program}, headers=headers
        ),
        lambda program: client.get(
            "/api/v1/pairings", params={"program_id": program}, headers=headers
        ),
    ):
        other, missing = ask(b["program"]), ask(MISSING_ID)
        assert other.status_code == missing.status_code == 404, other.text
        assert other.json() == missing.json()
    other = _page(client, cast, f"/coordinator/proposals?program={b['program']}")
    missing = _page(client, cast, f"/coordinator/proposals?program={MISSING_ID}")
    assert other.status_code == missing.status_code == 404
    assert _without_csrf(other.text) == _without_csrf(missing.text)
    client.cookies.clear()
    assert _state_of_b(db, b) == before
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []


def test_an_export_naming_bs_program_answers_like_a_missing_program(
    client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    headers = cast.headers["coordinator"]
    for kind in ("newcomers", "mentors", "pairings"):
        named = client.get(f"/api/v1/exports/{kind}?program=other-program", headers=headers)
        missing = client.get(f"/api/v1/exports/{kind}?program=no-program", headers=headers)
        assert named.status_code == missing.status_code == 404, named.text
        assert named.json()["detail"].replace("other-program", "?") == missing.json()[
            "detail"
        ].replace("no-program", "?")
        page = _page(client, cast, f"/coordinator/spreadsheets/download?kind={kind}"
                     "&program=other-program")  # fmt: skip
        assert page.status_code == 404
        for marker in _markers_of_b(b):
            assert marker not in named.text + page.text
    for path in (
        "/coordinator/outcomes", "/coordinator/outcomes/download",
        "/coordinator/follow-ups", "/coordinator/follow-ups/download",
    ):  # fmt: skip
        other = _page(client, cast, f"{path}?program=other-program")
        missing = _page(client, cast, f"{path}?program=no-program")
        assert other.status_code == missing.status_code == 404, path
        assert _without_csrf(other.text).replace("other-program", "?") == _without_csrf(
            missing.text
        ).replace("no-program", "?")
    client.cookies.clear()
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []
    # B's own coordinator exports B's people.
    theirs = client.get("/api/v1/exports/newcomers?program=other-program", headers=b["coordinator"])
    assert B_NEWCOMER in theirs.text


def test_an_import_into_bs_program_answers_like_a_missing_program(
    client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    before = _state_of_b(db, b)
    headers = cast.headers["coordinator"]
    for kind in ("mentors", "newcomers"):
        for dry_run in ("true", "false"):
            body = BODIES[("POST", f"/api/v1/imports/{kind}")](cast)
            answers = [
                client.post(
                    f"/api/v1/imports/{kind}",
                    headers=headers,
                    params={"dry_run": dry_run},
                    data={"program": program},
                    **body,
                )
                for program in ("other-program", "no-program")
            ]
            named, missing = answers
            assert named.status_code == missing.status_code == 404, named.text
            assert named.json()["detail"].replace("other-program", "?") == missing.json()[
                "detail"
            ].replace("no-program", "?")
    assert _state_of_b(db, b) == before
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []
    # B's own coordinator imports into B.
    body = BODIES[("POST", "/api/v1/imports/mentors")](cast)
    theirs = client.post(
        "/api/v1/imports/mentors",
        headers=b["coordinator"],
        data={"program": "other-program"},
        **body,
    )
    assert theirs.status_code == 200 and theirs.json()["created"] == 1, theirs.text


TRAILS = (
    "/coordinator/newcomers/{newcomer_id}/trail",
    "/coordinator/mentors/{mentor_id}/trail",
    "/coordinator/pairings/{pairing_id}/trail",
)


def test_a_records_trail_is_for_the_coordinators_of_its_program(
    client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    b = _program_b(client, db)
    for path in TRAILS:
        other = _page(client, cast, path.format(**b["ids"]))
        missing = _page(client, cast, path.format(**dict.fromkeys(b["ids"], MISSING_ID)))
        assert other.status_code == missing.status_code == 404, path
        assert _without_csrf(other.text) == _without_csrf(missing.text), path
    assert _reads_of_b(db, _a_coordinator_id(db, cast), b) == []  # not even the trail's view
    cast.headers["coordinator"] = b["coordinator"]
    for path in TRAILS:
        own = _page(client, cast, path.format(**b["ids"]))
        assert own.status_code == 200, path
        assert "You</td>" in own.text and "viewed this trail" in own.text, path
    client.cookies.clear()
