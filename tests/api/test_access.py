"""Access rules: deny by default, the role x object matrix, and no existence oracle.

Every route is walked (API and pages, including lazily included routers): it must declare a
role rule; anonymous callers get 401 and other roles 403 wherever the rule says so; for every
route taking an id, someone else's object answers exactly like a missing one. Every response
is scanned for what its caller must never see.
"""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.dependencies import role_rules
from mentormatch.aftercare.models import Contact, FitCheck
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.main import create_app
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.notes import CaseNote
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.web import csrf
from mentormatch.web.core import NEWCOMER_COOKIE, STAFF_COOKIE
from tests.reliability.people import (
    BODIES,
    MISSING_ID,
    NEVER_SHOWN,
    OTHER_EMAIL,
    OTHER_HOPES,
    OTHER_MENTOR_INTERESTS,
    OTHER_MENTOR_PHONE,
    OTHER_PHONE,
    ROLES,
    Cast,
    allowed_roles,
    make_cast,
)
from tests.reliability.routes import DOCS_PATHS, RouteInfo, all_routes


def _routes() -> list[RouteInfo]:
    app = create_app(Settings(environment="test", database_url="sqlite://", _env_file=None))  # type: ignore[call-arg]
    return [r for r in all_routes(app) if r.dependant is not None]


# The JSON API (bearer tokens). Pages use cookie sessions and CSRF: see the page check below.
ROUTES = [r for r in _routes() if r.path.startswith("/api/") or r.path == "/healthz"]
PAGES = [
    r
    for r in _routes()
    if r not in ROUTES and r.method == "GET" and "public" not in str(role_rules(r.dependant))
]
ROUTE_IDS = [f"{r.method} {r.path}" for r in ROUTES]


