"""Fuzzing the pages the way test_fuzz.py fuzzes the API: hypothesis over every path and
query parameter and every form field, as every role, and never a server error.

Routes come from the app and form fields from the forms the pages render (`pages.py`), so a
new page is fuzzed as soon as it exists. Each value is drawn from what the page offers (own
and other people's ids, the options of a select) or is hostile: non-ASCII digits (`²`, `٣`,
fullwidth `1`), ids past 2³¹ and 2⁶³, signs and spaces, any Unicode text, several values for one
field. Forms carry a valid CSRF token (else every post would stop at the 403), some not.
Every answer must be below 500, an error must be an HTML page (never JSON), and nothing may
be logged as an error. The caller stays signed in between requests (`fuzzing.Actors`).
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts import passwords
from mentormatch.accounts.models import Role, TokenPurpose, User
from mentormatch.accounts.principal import Principal
from mentormatch.aftercare.models import Contact, ContactMode, FitAnswer, FitCheck
from mentormatch.db import utcnow
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.outbox import OutboxMessage
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from mentormatch.spreadsheets import uploads
from mentormatch.web import csrf
from mentormatch.web.core import NEWCOMER_COOKIE, STAFF_COOKIE
from tests.factories import intake_body, newcomer_id
from tests.reliability.fuzzing import Actors, same_draws_every_run
from tests.reliability.pages import Page, page_routes, read_forms
from tests.reliability.people import ROLES, make_cast
from tests.spreadsheets.sheets import MESSY_HEADER, fixed_rows, to_csv

MAX_EXAMPLES = 5
# Sign-in checks a password with argon2id, slow on purpose (≈0.1 s a try): fewer tries there.
EXAMPLES = {"POST /login": 2}
CSRF_VALUE = "page-fuzz-browser"
LINK = re.compile(r"https?://\S+")

HOSTILE_NUMBERS = [
    "²",
    "٣",
    "\uff11",  # fullwidth 1
    "0",
    "-1",
    "+1",
    " 1",
    "1_0",
    "1.0",
    "1e3",
    "2147483648",
    "9223372036854775808",
    "18446744073709551616",
    "9" * 40,
    "9" * 5000,  # past Python's int() limit of 4,300 digits
    "",
]


def _ids(cast: Any) -> list[str]:
    """Ids of real objects: the caller's own and other people's."""
    values = {
        str(v) for side in (cast.own, cast.other) for ids in side.values() for v in ids.values()
    }
    return sorted(values)


def _value(known: list[str]) -> st.SearchStrategy[str]:
    offered = [st.sampled_from(known)] if known else []
    return st.one_of(
        *offered,
        st.sampled_from(HOSTILE_NUMBERS),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(max_size=30),
    )


def _request(page: Page, ids: list[str], csrf_token: str) -> st.SearchStrategy[dict[str, Any]]:
    """One request to `page`: its address with drawn parameters, and a drawn form."""
    path_values = st.fixed_dictionaries({name: _value(ids) for name in page.path_params})
    query = st.dictionaries(
        st.sampled_from(page.query_params or ["unexpected"]),
        _value(sorted(page.fields.get(page.query_params[0], set()) - {""}) + ids)
        if page.query_params
        else _value(ids),
        max_size=len(page.query_params) + 1,
    )
    form: st.SearchStrategy[dict[str, Any]] = st.just({})
    if page.route.method == "POST":
        fields = {
            name: st.one_of(
                _value(sorted(values - {""}) + ids),
                st.lists(_value(sorted(values - {""})), max_size=3),
            )
            for name, values in page.fields.items()
            if name != csrf.FIELD
        }
        form = st.fixed_dictionaries(
            {csrf.FIELD: st.sampled_from([csrf_token] * 5 + ["", "forged"])},
            optional=fields | {"unexpected": _value([])},
        )
    return st.fixed_dictionaries({"path": path_values, "query": query, "form": form})


def _url(page: Page, path: dict[str, str]) -> str:
    return page.route.path.format(**{k: quote(v, safe="") for k, v in path.items()})


def _signed_in(client: TestClient, actors: Actors, role: str) -> None:
    """The role's cookies (revived if a fuzzed request ended them) and the CSRF cookie."""
    client.cookies.clear()
    client.cookies.set(csrf.COOKIE, CSRF_VALUE)
    headers = actors.for_role(role)
    if headers:
        token = headers["Authorization"].removeprefix("Bearer ")
        client.cookies.set(NEWCOMER_COOKIE if role == "newcomer" else STAFF_COOKIE, token)


