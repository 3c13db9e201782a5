"""The coordinator's pairings list pages through every pairing of a tab, with its true
total: nothing beyond the first page is silently dropped."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.test_queue_pages import add_newcomers

PER_PAGE = 50
DASH = "\N{EN DASH}"  # between the first and last shown
HISTORY = 50  # pairings the newcomer's page lists


def declined(db: Session, mentor_id: int | None, count: int) -> list[str]:
    """`count` declined requests to one mentor, one newcomer each: their first names."""
    names = [f"Person{i:03d}" for i in range(count)]
    for newcomer in add_newcomers(db, names):
        db.add(
            Pairing(
                program_id=DEFAULT_PROGRAM_ID,
                newcomer_id=newcomer.id,
                mentor_id=mentor_id,
                status=PairingStatus.declined,
            )
        )
    db.commit()
    return names


def listed(html: str) -> list[str]:
    return re.findall(r'class="person" href="/coordinator/newcomers/\d+">(Person\d+)</a>', html)


def test_every_pairing_of_a_tab_is_reached_page_by_page(
    client: TestClient, db: Session, coordinator: Actor, make_mentor
) -> None:
    mentor = make_mentor(first_name="Alex")
    names = declined(db, mentor.mentor_id, PER_PAGE + 3)
    signed_in(client, db, coordinator.user_id)

    first = client.get("/coordinator/pairings?status=declined")
    assert first.status_code == 200
    assert f"{PER_PAGE + 3} declined pairings" in first.text
    assert f"Showing 1{DASH}{PER_PAGE} of {PER_PAGE + 3}" in first.text
    assert "Page 1 of 2" in first.text and 'rel="prev"' not in first.text
    assert 'href="/coordinator/pairings?status=declined&amp;page=2"' in first.text

    second = client.get("/coordinator/pairings?status=declined&page=2")
    assert f"Showing {PER_PAGE + 1}{DASH}{PER_PAGE + 3} of {PER_PAGE + 3}" in second.text
    assert 'rel="next"' not in second.text
    seen = listed(first.text) + listed(second.text)
    assert sorted(seen) == names  # each once, none dropped, newest first across pages
    assert seen == sorted(names, reverse=True)


def test_a_tab_or_page_the_list_does_not_have_is_named(
    client: TestClient, db: Session, coordinator: Actor
) -> None:
    signed_in(client, db, coordinator.user_id)
    unknown = client.get("/coordinator/pairings?status=finished")
    assert unknown.status_code == 422 and "Status: choose one of the tabs" in unknown.text
    past = client.get("/coordinator/pairings?status=active&page=2")
    assert past.status_code == 404 and "no page 2" in past.text
    bad = client.get("/coordinator/pairings?page=zero")
    assert bad.status_code == 422 and "Page: a page number" in bad.text


def history_of(page: str) -> str:
    return page.split('id="history"', 1)[1].split("</ul>", 1)[0]


def test_a_long_pairing_history_pages_with_its_true_total(
    client: TestClient, db: Session, coordinator: Actor, make_mentor, make_newcomer
) -> None:
    mentor = make_mentor(first_name="Alex")
    newcomer_id = make_newcomer(first_name="Robin").newcomer_id
    # The oldest pairing is the active one: it is on the last page of the history, yet
    # every page offers to end it.
    for status in [PairingStatus.active] + [PairingStatus.declined] * (HISTORY + 1):
        db.add(
            Pairing(
                program_id=DEFAULT_PROGRAM_ID,
                newcomer_id=newcomer_id,
                mentor_id=mentor.mentor_id,
                status=status,
            )
        )
        db.flush()  # ids in order: newest first is highest id first
    db.commit()
    signed_in(client, db, coordinator.user_id)
    address = f"/coordinator/newcomers/{newcomer_id}"

    first = client.get(address).text
    assert f"Pairings 1{DASH}{HISTORY} of {HISTORY + 2}, newest first." in first
    assert history_of(first).count("<li>") == HISTORY
    assert "Active" not in history_of(first)
    assert f'href="{address}?history_page=2#history-total"' in first
    assert 'id="end-title"' in first

    second = client.get(f"{address}?history_page=2").text
    assert f"Pairings {HISTORY + 1}{DASH}{HISTORY + 2} of {HISTORY + 2}" in second
    assert history_of(second).count("<li>") == 2 and "Active" in history_of(second)
    assert 'rel="next"' not in second.split('id="history"', 1)[1]
    assert 'id="end-title"' in second

    past = client.get(f"{address}?history_page=3")
    assert past.status_code == 404 and "no page 3" in past.text
    bad = client.get(f"{address}?history_page=0")
    assert bad.status_code == 422 and "History page: a page number" in bad.text