# The answer each role gets on its own object (or the program's, for staff). Routes not listed
# here (added later) still get every generic check below.
_ANON = {"anonymous": 401}
_STAFF_ONLY = {"newcomer": 403, "mentor": 403}
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/vocabulary"): dict.fromkeys(ROLES, 200),
    ("GET", "/healthz"): dict.fromkeys(ROLES, 200),
    ("POST", "/api/v1/auth/token"): dict.fromkeys(ROLES, 200),
    ("POST", "/api/v1/auth/logout"): _ANON
    | {"newcomer": 403, "mentor": 204, "coordinator": 204, "admin": 204},
    ("POST", "/api/v1/account/password/forgot"): dict.fromkeys(ROLES, 202),
    # Public: the token decides (the cast's is unknown), never the caller's role.
    ("POST", "/api/v1/account/password/set"): dict.fromkeys(ROLES, 422),
    ("POST", "/api/v1/account/password/change"): _ANON
    | {"newcomer": 403, "mentor": 204, "coordinator": 204, "admin": 204},
    ("POST", "/api/v1/users"): _ANON | _STAFF_ONLY | {"coordinator": 403, "admin": 201},
    ("GET", "/api/v1/users"): _ANON | _STAFF_ONLY | {"coordinator": 403, "admin": 200},
    ("PATCH", "/api/v1/users/{user_id}"): _ANON | _STAFF_ONLY | {"coordinator": 403, "admin": 200},
    ("POST", "/api/v1/newcomers"): dict.fromkeys(ROLES, 201),
    ("POST", "/api/v1/newcomers/urgent"): dict.fromkeys(ROLES, 201),
    ("GET", "/api/v1/newcomers/me"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    ("PATCH", "/api/v1/newcomers/me"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    ("DELETE", "/api/v1/newcomers/me"): _ANON
    | {"newcomer": 204, "mentor": 403, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/newcomers/me/export"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/newcomers/me/accesses"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/newcomers"): _ANON | _STAFF_ONLY | {"coordinator": 200, "admin": 403},
    ("GET", "/api/v1/newcomers/{newcomer_id}"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 403},
    ("PATCH", "/api/v1/newcomers/{newcomer_id}"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 403},
    ("POST", "/api/v1/newcomers/{newcomer_id}/do-not-pair"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 201, "admin": 403},
    ("GET", "/api/v1/newcomers/urgent-cases"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 403},
    ("GET", "/api/v1/newcomers/{newcomer_id}/urgent-contacts"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 403},
    ("POST", "/api/v1/newcomers/{newcomer_id}/urgent-contacts"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 201, "admin": 403},
    # Case notes: coordinators only; never mentors (nor admins, who see no newcomer records).
    ("GET", "/api/v1/newcomers/{newcomer_id}/notes"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 403},
    ("POST", "/api/v1/newcomers/{newcomer_id}/notes"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 201, "admin": 403},
    ("GET", "/api/v1/pairings/{pairing_id}/notes"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 403},
    ("POST", "/api/v1/pairings/{pairing_id}/notes"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 201, "admin": 403},
    ("POST", "/api/v1/mentors"): _ANON | _STAFF_ONLY | {"coordinator": 201, "admin": 403},
    ("GET", "/api/v1/mentors"): _ANON | _STAFF_ONLY | {"coordinator": 200, "admin": 403},
    ("GET", "/api/v1/mentors/me"): _ANON
    | {"newcomer": 403, "mentor": 200, "coordinator": 403, "admin": 403},
    ("PATCH", "/api/v1/mentors/me"): _ANON
    | {"newcomer": 403, "mentor": 200, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/mentors/{mentor_id}"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 403},
    ("PATCH", "/api/v1/mentors/{mentor_id}"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 403},
    ("GET", "/api/v1/programs"): _ANON | _STAFF_ONLY | {"coordinator": 403, "admin": 200},
    ("POST", "/api/v1/programs"): _ANON | _STAFF_ONLY | {"coordinator": 403, "admin": 201},
    ("GET", "/api/v1/programs/{program_id}"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 403, "admin": 200},
    ("PATCH", "/api/v1/programs/{program_id}"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 403, "admin": 200},
    ("GET", "/api/v1/programs/{program_id}/coordinators"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 403, "admin": 200},
    ("PUT", "/api/v1/programs/{program_id}/coordinators"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 403, "admin": 200},
    # A coordinator reads their own programs' settings (another's: 404, test_programs.py).
    ("GET", "/api/v1/programs/{program_id}/settings"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 200},
    # The cast's mentor was asked but has not accepted: contacts are for active pairings
    # (409), and the mentor's own route rules (404 until asked) are in tests/pairings.
    ("POST", "/api/v1/pairings/{pairing_id}/contacts"): _ANON
    | {"newcomer": 403, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/pairings/{pairing_id}/contacts"): _ANON
    | {"newcomer": 403, "coordinator": 200, "admin": 403},
    ("POST", "/api/v1/pairings/{pairing_id}/fit-check"): _ANON
    | {"newcomer": 403, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/pairings/{pairing_id}/fit-checks"): _ANON
    | {"newcomer": 403, "mentor": 403, "coordinator": 200, "admin": 403},
    # Nobody found the cast's pairing not a fit: nothing to keep.
    ("POST", "/api/v1/pairings/{pairing_id}/fit-checks/keep"): _ANON
    | {"newcomer": 403, "mentor": 403, "coordinator": 409, "admin": 403},
    # The cast's newcomer has no active pairing: nothing to answer about.
    ("POST", "/api/v1/newcomers/me/fit-check"): _ANON
    | {"newcomer": 404, "mentor": 403, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/newcomers/me/rhythm"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    # Check-ins: the newcomer gives them, their program's coordinators read them.
    ("POST", "/api/v1/newcomers/me/check-ins"): _ANON
    | {"newcomer": 201, "mentor": 403, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/newcomers/{newcomer_id}/check-ins"): _ANON
    | {"newcomer": 403, "mentor": 403, "coordinator": 200, "admin": 403},
    # Questionnaires: staff and newcomers read them, admins add one; the newcomer answers
    # their own, their program's coordinators enter and read a newcomer's (from a call).
    ("GET", "/api/v1/instruments"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 200, "admin": 200},
    ("POST", "/api/v1/instruments"): _ANON
    | {"newcomer": 403, "mentor": 403, "coordinator": 403, "admin": 201},
    ("GET", "/api/v1/newcomers/me/assessments"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    ("POST", "/api/v1/newcomers/me/assessments"): _ANON
    | {"newcomer": 201, "mentor": 403, "coordinator": 403, "admin": 403},
    ("GET", "/api/v1/newcomers/{newcomer_id}/assessments"): _ANON
    | {"newcomer": 403, "mentor": 403, "coordinator": 200, "admin": 403},
    ("POST", "/api/v1/newcomers/{newcomer_id}/assessments"): _ANON
    | {"newcomer": 403, "mentor": 403, "coordinator": 201, "admin": 403},
    # What a newcomer shares and their new start: theirs alone to read and change.
    ("GET", "/api/v1/newcomers/me/sharing"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    ("PUT", "/api/v1/newcomers/me/sharing"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    ("POST", "/api/v1/newcomers/me/start-again"): _ANON
    | {"newcomer": 200, "mentor": 403, "coordinator": 403, "admin": 403},
    ("PATCH", "/api/v1/programs/{program_id}/settings"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 403, "admin": 200},
    ("GET", "/api/v1/programs/{program_id}/settings/changes"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 403, "admin": 200},
    # Spreadsheet exports: coordinators only (an admin sees no newcomer or mentor records).
    ("GET", "/api/v1/exports/newcomers"): _ANON | _STAFF_ONLY | {"coordinator": 200, "admin": 403},
    ("GET", "/api/v1/exports/mentors"): _ANON | _STAFF_ONLY | {"coordinator": 200, "admin": 403},
    ("GET", "/api/v1/exports/pairings"): _ANON | _STAFF_ONLY | {"coordinator": 200, "admin": 403},
    # Spreadsheet imports: coordinators, into their programs (as the page; an admin sees no
    # newcomer or mentor records, and imports from the command line).
    ("POST", "/api/v1/imports/mentors"): _ANON | _STAFF_ONLY | {"coordinator": 200, "admin": 403},
    ("POST", "/api/v1/imports/newcomers"): _ANON | _STAFF_ONLY | {"coordinator": 200, "admin": 403},
    # A background import's job: only who started it (anyone else's answers like a missing one).
    ("GET", "/api/v1/imports/jobs/{job}"): _ANON | _STAFF_ONLY | {"coordinator": 200, "admin": 403},
    # A program's saved choices of columns: its coordinators and admins (another program's
    # answers like a missing one: the someone-else's-object test below).
    ("GET", "/api/v1/programs/{program_id}/import-mappings"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 200, "admin": 200},
    ("DELETE", "/api/v1/programs/{program_id}/import-mappings/{mapping_id}"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 204, "admin": 204},
    ("GET", "/api/v1/audit"): _ANON | _STAFF_ONLY | {"coordinator": 403, "admin": 200},
    ("POST", "/api/v1/users/{user_id}/password-reset"): _ANON
    | _STAFF_ONLY
    | {"coordinator": 403, "admin": 202},
}


def call(
    client: TestClient, route: RouteInfo, cast: Cast, role: str, ids: dict[str, int]
) -> httpx.Response:
    url = route.path.format(**{name: ids.get(name, MISSING_ID) for name in route.id_params})
    body = BODIES.get((route.method, route.path))
    kwargs = body(cast) if body else ({"json": {}} if route.body_model else {})
    return client.request(route.method, url, headers=cast.headers[role], **kwargs)


def assert_nothing_hidden_leaks(
    role: str, response: httpx.Response, cast: Cast, allowed: tuple[str, ...] = ()
) -> None:
    """What the role must never see: hashes, others' tokens, others' contact and history
    (but what is `allowed`: the newcomer's own mentor's phone once their pairing is active)."""
    text = response.text
    for secret in (*NEVER_SHOWN, cast.other_status_token):
        assert secret not in text, f"{role} saw {secret!r} in {response.request.url}"
    if role != "coordinator":
        for private in (
            OTHER_HOPES,
            OTHER_EMAIL,
            OTHER_PHONE,
            OTHER_MENTOR_PHONE,
            OTHER_MENTOR_INTERESTS,
        ):
            if private not in allowed:
                assert private not in text, f"{role} saw {private!r} in {response.request.url}"


def test_every_route_declares_a_role_rule() -> None:
    app = create_app(Settings(environment="test", database_url="sqlite://", _env_file=None))  # type: ignore[call-arg]
    routes = all_routes(app)
    assert len(routes) > len(EXPECTED)
    missing = [
        f"{r.method} {r.path}"
        for r in routes
        if r.path not in DOCS_PATHS
        and not r.path.startswith("/static")
        and (r.dependant is None or not role_rules(r.dependant))
    ]
    assert missing == [], f"routes without a role rule (deny by default): {missing}"


def test_the_walk_sees_included_routers(app: FastAPI) -> None:
    seen = {(r.method, r.path) for r in all_routes(app)}
    assert set(EXPECTED) <= seen


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_role_rule_is_enforced_for_each_role(
    route: RouteInfo, client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    allowed = allowed_roles(route)
    expected = EXPECTED.get((route.method, route.path), {})
    for role in ROLES:
        response = call(client, route, cast, role, cast.own[role])
        assert response.status_code < 500, (role, response.text)
        assert_nothing_hidden_leaks(role, response, cast)
        if role in expected:
            assert response.status_code == expected[role], (role, response.text)
        elif role not in allowed:
            assert response.status_code == (401 if role == "anonymous" else 403), role
        else:
            assert response.status_code not in (401, 403), (role, response.text)


ID_ROUTES = [r for r in ROUTES if r.id_params]


@pytest.mark.parametrize("route", ID_ROUTES, ids=[f"{r.method} {r.path}" for r in ID_ROUTES])
def test_someone_elses_object_answers_like_a_missing_one(
    route: RouteInfo, client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    allowed = allowed_roles(route)
    for name in route.id_params:
        assert name in cast.other["admin"], f"add {name} to tests/reliability/people.py"
    for role in ROLES:
        missing = call(client, route, cast, role, {})
        assert missing.status_code < 500, (role, missing.text)
        if role in allowed and role in ("coordinator", "admin"):
            # Staff see the whole program: nothing is "someone else's"; missing is 404.
            assert missing.status_code == 404, (role, missing.text)
            continue
        other = call(client, route, cast, role, cast.other[role])
        assert_nothing_hidden_leaks(role, other, cast)
        assert (other.status_code, other.json()) == (missing.status_code, missing.json()), role
        if role in allowed:
            assert other.status_code == 404, (role, other.text)


@pytest.mark.parametrize("route", PAGES, ids=[f"{r.method} {r.path}" for r in PAGES])
def test_pages_behind_a_role_turn_anonymous_callers_away(
    route: RouteInfo, client: TestClient
) -> None:
    url = route.path.format(**dict.fromkeys(route.id_params, MISSING_ID))
    response = client.get(url, follow_redirects=False)
    assert response.status_code in (303, 401, 403, 404), response.status_code


# Pages by role, signed in with the page cookies: (path, role, whose object) -> status.
PAGE_MATRIX: dict[tuple[str, str, str], int] = {
    ("/mentor/pairings/{pairing_id}", "anonymous", "own"): 303,  # to the sign-in page
    ("/mentor/pairings/{pairing_id}", "newcomer", "own"): 303,
    ("/mentor/pairings/{pairing_id}", "coordinator", "own"): 403,
    ("/mentor/pairings/{pairing_id}", "admin", "own"): 303,  # to the admin's own pages
    ("/mentor/pairings/{pairing_id}", "mentor", "own"): 200,
    ("/mentor/pairings/{pairing_id}", "mentor", "other"): 404,
    ("/mentor/pairings/{pairing_id}", "mentor", "missing"): 404,
    ("/mentor/pairings/{pairing_id}/contacts", "anonymous", "own"): 303,
    ("/mentor/pairings/{pairing_id}/contacts", "coordinator", "own"): 403,
    ("/mentor/pairings/{pairing_id}/contacts", "mentor", "own"): 200,
    ("/mentor/pairings/{pairing_id}/contacts", "mentor", "other"): 404,
    ("/mentor/pairings/{pairing_id}/contacts", "mentor", "missing"): 404,
    ("/coordinator/pairings/{pairing_id}/contacts", "anonymous", "own"): 303,
    ("/coordinator/pairings/{pairing_id}/contacts", "newcomer", "own"): 303,
    ("/coordinator/pairings/{pairing_id}/contacts", "mentor", "own"): 403,
    ("/coordinator/pairings/{pairing_id}/contacts", "coordinator", "own"): 200,
    ("/coordinator/pairings/{pairing_id}/contacts", "coordinator", "missing"): 404,
    # Case notes, a newcomer's and a pairing's: coordinators only, never mentors.
    **{
        (path, role, "own"): status
        for path in (
            "/coordinator/newcomers/{newcomer_id}/notes",
            "/coordinator/pairings/{pairing_id}/notes",
        )
        for role, status in (
            ("anonymous", 303),
            ("newcomer", 303),
            ("mentor", 403),
            ("admin", 303),
            ("coordinator", 200),
        )
    },
    ("/coordinator/newcomers/{newcomer_id}/notes", "coordinator", "missing"): 404,
    ("/coordinator/pairings/{pairing_id}/notes", "coordinator", "missing"): 404,
    # The spreadsheets page (exports and import) and a download, an import's progress (only
    # who started it; without a job's key, the spreadsheets page), the outcomes page and its
    # download: coordinators only.
    **{
        (path, role, "own"): status
        for path in (
            "/coordinator/spreadsheets",
            "/coordinator/spreadsheets/download",
            "/coordinator/spreadsheets/progress",
            "/coordinator/spreadsheets/columns",
            "/coordinator/outcomes",
            "/coordinator/outcomes/download",
            "/coordinator/follow-ups",
            "/coordinator/follow-ups/download",
        )
        for role, status in (
            ("anonymous", 303),
            ("newcomer", 303),
            ("mentor", 403),
            ("admin", 303),
            ("coordinator", 200),
        )
    },
    # A program's public intake: the same form for everyone, signed in or not.
    **{("/p/{slug}/", role, "own"): 200 for role in ROLES},
    # A mentor's page and profile form: coordinators only; any mentor of their program.
    **{
        (path, role, whose): status
        for path in ("/coordinator/mentors/{mentor_id}", "/coordinator/mentors/{mentor_id}/edit")
        for role, whose, status in (
            ("anonymous", "own", 303),
            ("newcomer", "own", 303),
            ("mentor", "own", 403),
            ("admin", "own", 303),
            ("coordinator", "own", 200),
            ("coordinator", "missing", 404),
        )
    },
    # A record's trail: its program's coordinators (another program's: test_program_access).
    **{
        (trail, role, "own"): status
        for trail in (
            "/coordinator/newcomers/{newcomer_id}/trail",
            "/coordinator/mentors/{mentor_id}/trail",
            "/coordinator/pairings/{pairing_id}/trail",
        )
        for role, status in (
            ("anonymous", 303),
            ("newcomer", 303),
            ("mentor", 403),
            ("admin", 303),  # to the admin's own pages, where the whole trail is searched
            ("coordinator", 200),
        )
    },
    ("/coordinator/newcomers/{newcomer_id}/trail", "coordinator", "missing"): 404,
    # The questionnaire: a coordinator fills it in from a call; a newcomer answers their own.
    **{
        ("/coordinator/newcomers/{newcomer_id}/questionnaire", role, "own"): status
        for role, status in (
            ("anonymous", 303),
            ("newcomer", 303),
            ("mentor", 403),
            ("admin", 303),
            ("coordinator", 200),
        )
    },
    ("/coordinator/newcomers/{newcomer_id}/questionnaire", "coordinator", "missing"): 404,
    **{
        ("/status/questionnaire", role, "own"): 200 if role == "newcomer" else 401
        for role in ("anonymous", "newcomer", "mentor", "coordinator", "admin")
    },
    ("/coordinator/pairings/{pairing_id}/trail", "coordinator", "missing"): 404,
    # The whole trail and its export: admins only.
    **{
        (path, role, "own"): status
        for path in ("/admin/audit", "/admin/audit/export")
        for role, status in (
            ("anonymous", 303),
            ("newcomer", 303),
            ("mentor", 403),
            ("coordinator", 403),
            ("admin", 200),
        )
    },
}


def test_page_matrix(client: TestClient, db: Session) -> None:
    cast = make_cast(client, db)
    asked = db.get(Pairing, cast.own["mentor"]["pairing_id"])
    assert asked is not None
    asked.expires_at = utcnow() + timedelta(days=3)  # as an approval sets it: the mentor is asked
    db.commit()
    answers: dict[tuple[str, str, str], httpx.Response] = {}
    for (path, role, whose), expected in PAGE_MATRIX.items():
        ids = {"own": cast.own[role], "other": cast.other[role], "missing": {}}[whose]
        url = path.format(
            **{name: ids.get(name, MISSING_ID) for name in ("newcomer_id", "mentor_id")},
            pairing_id=ids.get("pairing_id", MISSING_ID),
            slug="main",
        )
        token = cast.headers[role].get("Authorization", "").removeprefix("Bearer ")
        client.cookies.clear()
        if token:
            cookie = NEWCOMER_COOKIE if role == "newcomer" else STAFF_COOKIE
            client.cookies.set(cookie, token)
        response = client.get(url, follow_redirects=False)
        answers[path, role, whose] = response
        assert response.status_code == expected, (path, role, whose, response.text)
        assert_nothing_hidden_leaks(role, response, cast)
    # Another mentor's pairing answers exactly like a missing one.
    for page in ("/mentor/pairings/{pairing_id}", "/mentor/pairings/{pairing_id}/contacts"):
        other, missing = answers[page, "mentor", "other"], answers[page, "mentor", "missing"]
        assert _without_csrf(other.text) == _without_csrf(missing.text), page
    client.cookies.clear()


def _without_csrf(page: str) -> str:
    """A page without its per-visitor CSRF token."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


# Page forms by role (a valid CSRF token, the caller's cookies): (path, role) -> status.
# The coordinator's post carries no reason (no action, no profile), so the form answers 422
# naming it.
FORM_MATRIX: dict[tuple[str, str], int] = {
    **{
        (path, role): status
        for path in (
            "/coordinator/pairings/{pairing_id}/end",
            "/coordinator/mentors/{mentor_id}/status",
            "/coordinator/mentors/{mentor_id}/edit",
        )
        for role, status in (
            ("anonymous", 303),  # to the sign-in page
            ("newcomer", 303),
            ("mentor", 403),
            ("admin", 403),
            ("coordinator", 422),
        )
    },
    # Sending a reset link to an account (another coordinator's): admins only.
    ("/admin/users/{user_id}/reset", "anonymous"): 303,
    ("/admin/users/{user_id}/reset", "newcomer"): 303,
    ("/admin/users/{user_id}/reset", "mentor"): 403,
    ("/admin/users/{user_id}/reset", "coordinator"): 403,
    ("/admin/users/{user_id}/reset", "admin"): 303,  # sent; back to the accounts page
    # The pairing is another mentor's: the cast's mentor gets the missing pairing's 404.
    ("/mentor/pairings/{pairing_id}/contacts", "anonymous"): 303,
    ("/mentor/pairings/{pairing_id}/contacts", "newcomer"): 303,
    ("/mentor/pairings/{pairing_id}/contacts", "mentor"): 404,
    ("/mentor/pairings/{pairing_id}/contacts", "coordinator"): 403,
    ("/mentor/pairings/{pairing_id}/contacts", "admin"): 403,
    # A note without text: 422 naming it; nobody else may write one.
    ("/coordinator/newcomers/{newcomer_id}/notes", "anonymous"): 303,
    ("/coordinator/newcomers/{newcomer_id}/notes", "newcomer"): 303,
    ("/coordinator/newcomers/{newcomer_id}/notes", "mentor"): 403,
    ("/coordinator/newcomers/{newcomer_id}/notes", "admin"): 403,
    ("/coordinator/newcomers/{newcomer_id}/notes", "coordinator"): 422,
    # Importing: no upload key is a missing upload (404) for a coordinator.
    ("/coordinator/spreadsheets/run", "anonymous"): 303,
    ("/coordinator/spreadsheets/run", "newcomer"): 303,
    ("/coordinator/spreadsheets/run", "mentor"): 403,
    ("/coordinator/spreadsheets/run", "admin"): 403,
    ("/coordinator/spreadsheets/run", "coordinator"): 404,
    ("/coordinator/spreadsheets/import", "mentor"): 403,
    ("/coordinator/spreadsheets/import", "admin"): 403,
    ("/coordinator/spreadsheets/import", "coordinator"): 422,  # no file chosen
    # Forgetting a saved choice of columns: coordinators of its program (then the list again).
    ("/coordinator/spreadsheets/columns/{mapping_id}/forget", "anonymous"): 303,
    ("/coordinator/spreadsheets/columns/{mapping_id}/forget", "newcomer"): 303,
    ("/coordinator/spreadsheets/columns/{mapping_id}/forget", "mentor"): 403,
    ("/coordinator/spreadsheets/columns/{mapping_id}/forget", "admin"): 403,
    ("/coordinator/spreadsheets/columns/{mapping_id}/forget", "coordinator"): 303,
    ("/mentor/pairings/{pairing_id}/fit-check", "anonymous"): 303,
    ("/mentor/pairings/{pairing_id}/fit-check", "newcomer"): 303,
    ("/mentor/pairings/{pairing_id}/fit-check", "mentor"): 404,
    ("/mentor/pairings/{pairing_id}/fit-check", "coordinator"): 403,
    ("/mentor/pairings/{pairing_id}/fit-check", "admin"): 403,
    # The newcomer's own pairing is active here; the post carries no answer: 422 naming it.
    ("/status/fit-check", "anonymous"): 401,
    ("/status/fit-check", "newcomer"): 422,
    ("/status/fit-check", "mentor"): 401,
    ("/status/fit-check", "coordinator"): 401,
    ("/status/fit-check", "admin"): 401,
    # A check-in without answers: 422 naming them, for the newcomer only.
    ("/status/check-in", "anonymous"): 401,
    ("/status/check-in", "newcomer"): 422,
    ("/status/check-in", "mentor"): 401,
    ("/status/check-in", "coordinator"): 401,
    ("/status/check-in", "admin"): 401,
    # What the newcomer shares (nothing ticked is a choice too) and a new start without a
    # date (422 naming it): the newcomer's own.
    ("/status/sharing", "anonymous"): 401,
    ("/status/sharing", "newcomer"): 303,
    ("/status/sharing", "mentor"): 401,
    ("/status/sharing", "coordinator"): 401,
    ("/status/sharing", "admin"): 401,
    ("/status/start-again", "anonymous"): 401,
    ("/status/start-again", "newcomer"): 422,
    ("/status/start-again", "mentor"): 401,
    ("/status/start-again", "coordinator"): 401,
    ("/status/start-again", "admin"): 401,
    # A questionnaire sent with no answers: 422 naming each statement, for who may answer.
    ("/status/questionnaire", "anonymous"): 401,
    ("/status/questionnaire", "newcomer"): 422,
    ("/status/questionnaire", "mentor"): 401,
    ("/status/questionnaire", "coordinator"): 401,
    ("/status/questionnaire", "admin"): 401,
    ("/coordinator/newcomers/{newcomer_id}/questionnaire", "anonymous"): 303,
    ("/coordinator/newcomers/{newcomer_id}/questionnaire", "newcomer"): 303,
    ("/coordinator/newcomers/{newcomer_id}/questionnaire", "mentor"): 403,
    ("/coordinator/newcomers/{newcomer_id}/questionnaire", "admin"): 403,
    ("/coordinator/newcomers/{newcomer_id}/questionnaire", "coordinator"): 422,
    # Keeping a pairing found not a fit: coordinators only; nobody answered "not a fit" here.
    ("/coordinator/pairings/{pairing_id}/keep", "anonymous"): 303,
    ("/coordinator/pairings/{pairing_id}/keep", "newcomer"): 303,
    ("/coordinator/pairings/{pairing_id}/keep", "mentor"): 403,
    ("/coordinator/pairings/{pairing_id}/keep", "admin"): 403,
    ("/coordinator/pairings/{pairing_id}/keep", "coordinator"): 409,
}


def test_form_matrix(app: FastAPI, client: TestClient, db: Session) -> None:
    cast = make_cast(client, db)
    theirs = db.get(Pairing, cast.own["newcomer"]["pairing_id"])
    assert theirs is not None
    theirs.status = PairingStatus.active
    db.commit()
    token = csrf.sign(app.state.settings.secret_key, "matrix")
    for (path, role), expected in FORM_MATRIX.items():
        client.cookies.clear()
        client.cookies.set(csrf.COOKIE, "matrix")
        bearer_token = cast.headers[role].get("Authorization", "").removeprefix("Bearer ")
        if bearer_token:
            cookie = NEWCOMER_COOKIE if role == "newcomer" else STAFF_COOKIE
            client.cookies.set(cookie, bearer_token)
        url = path.format(
            pairing_id=theirs.id,
            mentor_id=theirs.mentor_id,
            newcomer_id=theirs.newcomer_id,
            user_id=cast.other["admin"]["user_id"],
            mapping_id=cast.own["coordinator"]["mapping_id"],
        )
        response = client.post(url, data={csrf.FIELD: token}, follow_redirects=False)
        assert response.status_code == expected, (path, role, response.text[:300])
        # The status page a refused check-in shows again holds the newcomer's own mentor,
        # here "Theirs", whose pairing with them the matrix made active.
        own_mentor = (OTHER_MENTOR_PHONE,) if role == "newcomer" else ()
        assert_nothing_hidden_leaks(role, response, cast, allowed=own_mentor)
    db.refresh(theirs)
    assert theirs.status is PairingStatus.active
    assert db.scalar(select(func.count()).select_from(Contact)) == 0
    mentor = db.get_one(Mentor, theirs.mentor_id)
    assert (mentor.version, mentor.paused, mentor.active) == (1, False, True)
    assert db.scalar(select(func.count()).select_from(CaseNote)) == 0
    assert db.scalar(select(func.count()).select_from(FitCheck)) == 0
    client.cookies.clear()
