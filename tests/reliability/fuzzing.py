"""What the schemathesis tests share: the checks, the few excused rules, who each request is.

Every default check runs. `positive_data_acceptance` ("data the schema calls valid is
accepted") runs through `schema_valid_data_is_accepted`, which excuses exactly the 422s
listed in `EXCUSED`: rules JSON Schema cannot state (one field compared with another, a date
compared with today) or that depend on stored data. Any other 422 on schema-valid data
fails, as does a 400, and an excused rule only counts on the operations it is listed for.
`ensure_resource_availability` runs through `created_resource_is_available` (two excuses,
see there). docs/reliability.md lists both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers
from hypothesis.internal.floats import float_to_int
from schemathesis import checks as st_checks
from schemathesis.core.parameters import ParameterLocation
from schemathesis.openapi.checks import EnsureResourceAvailability
from sortedcontainers import SortedSet
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.dependencies import principal_for_token
from mentormatch.accounts.models import User
from mentormatch.mentors.models import Mentor
from mentormatch.pairings.models import Pairing
from mentormatch.programs.models import SLUG_PATTERN
from tests.factories import bearer, intake_body, token_for
from tests.reliability.people import Cast, allowed_roles, make_cast
from tests.reliability.routes import api_routes

# A program slug names stored data: draw the default program's as often as any other, so
# that intakes which name a program still reach one (an unknown one is a 404).
schemathesis.openapi.format(
    "program-slug",
    st.one_of(st.just("main"), st.from_regex(SLUG_PATTERN, fullmatch=True)),
)


def same_draws_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make derandomized runs draw the same values whatever else this process imported.

    Hypothesis mixes literals from every local module imported so far into what it draws;
    which modules those are depends on the tests that ran before in the same worker. Here
    the pool of such literals is empty. (Private Hypothesis names: should they move, the
    monkeypatch fails loudly.)
    """
    empty = providers.Constants(
        integers=SortedSet(),
        floats=SortedSet(key=float_to_int),
        bytes=SortedSet(),
        strings=SortedSet(),
    )
    monkeypatch.setattr(providers, "_get_local_constants", lambda: empty)
    monkeypatch.setattr(providers, "CONSTANTS_CACHE", {})


PROFILE_WRITES = frozenset(
    {
        "POST /api/v1/newcomers",
        "PATCH /api/v1/newcomers/me",
        "POST /api/v1/mentors",
        "PATCH /api/v1/mentors/me",
        "PATCH /api/v1/mentors/{mentor_id}",
    }
)
MENTOR_EDITS = frozenset({"PATCH /api/v1/mentors/me", "PATCH /api/v1/mentors/{mentor_id}"})


@dataclass(frozen=True)
class Excuse:
    """A 422 on schema-valid input that is right, on these operations only, and why."""

    message: str  # a fragment of the one rule's message
    operations: frozenset[str]
    why: str


