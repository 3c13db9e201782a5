"""Every page, as every role, on a seeded dataset, read for codes a person should never see.

The pages come from the app (`pages.page_routes`, as the page fuzz finds them), with the
caller's own ids in the path, every tab of the lists, and the pages the fuzz arranges. The
data holds every kind of pairing event (chosen by a coordinator, a whole-pool proposal,
declined for lack of room, ended, withdrawn when a mentor left…), an urgent case with an
attempt to reach them, and a newcomer whose substance and gender are both `other`. On each
page's visible text (what a person reads: no attribute, no script), none may appear:
a code with an underscore (`no_capacity`), such a code with spaces for underscores where
that is not its label ("no capacity"), or an element holding nothing but a status code
(`<td>approved</td>`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import lifecycle
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from mentormatch.web import labels
from tests.factories import intake_body, newcomer_id
from tests.reliability.fuzzing import Actors
from tests.reliability.pages import page_routes
from tests.reliability.people import ROLES, make_cast
from tests.reliability.test_fuzz_pages import _arrange, _signed_in

STATUSES = frozenset(labels.PAIRING_STATUS) | frozenset(labels.NEWCOMER_STATUS)
CODES = frozenset(code for kind in labels.KINDS.values() for code in kind)
SNAKE = sorted(c for c in CODES if "_" in c)


def _labels_of(code: str) -> list[str]:
    return [kind[code] for kind in labels.KINDS.values() if code in kind]


SPACED = {
    code: code.replace("_", " ")
    for code in SNAKE
    if not any(code.replace("_", " ") in text.lower() for text in _labels_of(code))
}
TABS = ("waiting", "pending", "paired", "closed")
PAIRING_TABS = ("needs_action", *labels.PAIRING_STATUS)


class _Visible(HTMLParser):
    """The text a person reads, and each element's own text."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.whole: list[str] = []  # text of elements holding only text
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)
            self.whole.append(data.strip())


def problems_on(html: str) -> list[str]:
    """The codes a person would read on this page."""
    parser = _Visible()
    parser.feed(html)
    text = " ".join(parser.text)
    found = [code for code in SNAKE if re.search(rf"\b{re.escape(code)}\b", text)]
    found += [
        f"{spaced!r}" for spaced in SPACED.values() if re.search(rf"\b{spaced}\b", text, re.I)
    ]
    found += [f"<…>{piece}</…>" for piece in parser.whole if piece in STATUSES]
    return found


def _seed(client: TestClient, db: Session, cast: object, headers: dict[str, str]) -> None:
    """Pairing events of every kind the pages show, an attempt to reach an urgent newcomer,
    and a newcomer whose substance and gender are both `other`."""
    own = cast.own  # type: ignore[attr-defined]
    mentor_id = own["mentor"]["mentor_id"]
    db.get_one(Mentor, mentor_id).capacity = 5  # room for the request declined below
    db.commit()
    newcomer_id(
        db,
        client.post(
            "/api/v1/newcomers",
            json=intake_body(
                first_name="Odd", gender="other", gender_pref=[], substances=["other"]
            ),
        ).json(),
    )
    rae = newcomer_id(
        db, client.post("/api/v1/newcomers", json=intake_body(first_name="Rae")).json()
    )
    asked = client.post(
        "/api/v1/pairings", json={"newcomer_id": rae, "mentor_id": mentor_id}, headers=headers
    )
    assert asked.status_code == 201, asked.text
    mentor_headers = cast.headers["mentor"]  # type: ignore[attr-defined]
    declined = client.post(
        f"/api/v1/pairings/{asked.json()['id']}/decline",
        json={"reason": "no_capacity", "note": "Full this month"},
        headers=mentor_headers,
    )
    assert declined.status_code == 200, declined.text
    ended = client.post(
        f"/api/v1/pairings/{own['coordinator']['pairing_id']}/end",
        json={"reason": "not_a_fit"},
        headers=headers,
    )
    assert ended.status_code == 200, ended.text
    contact = client.post(
        f"/api/v1/newcomers/{own['coordinator']['newcomer_id']}/urgent-contacts",
        json={"outcome": "left_message", "note": "Voicemail"},
        headers=headers,
    )
    assert contact.status_code == 201, contact.text
    # A whole-pool proposal, as the proposal run writes it (without running the solver).
    newcomer = db.get_one(Newcomer, rae)
    proposal = Pairing(program_id=DEFAULT_PROGRAM_ID, newcomer_id=rae, mentor_id=mentor_id)
    lifecycle.move(
        db,
        pairing=proposal,
        newcomer=newcomer,
        to=PairingStatus.proposed,
        actor=lifecycle.SYSTEM,
        reason="whole_pool",
    )
    newcomer.status = NewcomerStatus.waiting
    db.commit()


def test_no_page_shows_a_code(app: FastAPI, client: TestClient, db: Session) -> None:
    cast = make_cast(client, db)
    extra = _arrange(client, db, cast)
    actors = Actors.cast(client, db, cast)
    _seed(client, db, cast, actors.for_role("coordinator"))
    pages = [p for p in page_routes(app) if p.route.method == "GET"]
    read = 0
    problems: list[str] = []
    for role in ROLES:
        addresses = [
            *extra,
            *(f"/coordinator?status={s}" for s in TABS),
            *(f"/coordinator/pairings?status={s}" for s in PAIRING_TABS),
        ]
        ids = cast.own[role]
        addresses += [
            p.route.path.format(**{n: ids.get(n, 1) for n in p.path_params}) for p in pages
        ]
        for address in addresses:
            _signed_in(client, actors, role)
            response = client.get(address, follow_redirects=True)
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            read += 1
            problems += [f"{role} {address}: {p}" for p in problems_on(response.text)]
    print(f"page words: {read} pages read as {len(ROLES)} roles, {len(CODES)} codes looked for")
    assert read >= len(pages) * 2
    assert not problems, "\n".join(sorted(set(problems)))


def test_other_substance_is_not_another_gender(client: TestClient, db: Session) -> None:
    cast = make_cast(client, db)
    actors = Actors.cast(client, db, cast)
    client.post(
        "/api/v1/newcomers",
        json=intake_body(first_name="Odd", gender="woman", substances=["other"]),
    )
    _signed_in(client, actors, "coordinator")
    queue = client.get("/coordinator?status=waiting").text
    assert "Odd" in queue and "Another gender" not in queue


def test_the_reader_finds_codes() -> None:
    """The reader itself: each kind of code is found, labels and attributes are not."""
    assert problems_on("<p>by coordinator (coordinator_choice)</p>") == ["coordinator_choice"]
    assert problems_on("<p>(no capacity)</p>") == ["'no capacity'"]
    assert problems_on("<td>approved</td>") == ["<…>approved</…>"]
    assert problems_on('<option value="no_capacity">No room for another mentee</option>') == []
    assert problems_on("<p>3 approved pairings. No answer in time.</p>") == []