def _sent_links(db: Session) -> list[str]:
    """The paths (with their queries) of every link the service has sent (the outbox)."""
    bodies = db.scalars(select(OutboxMessage.body)).all()
    db.rollback()
    return [
        urlsplit(url)._replace(scheme="", netloc="").geturl()
        for b in bodies
        for url in LINK.findall(b)
    ]


def _discover_forms(
    client: TestClient,
    db: Session,
    actors: Actors,
    pages: list[Page],
    cast: Any,
    extra: list[str],
) -> None:
    """Open every GET page (own ids in the path), every link the service sent and the
    `extra` addresses, as every role, and read their forms."""
    for role in ROLES:
        addresses = _sent_links(db) + extra
        for page in pages:
            if page.route.method == "GET":
                ids = cast.own[role]
                addresses.append(
                    page.route.path.format(**{n: ids.get(n, 1) for n in page.path_params})
                )
        for address in addresses:
            _signed_in(client, actors, role)
            response = client.get(address, follow_redirects=False)
            if response.headers.get("content-type", "").startswith("text/html"):
                read_forms(pages, response.text)


def _arrange(client: TestClient, db: Session, cast: Any) -> list[str]:
    """A waiting urgent newcomer the own mentor suits (approve and contacted forms), a
    proposal (decide form), the request the mentor was asked, due in three days (accept and
    decline forms), a password reset link in the outbox (the set-password form), and an
    active pairing whose newcomer's page (returned, to be opened too) has the end form and
    whose mentor's page (returned too) has the contact and fit-check forms (the own
    newcomer's status page has theirs; the pairings needing action have the keep form), a
    closed request (its page has the new-episode form), a program without coordinators (its
    page has the form adding one), and the default program's own intake address (its forms
    post there; no id addresses it)."""
    asked = db.get_one(Pairing, cast.own["mentor"]["pairing_id"])
    asked.expires_at = utcnow() + timedelta(days=3)
    # In crisis: its page also carries the "contacted" form.
    waiting = client.post(
        "/api/v1/newcomers", json=intake_body(first_name="Waiting", in_crisis=True)
    ).json()
    waiting_id = newcomer_id(db, waiting)
    mentor_id = cast.own["mentor"]["mentor_id"]
    # Room for the request, the active pairing and the proposal: a full mentor's proposal
    # would be withdrawn as stale before its page renders the decide form.
    db.get_one(Mentor, mentor_id).capacity = 3
    db.add(
        Pairing(
            program_id=DEFAULT_PROGRAM_ID,
            newcomer_id=waiting_id,
            mentor_id=mentor_id,
            status=PairingStatus.proposed,
        )
    )
    coordinator = db.scalars(select(User).where(User.email == cast.coordinator_email)).one()
    settings = client.app.state.settings  # type: ignore[attr-defined]
    passwords.send_link(
        db,
        user_id=coordinator.id,
        email=coordinator.email,
        purpose=TokenPurpose.reset,
        settings=settings,
    )
    db.commit()
    for role in ROLES:
        cast.own[role]["newcomer_id"] = cast.own[role].get("newcomer_id", waiting_id)
    cast.own["coordinator"]["newcomer_id"] = waiting_id
    paired_id = newcomer_id(
        db, client.post("/api/v1/newcomers", json=intake_body(first_name="Paired")).json()
    )
    paired = Pairing(
        program_id=DEFAULT_PROGRAM_ID,
        newcomer_id=paired_id,
        mentor_id=mentor_id,
        status=PairingStatus.active,
        expires_at=utcnow(),  # set when the mentor was asked: the mentor's page shows it
    )
    db.add(paired)
    db.flush()
    db.get_one(Newcomer, paired_id).status = NewcomerStatus.paired
    # The fit check: the own newcomer's request accepted and both pairings in touch, so the
    # mentor's and the newcomer's pages ask "a good fit?"; the paired newcomer said "not a
    # fit", so the pairings needing action offer to keep the pairing.
    theirs = db.get_one(Pairing, cast.own["newcomer"]["pairing_id"])
    theirs.status = PairingStatus.active
    db.get_one(Newcomer, cast.own["newcomer"]["newcomer_id"]).status = NewcomerStatus.paired
    today = utcnow().date()
    for pairing in (paired, theirs):
        db.add(Contact(pairing_id=pairing.id, program_id=DEFAULT_PROGRAM_ID,
                       contacted_on=today, mode=ContactMode.phone, minutes=20))  # fmt: skip
    db.add(FitCheck(pairing_id=paired.id, program_id=DEFAULT_PROGRAM_ID, side="newcomer",
                    answer=FitAnswer.not_a_fit))  # fmt: skip
    # A closed request: its page offers to start a new episode.
    closed_id = newcomer_id(
        db, client.post("/api/v1/newcomers", json=intake_body(first_name="Closed")).json()
    )
    db.get_one(Newcomer, closed_id).status = NewcomerStatus.closed
    db.commit()
    cast.own["coordinator"]["pairing_id"] = paired.id
    # A program without coordinators: its page offers the form adding one.
    return [
        f"/coordinator/newcomers/{paired_id}",
        f"/coordinator/newcomers/{closed_id}",  # the new-episode form
        f"/mentor/pairings/{paired.id}",  # the mentor's contact and fit-check forms
        "/coordinator/pairings?status=needs_action",  # the keep form
        f"/admin/programs/{cast.other['admin']['program_id']}",
        "/p/main/",  # a program's own intake
        _checked_upload(db, coordinator),  # the import's column and run forms
    ]