ASSESSMENT_WRITES = frozenset(
    {"POST /api/v1/newcomers/me/assessments", "POST /api/v1/newcomers/{newcomer_id}/assessments"}
)
EXCUSED: tuple[Excuse, ...] = (
    Excuse(
        "end_hour must be after start_hour",
        PROFILE_WRITES,
        "a slot's end compared with its start: one field against another",
    ),
    Excuse(
        "required for in-person meetings",
        PROFILE_WRITES,
        "in_person in meeting_modes makes latitude, longitude and travel_radius_km required",
    ),
    Excuse(
        "is not a phone number we can call",
        PROFILE_WRITES | {"POST /api/v1/newcomers/urgent"},
        "whether digits make a real number is libphonenumber's metadata (area codes, lengths)",
    ),
    *(
        Excuse(
            fragment,
            frozenset({"POST /api/v1/newcomers", "PATCH /api/v1/newcomers/me"}),
            "whether a postal code or town exists is the shipped ZIP data, not a pattern",
        )
        for fragment in (
            "is not a ZIP code we know",
            "we do not know",
            "in several states",
            "give a 5-digit ZIP code",
            "send a postal_code or latitude and longitude, not both",
        )
    ),
    Excuse(
        "pathways_ruled_out overlaps pathways",
        frozenset({"POST /api/v1/mentors"}) | MENTOR_EDITS,
        "two lists that must not share a code",
    ),
    Excuse(
        "recovery start date cannot be in the future",
        PROFILE_WRITES - {"PATCH /api/v1/mentors/me"},
        "a date compared with today; JSON Schema has no date bounds",
    ),
    Excuse(
        "recovery start date cannot be in the future",
        frozenset({"POST /api/v1/newcomers/me/start-again"}),
        "a date compared with today; JSON Schema has no date bounds",
    ),
    *(
        Excuse(
            fragment,
            ASSESSMENT_WRITES,
            "which items a questionnaire has, its scale and its languages are stored data",
        )
        for fragment in (
            "please answer every statement",
            "not an item of this questionnaire",
            ": one of ",
            "this questionnaire is worded in",
            "is answered twice",
        )
    ),
    *(
        Excuse(fragment, frozenset({"POST /api/v1/instruments"}), why)
        for fragment, why in (
            ("values must rise", "the scale's values compared with each other"),
            ("each item needs its own code", "the items' codes compared with each other"),
            ("is worded in exactly", "each wording's languages compared with `languages`"),
            ("unknown language code", "the language codes are the shipped vocabulary"),
            ("is not one of `languages`", "validated languages compared with `languages`"),
        )
    ),
    Excuse(
        "this link is unknown, already used or expired",
        frozenset({"POST /api/v1/account/password/set"}),
        "whether a token is one the service sent, unused and unexpired is stored data",
    ),
    Excuse(
        "this is not your current password",
        frozenset({"POST /api/v1/account/password/change"}),
        "the current password is stored (as a hash), not part of the request",
    ),
    Excuse(
        "too easy to guess",
        frozenset(
            {
                "POST /api/v1/users",
                "POST /api/v1/account/password/set",
                "POST /api/v1/account/password/change",
            }
        ),
        "a strength estimate (zxcvbn: dictionaries, patterns, the email) is no schema keyword",
    ),
    Excuse(
        "needed to complete your request",
        frozenset({"PATCH /api/v1/newcomers/me"}),
        "a minimal urgent request takes every required answer with the consent at once: "
        "whether the stored record is minimal is not part of the request",
    ),
    Excuse(
        "it is sent here only to complete a minimal urgent request",
        frozenset({"PATCH /api/v1/newcomers/me"}),
        "consent is sent again only to complete a minimal urgent request (stored data)",
    ),
    Excuse(
        "no account has this email",
        frozenset({"GET /api/v1/audit"}),
        "whether an account has the email searched for is stored data",
    ),
    Excuse(
        "the account chosen is a",
        frozenset({"GET /api/v1/audit"}),
        "the role searched for compared with the stored role of the account searched for",
    ),
    Excuse(
        "no such action",
        frozenset({"GET /api/v1/audit"}),
        "an action is known if listed or ever recorded: stored data (a typo is refused)",
    ),
    Excuse(
        "no such kind of record",
        frozenset({"GET /api/v1/audit"}),
        "a kind of record is known if listed or ever recorded: stored data",
    ),
    Excuse(
        "the first day comes after the last day",
        frozenset({"GET /api/v1/audit"}),
        "one date compared with another",
    ),
    *(
        Excuse(
            fragment,
            frozenset({"POST /api/v1/imports/mentors", "POST /api/v1/imports/newcomers"}),
            "whether a file is a spreadsheet holding the columns and rows an import needs is "
            "its content (a binary string to the schema); `columns` is JSON inside a string",
        )
        for fragment in ("file: ", "The file", "Row ", "columns: ")
    ),
    Excuse(
        "background: a dry run answers at once",
        frozenset({"POST /api/v1/imports/mentors", "POST /api/v1/imports/newcomers"}),
        "two query flags compared with each other",
    ),
    Excuse(
        "this pair breaks a hard rule",
        frozenset({"POST /api/v1/pairings", "POST /api/v1/pairings/{pairing_id}/approve"}),
        "whether two stored profiles may be paired depends on both profiles, not the request",
    ),
)


def _messages(body: Any) -> list[str] | None:
    """The rule messages of a 422 body: one per validation issue, or the one domain message."""
    if not isinstance(body, dict):
        return None
    detail = body.get("detail")
    if isinstance(detail, str):
        return [detail]
    if isinstance(detail, list) and detail:
        return [str(issue.get("msg", "")) for issue in detail if isinstance(issue, dict)]
    return None


def excuse_for(operation: str, response: Any) -> Excuse | None:
    """The excuse covering every problem this 422 names, if there is one for this operation."""
    try:
        messages = _messages(response.json())
    except ValueError:
        return None
    if not messages:
        return None
    found = None
    for message in messages:
        found = next(
            (e for e in EXCUSED if operation in e.operations and e.message in message), None
        )
        if found is None:
            return None
    return found


excused = Counter[str]()


