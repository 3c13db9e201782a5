"""A small cast for access tests: each role with an object of its own and someone else's."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.dependencies import role_rules
from mentormatch.accounts.models import Role
from mentormatch.accounts.security import hash_token
from mentormatch.db import utcnow
from mentormatch.mentors.models import Mentor
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from mentormatch.spreadsheets.models import ImportJob, ImportMapping
from tests.factories import (
    PASSWORD,
    bearer,
    intake_body,
    make_user,
    mentor_body,
    newcomer_id,
    token_for,
)
from tests.reliability.routes import RouteInfo

ROLES = ("anonymous", "newcomer", "mentor", "coordinator", "admin")
MISSING_ID = 2_000_000_000  # fits a 32-bit integer column on both back ends
OWN_JOB, OTHER_JOB = "mmj_own-import-job", "mmj_other-import-job"  # import jobs' keys

# Strings only the people they belong to (and coordinators) may ever see.
OTHER_HOPES = "zq-hopes-marker-7f3a"
OTHER_EMAIL = "zq-other-newcomer-7f3a@example.org"
OTHER_PHONE = "+1 312 555 3311"
OTHER_MENTOR_PHONE = "+1 312 555 4422"
OTHER_MENTOR_INTERESTS = "zq-mentor-interests-7f3a"
NEVER_SHOWN = ("$argon2", "password_hash", "token_hash", "status_token_hash")


def insert_mentor(db: Session, program_id: int = DEFAULT_PROGRAM_ID, **overrides: object) -> Mentor:
    """A mentor and their account written directly (no argon2 hashing per mentor)."""
    body = mentor_body(**overrides)
    user = make_user(db, Role.mentor, email=body.pop("email"))
    body["recovery_start"] = date.fromisoformat(body["recovery_start"])
    mentor = Mentor(**body, user_id=user.id, program_id=program_id)
    db.add(mentor)
    db.flush()
    return mentor


@dataclass
class Cast:
    """Headers per role, and per id parameter the caller's own object and someone else's."""

    headers: dict[str, dict[str, str]]
    own: dict[str, dict[str, int]] = field(default_factory=dict)
    other: dict[str, dict[str, int]] = field(default_factory=dict)
    other_status_token: str = ""
    coordinator_email: str = ""


def make_cast(client: TestClient, db: Session) -> Cast:
    """Two of everything: the caller's own and another person's, with marker strings."""
    own_intake = client.post("/api/v1/newcomers", json=intake_body(first_name="Own")).json()
    other_intake = client.post(
        "/api/v1/newcomers",
        json=intake_body(
            first_name="Other", hopes=OTHER_HOPES, email=OTHER_EMAIL, phone=OTHER_PHONE
        ),
    ).json()
    own_id, other_id = newcomer_id(db, own_intake), newcomer_id(db, other_intake)
    own_mentor = insert_mentor(db, first_name="Mine")
    other_mentor = insert_mentor(
        db, first_name="Theirs", phone=OTHER_MENTOR_PHONE, interests=OTHER_MENTOR_INTERESTS
    )
    coordinator = make_user(db, Role.coordinator)
    other_coordinator = make_user(db, Role.coordinator)
    admin = make_user(db, Role.admin)
    # The mentor has been asked about the other newcomer but has not accepted.
    asked = Pairing(
        program_id=DEFAULT_PROGRAM_ID,
        newcomer_id=other_id,
        mentor_id=own_mentor.id,
        status=PairingStatus.approved,
    )
    theirs = Pairing(
        program_id=DEFAULT_PROGRAM_ID,
        newcomer_id=own_id,
        mentor_id=other_mentor.id,
        status=PairingStatus.approved,
    )
    # Another program, archived so that public requests still have one place to go.
    elsewhere = Program(slug="elsewhere", name="Elsewhere", archived_at=utcnow())
    db.add_all([asked, theirs, elsewhere])
    db.flush()
    # Saved choices of columns: one for the coordinator and one for the admin to forget in
    # the main program, and one of the other program.
    saved = [
        ImportMapping(program_id=program, kind=kind, headers_hash=kind[0] * 64, mapping={"x": ""})
        for program, kind in (
            (DEFAULT_PROGRAM_ID, "mentors"),
            (DEFAULT_PROGRAM_ID, "newcomers"),
            (elsewhere.id, "mentors"),
        )
    ]
    db.add_all(saved)
    # An import job of the coordinator's and one of another coordinator's.
    jobs = {
        who: ImportJob(key_hash=hash_token(key), user_id=who.id, program_id=DEFAULT_PROGRAM_ID,
                       kind="mentors", filename="m.csv", state="done")
        for who, key in ((coordinator, OWN_JOB), (other_coordinator, OTHER_JOB))
    }  # fmt: skip
    db.add_all(jobs.values())
    db.flush()
    mentor_user = own_mentor.user_id
    headers = {
        "anonymous": {},
        "newcomer": bearer(own_intake["status_token"]),
        "mentor": bearer(token_for(db, db.get_one(type(coordinator), mentor_user))),
        "coordinator": bearer(token_for(db, coordinator)),
        "admin": bearer(token_for(db, admin)),
    }
    db.commit()
    everyone_else = {
        "newcomer_id": other_id,
        "mentor_id": other_mentor.id,
        "user_id": other_coordinator.id,
        "pairing_id": theirs.id,
        "program_id": elsewhere.id,
        "mapping_id": saved[2].id,
        "job": OTHER_JOB,  # type: ignore[dict-item]
    }
    cast = Cast(
        headers=headers,
        other_status_token=other_intake["status_token"],
        coordinator_email=coordinator.email,
    )
    for role in ROLES:
        cast.other[role] = dict(everyone_else)
        cast.own[role] = dict(everyone_else)
    cast.other["newcomer"]["pairing_id"] = asked.id
    cast.own["newcomer"] |= {"newcomer_id": own_id, "pairing_id": theirs.id}
    cast.own["mentor"] |= {"mentor_id": own_mentor.id, "pairing_id": asked.id}
    for role in ROLES:
        cast.own[role]["program_id"] = DEFAULT_PROGRAM_ID
    cast.own["coordinator"]["mapping_id"] = saved[0].id
    cast.own["coordinator"]["job"] = OWN_JOB  # type: ignore[assignment]
    cast.own["admin"]["mapping_id"] = saved[1].id
    return cast


def allowed_roles(route: RouteInfo) -> set[str]:
    """The roles a route's rule admits ('public' admits everyone)."""
    rules = role_rules(route.dependant)
    roles = {role for rule in rules for role in rule}
    return set(ROLES) if "public" in roles else roles