def _checked_upload(db: Session, coordinator: User) -> str:
    """The coordinator's upload of a valid mentors file, as its check page's address (the
    key in it opens it for them only)."""
    me = Principal(Role.coordinator, user_id=coordinator.id,
                   program_ids=frozenset((DEFAULT_PROGRAM_ID,)))  # fmt: skip
    content = to_csv(MESSY_HEADER, fixed_rows())
    key = uploads.store(db, actor=me, kind="mentors", program=db.get_one(Program, 1),
                        filename="mentors.csv", content=content, mapping={})  # fmt: skip
    return f"/coordinator/spreadsheets/review?upload={key}"


def fuzz(
    client: TestClient,
    actors: Actors,
    page: Page,
    role: str,
    requests: st.SearchStrategy[dict[str, Any]],
    tally: Counter[tuple[str, int]],
    problems: list[str],
) -> None:
    """Send drawn requests to one page as `role`; note any server error or non-page error."""

    @given(request=requests)
    @settings(
        max_examples=EXAMPLES.get(page.label, MAX_EXAMPLES),
        deadline=None,
        database=None,
        derandomize=True,  # the same requests every run: a failure always reproduces
        suppress_health_check=list(HealthCheck),
    )
    def run(request: dict[str, Any]) -> None:
        _signed_in(client, actors, role)
        response = client.request(
            page.route.method,
            _url(page, request["path"]),
            params=request["query"],
            data=request["form"] or None,
            follow_redirects=False,
        )
        tally[role, response.status_code // 100] += 1
        status, kind = response.status_code, response.headers.get("content-type", "")
        if status >= 500 or "Traceback" in response.text:
            problems.append(f"{status} as {role}: {page.label} {request}")
        elif status >= 400 and not kind.startswith("text/html"):
            problems.append(f"{status} {kind} (not a page) as {role}: {page.label} {request}")

    run()


def test_every_page_and_form_as_every_role(
    app: FastAPI,
    client: TestClient,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    same_draws_every_run(monkeypatch)
    caplog.set_level(logging.ERROR)
    cast = make_cast(client, db)
    extra = _arrange(client, db, cast)
    actors = Actors.cast(client, db, cast)
    pages = page_routes(app)
    _discover_forms(client, db, actors, pages, cast, extra)
    without_form = [p.label for p in pages if p.route.method == "POST" and not p.fields]
    assert not without_form, f"no page renders a form for {without_form}"

    token = csrf.sign(app.state.settings.secret_key, CSRF_VALUE)
    ids = _ids(cast)
    tally: Counter[tuple[str, int]] = Counter()
    problems: list[str] = []
    started = time.perf_counter()
    for role in ROLES:
        for page in pages:
            fuzz(client, actors, page, role, _request(page, ids, token), tally, problems)
    seconds = time.perf_counter() - started
    requests = sum(tally.values())
    print(f"page fuzz: {requests} requests over {len(pages)} page routes x {len(ROLES)} roles")
    print(
        f"  in {seconds:.1f} s; fields per form: "
        + ", ".join(f"{p.label} {len(p.fields)}" for p in pages if p.route.method == "POST")
    )
    for role in ROLES:
        print(f"  {role}: " + ", ".join(f"{k}xx {tally[role, k]}" for k in (2, 3, 4, 5)))
    assert not problems, "\n".join(problems[:20])
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    assert requests >= len(pages) * len(ROLES)
    # Signed-in roles really reach their pages (not only sign-in redirects and 403s).
    for role in ROLES[1:]:
        assert tally[role, 2] >= 5, (role, tally)