def schema_valid_data_is_accepted(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """`positive_data_acceptance`, except for the 422s listed in `EXCUSED`."""
    if response.status_code == 422 and case.meta and case.meta.generation.mode.is_positive:
        excuse = excuse_for(case.operation.label, response)
        if excuse is not None:
            excused[excuse.message] += 1
            return None
    return st_checks.positive_data_acceptance(ctx, response, case)


# What a 404 would name, for each operation that creates something.
CREATES = {
    "POST /api/v1/newcomers": "newcomer",
    "POST /api/v1/mentors": "mentor",
    "POST /api/v1/pairings": "pairing",
    "POST /api/v1/users": "user",
}


def _erased_itself(ctx: Any, parent: schemathesis.Case, parent_response: Any) -> bool:
    """Whether the newcomer this intake created erased their record (DELETE /newcomers/me)."""
    try:
        token = parent_response.json()["status_token"]
    except (ValueError, KeyError, TypeError):
        return False
    for prior in ctx.internals.find_all_cases():
        if prior.operation.label != "DELETE /api/v1/newcomers/me":
            continue
        answer = ctx.internals.find_response(case_id=prior.id)
        sent = answer.request.headers.get("Authorization") if answer is not None else None
        if answer is not None and answer.status_code == 204 and sent == f"Bearer {token}":
            return True
    return False


def created_resource_is_available(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """`ensure_resource_availability`, except where the 404 is right and the check cannot see it.

    - The 404 names another object than the one just created: an unknown id in the request
      body (e.g. `mentor_id` on POST /newcomers/{id}/do-not-pair), not the created newcomer.
    - The newcomer erased their own record (DELETE /newcomers/me): the check only knows
      erasure by a DELETE on the created object's own path.
    """
    try:
        return st_checks.ensure_resource_availability(ctx, response, case)
    except EnsureResourceAvailability:
        parent = ctx.internals.find_parent(case_id=case.id)
        parent_response = ctx.internals.find_response(case_id=parent.id)
        noun = CREATES.get(parent.operation.label)
        if noun is not None and response.json().get("detail") != f"no such {noun}":
            excused["404 names another object than the one created"] += 1
            return None
        if noun == "newcomer" and _erased_itself(ctx, parent, parent_response):
            excused["404 after the newcomer erased their record"] += 1
            return None
        raise


EXCLUDED_CHECKS = [st_checks.positive_data_acceptance, st_checks.ensure_resource_availability]
ADDITIONAL_CHECKS = [schema_valid_data_is_accepted, created_resource_is_available]

_REAL_TOKEN = re.compile(r"^Bearer mm[sn]_")


def roles_by_operation(app: FastAPI) -> dict[str, set[str]]:
    """'METHOD /path' -> the roles its rule admits."""
    return {f"{r.method} {r.path}": allowed_roles(r) for r in api_routes(app)}


@dataclass
class Actors:
    """One signed-in person per role, kept signed in between requests.

    A fuzzed request may sign its own caller out, disable their account or erase their
    record; the next request then gets a fresh token, the account back, or a new intake.
    """

    client: TestClient
    db: Session
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    revived: Counter[str] = field(default_factory=Counter)

    @classmethod
    def cast(cls, client: TestClient, db: Session, people: Cast | None = None) -> Actors:
        """The actors of `people` (a new cast when not given)."""
        actors = cls(client, db, headers=dict((people or make_cast(client, db)).headers))
        for role in ("mentor", "coordinator", "admin"):
            principal = actors._principal(actors.headers[role])
            assert principal is not None and principal.user_id is not None
            actors.user_ids[role] = principal.user_id
        return actors

    def _principal(self, headers: dict[str, str]) -> Any:
        principal = principal_for_token(self.db, headers["Authorization"].removeprefix("Bearer "))
        self.db.rollback()  # a read: leave no transaction open
        return principal

    def _staff_token(self, user_id: int) -> dict[str, str]:
        user = self.db.get_one(User, user_id)
        user.is_active = True
        headers = bearer(token_for(self.db, user))
        self.db.commit()
        return headers

    def for_role(self, role: str) -> dict[str, str]:
        """Headers signing in as `role` (none for anonymous), made valid again if need be."""
        if role == "anonymous":
            return {}
        if self._principal(self.headers[role]) is None:
            self.revived[role] += 1
            if role == "newcomer":
                created = self.client.post("/api/v1/newcomers", json=intake_body())
                assert created.status_code == 201, created.text
                self.headers[role] = bearer(created.json()["status_token"])
            else:
                self.headers[role] = self._staff_token(self.user_ids[role])
        return self.headers[role]

    def owner_of_pairing(self, pairing_id: Any) -> dict[str, str] | None:
        """Headers for the mentor a pairing belongs to, when it exists."""
        if not isinstance(pairing_id, int) or not 0 < pairing_id < 2**31:
            return None
        user_id = self.db.scalar(
            select(Mentor.user_id)
            .join(Pairing, Pairing.mentor_id == Mentor.id)
            .where(Pairing.id == pairing_id)
        )
        self.db.rollback()
        return None if user_id is None else self._staff_token(user_id)


def credentials(case: schemathesis.Case, headers: dict[str, str]) -> dict[str, str]:
    """The headers to send the case with, explicitly (schemathesis then knows them as valid).

    A real token a link put in the case wins. Anonymous (no headers) keeps whatever the
    fuzzer drew: no header, or a made-up token; so does a case whose deliberately invalid
    part is a header (its made-up `Authorization` must be refused, not replaced).
    """
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
        return {}
    sent = dict(case.headers or {})
    given = next((str(v) for k, v in sent.items() if k.lower() == "authorization"), "")
    if _REAL_TOKEN.match(given):
        headers = {"Authorization": given}
    if headers:
        # In the case too: schemathesis re-checks a changed case against the schema, and a
        # case without its required header would count as deliberately invalid.
        case.headers = {k: v for k, v in sent.items() if k.lower() != "authorization"} | headers
    return headers
