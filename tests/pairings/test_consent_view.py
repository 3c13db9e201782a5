"""A mentor sees a newcomer only as the newcomer agreed: every mentor-facing answer and page,
for each combination of the two sharing choices, through a request's whole life."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.dependencies import role_rules
from mentormatch.accounts.models import User
from mentormatch.pairings.outbox import OutboxMessage
from mentormatch.pairings.views import MENTOR_SEES_WITH_CONSENT, MENTOR_SEES_WITHOUT_CONSENT
from mentormatch.references import is_reference
from mentormatch.web.core import STAFF_COOKIE
from tests.conftest import Actor
from tests.factories import token_for
from tests.reliability.routes import RouteInfo, all_routes

PAIRINGS = "/api/v1/pairings"
# The newcomer's answers, each distinctive enough to be found in any page or answer.
NEWCOMER = {
    "first_name": "Zephyrine",
    "email": "z.contact@example.org",
    "phone": "+1 312 555 7788",
    "preferred_contact": "email",
    "gender": "woman",
    "gender_pref": ["woman"],
    "substances": ["fentanyl", "cannabis"],
    "pathways": ["recovery_dharma", "medication_supported"],
    "medication": "buprenorphine",
    "lived_experience": ["veteran"],
    "wanted_experience": ["parent"],
    "hopes": "Quokkahope mornings",
}
MENTOR = {
    "gender": "woman",
    "mentee_genders": ["woman"],
    "substances": ["fentanyl"],
    "pathways": ["recovery_dharma"],
    "medication_affirming": True,
    "lived_experience": ["parent"],
}
# Never shown to a mentor: free text, medication, the newcomer's own lived experience.
NEVER = ("Quokkahope", "buprenorphine", "veteran")
# Shown only with the newcomer's consent: the name and the answers matched on (codes and
# labels: substance, its family, pathway, wanted experience, gender preference).
WITH_CONSENT = (
    "Zephyrine",
    "fentanyl",
    "opioids",
    "recovery_dharma",
    "recovery dharma",
    "medication_supported",
    "medication-supported recovery",
    "parent",
    "woman",
)
# The mentor's own profile holds only the mentor's answers (its form lists every choice).
OWN_PROFILE = frozenset({"/api/v1/mentors/me", "/mentor/profile"})


def _found(words: tuple[str, ...], text: str) -> set[str]:
    text = html.unescape(text)
    return {w for w in words if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)}


def _mentor_reads(app: FastAPI) -> list[RouteInfo]:
    """Every GET (API or page) a mentor may call that is not their own profile."""
    found = []
    for route in all_routes(app):
        if route.method != "GET" or route.dependant is None or route.path in OWN_PROFILE:
            continue
        if any("mentor" in rule for rule in role_rules(route.dependant)):
            assert set(route.id_params) <= {"pairing_id"}, route.path
            found.append(route)
    assert {"/api/v1/mentors/me/pairings", "/mentor"} <= {r.path for r in found}
    return found


@pytest.fixture(params=[(True, True), (True, False), (False, True), (False, False)])
def journey(
    request: pytest.FixtureRequest,
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
) -> Iterator[tuple[bool, Callable[[str], list[str]]]]:
    """A newcomer with the given (share_with_mentor, share_contact), and a function that
    moves their request to the next step and returns every text the mentor then sees."""
    shares, share_contact = request.param
    consent = {"agree": True, "version": "2026-11", "share_with_mentor": shares}
    newcomer = make_newcomer(**NEWCOMER, share_contact=share_contact, consent=consent)
    # The first mentor asked declines; the second accepts, and the pairing ends.
    mentors = [make_mentor(**MENTOR, first_name=name) for name in ("Robin", "Sasha")]
    reads = _mentor_reads(app)
    state: dict[str, int] = {"mentor": -1}

    def ask() -> str:
        state["mentor"] += 1
        mentor = mentors[state["mentor"]]
        client.cookies.set(STAFF_COOKIE, token_for(db, db.get_one(User, mentor.user_id)))
        db.commit()
        response = client.post(
            PAIRINGS,
            json={"newcomer_id": newcomer.newcomer_id, "mentor_id": mentor.mentor_id},
            headers=coordinator.headers,
        )
        assert response.status_code == 201, response.text
        state["pairing"] = response.json()["id"]
        return ""

    def mentor_post(action: str, body: dict[str, str] | None = None) -> str:
        url = f"{PAIRINGS}/{state['pairing']}/{action}"
        response = client.post(url, json=body, headers=mentors[state["mentor"]].headers)
        assert response.status_code == 200, response.text
        return response.text

    steps: dict[str, Callable[[], str]] = {
        "ask": ask,
        "decline": lambda: mentor_post("decline", {"reason": "schedule"}),
        "accept": lambda: mentor_post("accept"),
        "end": lambda: mentor_post("end", {"reason": "completed"}),
    }

    def step(name: str) -> list[str]:
        texts = [steps[name]()]
        mentor = mentors[state["mentor"]]
        for route in reads:
            url = route.path.replace("{pairing_id}", str(state["pairing"]))
            response = client.get(url, headers=mentor.headers)
            assert response.status_code == 200, (url, response.text)
            texts.append(response.text)
        email = db.get_one(User, mentor.user_id).email
        messages = db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email))
        texts += [f"{m.subject}\n{m.body}" for m in messages]
        return texts

    yield shares, step


def test_a_mentor_sees_health_answers_only_with_consent(
    journey: tuple[bool, Callable[[str], list[str]]],
) -> None:
    shares, step = journey
    seen: set[str] = set()
    for name in ("ask", "decline", "ask", "accept", "end"):
        for text in step(name):
            assert not _found(NEVER, text), (name, text)
            seen |= _found(WITH_CONSENT, text)
    assert seen == (set(WITH_CONSENT) if shares else set())


@pytest.mark.parametrize("shares", [True, False])
def test_the_mentors_view_says_what_was_withheld(
    client: TestClient,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
    make_mentor: Callable[..., Actor],
    shares: bool,
) -> None:
    consent = {"agree": True, "version": "2026-11", "share_with_mentor": shares}
    newcomer, mentor = make_newcomer(**NEWCOMER, consent=consent), make_mentor(**MENTOR)
    created = client.post(
        PAIRINGS,
        json={"newcomer_id": newcomer.newcomer_id, "mentor_id": mentor.mentor_id},
        headers=coordinator.headers,
    ).json()
    view = client.get(f"/api/v1/mentors/me/pairings/{created['id']}", headers=mentor.headers)
    seen = view.json()["newcomer"]
    assert seen["shares_answers"] is shares
    assert seen["shared_languages"] == ["en"] and seen["shared_meeting_modes"] == ["video", "phone"]
    assert seen["schedule_overlap_hours"] > 0
    if shares:
        assert seen["name"] == "Zephyrine"
        assert (seen["shared_substances"], seen["pathway"]) == (["fentanyl"], "recovery_dharma")
        assert seen["pathways"] == ["recovery_dharma", "medication_supported"]
        assert (seen["wanted_experience"], seen["gender_pref"]) == (["parent"], ["woman"])
    else:
        reference = view.json()["reference"]
        assert seen["name"] == f"Newcomer {reference}" and is_reference(reference)
        assert reference != str(created["id"]) and reference == created["reference"]
        withheld = ("shared_substances", "shared_substance_families", "pathway", "pathways")
        assert [seen[k] for k in (*withheld, "wanted_experience", "gender_pref")] == [None] * 6


def test_the_intake_shows_what_a_mentor_will_see_in_each_case(client: TestClient) -> None:
    page = html.unescape(client.get("/intake").text)
    with_consent, without = page.split("If you leave it unticked", 1)
    assert 'id="share_with_mentor" aria-describedby="share_with_mentor-hint"' in page
    assert "; ".join(MENTOR_SEES_WITH_CONSENT) in with_consent
    assert "; ".join(MENTOR_SEES_WITHOUT_CONSENT) in without
    assert "nothing about substances, recovery or your health" in without