_counter = itertools.count()

# A valid request body per route, so that a refusal cannot hide behind a 422.
BARC10_ANSWERS = {
    "instrument": "barc10",
    "answers": [{"item": f"q{n}", "value": 4} for n in range(1, 11)],
}
BODIES: dict[tuple[str, str], Callable[[Cast], dict[str, Any]]] = {
    ("POST", "/api/v1/auth/token"): lambda c: {
        "data": {"username": c.coordinator_email, "password": PASSWORD}
    },
    ("POST", "/api/v1/users"): lambda c: {
        "json": {
            "email": f"new-{next(_counter)}@example.org",
            "role": "coordinator",
            "password": "a long enough password",
        }
    },
    ("PATCH", "/api/v1/users/{user_id}"): lambda c: {"json": {"is_active": True}},
    ("POST", "/api/v1/account/password/forgot"): lambda c: {"json": {"email": c.coordinator_email}},
    ("POST", "/api/v1/account/password/set"): lambda c: {
        "json": {"token": "mma_unknown", "password": "river lantern copper meadow"}
    },
    ("POST", "/api/v1/account/password/change"): lambda c: {
        "json": {"current_password": PASSWORD, "new_password": "river lantern copper meadow"}
    },
    ("POST", "/api/v1/newcomers"): lambda c: {"json": intake_body()},
    ("POST", "/api/v1/newcomers/urgent"): lambda c: {"json": {"first_name": "Kim"}},
    ("PATCH", "/api/v1/newcomers/me"): lambda c: {"json": {"first_name": "Own"}},
    ("PATCH", "/api/v1/newcomers/{newcomer_id}"): lambda c: {
        "json": {"version": 1, "urgent": False}
    },
    ("POST", "/api/v1/newcomers/{newcomer_id}/do-not-pair"): lambda c: {
        "json": {"mentor_id": c.other["coordinator"]["mentor_id"], "reason": "household"}
    },
    ("POST", "/api/v1/newcomers/{newcomer_id}/urgent-contacts"): lambda c: {
        "json": {"outcome": "no_answer", "note": "Rang twice"}
    },
    ("POST", "/api/v1/newcomers/{newcomer_id}/notes"): lambda c: {
        "json": {"text": "Prefers calls after six"}
    },
    ("POST", "/api/v1/pairings/{pairing_id}/notes"): lambda c: {
        "json": {"text": "First meeting went well"}
    },
    ("POST", "/api/v1/mentors"): lambda c: {"json": mentor_body()},
    ("PATCH", "/api/v1/mentors/me"): lambda c: {"json": {"interests": "Cooking"}},
    ("PATCH", "/api/v1/mentors/{mentor_id}"): lambda c: {"json": {"version": 1, "capacity": 3}},
    ("POST", "/api/v1/pairings"): lambda c: {
        "json": {
            "newcomer_id": c.own["newcomer"]["newcomer_id"],
            "mentor_id": c.own["mentor"]["mentor_id"],
        }
    },
    ("POST", "/api/v1/pairings/{pairing_id}/reject"): lambda c: {"json": {"reason": "other"}},
    ("POST", "/api/v1/pairings/{pairing_id}/decline"): lambda c: {"json": {"reason": "personal"}},
    ("POST", "/api/v1/pairings/{pairing_id}/end"): lambda c: {"json": {"reason": "completed"}},
    ("POST", "/api/v1/pairings/{pairing_id}/fit-check"): lambda c: {"json": {"answer": "good_fit"}},
    ("POST", "/api/v1/newcomers/me/fit-check"): lambda c: {"json": {"answer": "good_fit"}},
    ("POST", "/api/v1/newcomers/me/check-ins"): lambda c: {
        "json": {"feeling": 4, "in_danger": False}
    },
    ("PUT", "/api/v1/newcomers/me/sharing"): lambda c: {
        "json": {"share_with_mentor": True, "share_milestones": False, "milestone_messages": False}
    },
    ("POST", "/api/v1/newcomers/me/start-again"): lambda c: {"json": {"started_on": "2026-11-15"}},
    ("POST", "/api/v1/newcomers/me/assessments"): lambda c: {"json": BARC10_ANSWERS},
    ("POST", "/api/v1/newcomers/{newcomer_id}/assessments"): lambda c: {"json": BARC10_ANSWERS},
    ("POST", "/api/v1/instruments"): lambda c: {
        "json": {
            "code": f"funder_{next(_counter)}",
            "name": "A funder's question",
            "languages": ["en"],
            "items": [{"code": "housed", "text": {"en": "I have stable housing."}}],
            "scale": [{"value": 0, "label": {"en": "No"}}, {"value": 1, "label": {"en": "Yes"}}],
        }
    },
    ("POST", "/api/v1/pairings/{pairing_id}/contacts"): lambda c: {
        "json": {"contacted_on": "2026-12-01", "mode": "phone", "minutes": 30}
    },
    ("POST", "/api/v1/programs"): lambda c: {
        "json": {"slug": f"program-{next(_counter)}", "name": "A program"}
    },
    ("PATCH", "/api/v1/programs/{program_id}"): lambda c: {"json": {"name": "Main program"}},
    ("PUT", "/api/v1/programs/{program_id}/coordinators"): lambda c: {"json": {"user_ids": []}},
    ("PATCH", "/api/v1/programs/{program_id}/settings"): lambda c: {
        "json": {"settings_version": 1, "capacity_cap": 3}
    },
    ("POST", "/api/v1/imports/mentors"): lambda c: {"files": {"file": _mentors_file()}},
    ("POST", "/api/v1/imports/newcomers"): lambda c: {"files": {"file": _newcomers_file()}},
}


def _mentors_file() -> tuple[str, bytes, str]:
    """A spreadsheet of one new mentor, as the import API takes it."""
    n = next(_counter)
    return ("mentors.csv", (
        "Email,First name,Gender,Birth year,Languages,Time zone,Substances,Ways of meeting,"
        f"Sobriety date,Capacity\r\nimported-{n}@example.org,Imported,F,1980,en,UTC,alcohol,"
        "video,2015-01-01,2\r\n"
    ).encode(), "text/csv")  # fmt: skip


def _newcomers_file() -> tuple[str, bytes, str]:
    """A spreadsheet of one new newcomer, as the import API takes it."""
    n = next(_counter)
    return ("newcomers.csv", (
        "Email,First name,Gender,Birth year,Languages,Time zone,Substances,Ways of meeting\r\n"
        f"imported-{n}@example.org,Imported,F,1990,en,UTC,alcohol,video\r\n"
    ).encode(), "text/csv")  # fmt: skip
