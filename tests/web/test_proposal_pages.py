"""The proposals page on both back ends: one program at a time, a batch approval where one
proposal no longer holds (the others approved, that one withdrawn and said why), who waits
with no proposal and why, and every bad input a 4xx naming its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.newcomers.models import DoNotPair, Newcomer
from mentormatch.pairings.models import Pairing, PairingStatus
from tests.conftest import Actor
from tests.web.conftest import post_form
from tests.web.test_page_input import refused
from tests.web.test_pages import sign_in

PAGE = "/coordinator/proposals"


@pytest.fixture
def signed_in(client: TestClient, db: Session, coordinator: Actor) -> Actor:
    user = db.get(User, coordinator.user_id)
    assert user is not None
    sign_in(client, db, user)
    return coordinator


def proposals(db: Session) -> dict[int, Pairing]:
    """The open proposals by newcomer id."""
    rows = db.scalars(select(Pairing).where(Pairing.status == PairingStatus.proposed))
    return {p.newcomer_id: p for p in rows}


def test_a_batch_approves_what_holds_and_says_which_was_withdrawn_and_why(
    client: TestClient,
    db: Session,
    signed_in: Actor,
    make_mentor: Callable[..., Actor],
    make_newcomer: Callable[..., Actor],
) -> None:
    make_mentor(capacity=2, first_name="Alex")
    sam, eli = make_newcomer(), make_newcomer(first_name="Eli")
    ran = post_form(client, PAGE, f"{PAGE}/run", {"program_id": "1"})
    assert ran.status_code == 303
    assert ran.headers["location"] == f"{PAGE}?program=1&placed=2"
    page = client.get(ran.headers["location"]).text
    assert "Proposed 2 pairings." in page and "Nobody waiting was left out." in page
    assert page.count('class="reasons"') >= 2  # each row's reasons
    made = proposals(db)
    db.add(DoNotPair(newcomer_id=eli.newcomer_id, mentor_id=made[eli.newcomer_id].mentor_id,
                     reason="household"))  # fmt: skip
    db.commit()
    ids = [str(made[sam.newcomer_id].id), str(made[eli.newcomer_id].id)]
    decided = post_form(
        client, PAGE, f"{PAGE}/decide", {"action": "approve", "pairing_id": ids, "program_id": "1"}
    )
    assert decided.status_code == 303, decided.text
    page = client.get(decided.headers["location"]).text
    eli_ref = db.get_one(Newcomer, eli.newcomer_id).reference
    assert "Approved 1: the mentor has been asked." in page
    assert "Withdrawn instead: 1 no longer held" in page
    assert f"Eli ({eli_ref}) and Alex are now on the do-not-pair list." in page
    db.expire_all()
    statuses = {n: p.status for n, p in ((p.newcomer_id, p) for p in db.scalars(select(Pairing)))}
    assert statuses == {
        sam.newcomer_id: PairingStatus.approved,
        eli.newcomer_id: PairingStatus.withdrawn,
    }


def test_who_waits_with_no_proposal_and_why(
    client: TestClient,
    db: Session,
    signed_in: Actor,
    make_mentor: Callable[..., Actor],
    make_newcomer: Callable[..., Actor],
) -> None:
    make_mentor()
    olga = make_newcomer(first_name="Olga", languages=["ru"])
    page = client.get(PAGE).text
    ref = db.get_one(Newcomer, olga.newcomer_id).reference
    assert "1 waiting with no proposal" in page
    assert f"Olga ({ref})</a>: waited 0 days; no free mentor shares their language." in page


@pytest.mark.parametrize(
    ("url", "field", "status"),
    [
        (f"{PAGE}?program=abc", "program", 422),
        (f"{PAGE}?program=0", "program", 422),
        (f"{PAGE}?program=2000000000", "no such program", 404),
        (f"{PAGE}?page=0", "page", 422),
        (f"{PAGE}?withdrawn_page=x", "page", 422),
        (f"{PAGE}?left_page=9", "page", 404),
        (f"{PAGE}?withdrawn=x", "withdrawn", 422),
        (f"{PAGE}?placed=-1", "placed", 422),
    ],
)
def test_bad_page_input_is_named(
    client: TestClient, signed_in: Actor, url: str, field: str, status: int
) -> None:
    refused(client.get(url), field, status)


@pytest.mark.parametrize(
    ("action", "data", "field", "status"),
    [
        ("run", {"program_id": "x"}, "program_id", 422),
        ("run", {"program_id": "2000000000"}, "no such program", 404),
        ("decide", {"action": "approve"}, "pairing_id", 422),
        ("decide", {"action": "both", "pairing_id": "1"}, "action", 422),
        ("decide", {"action": "reject", "pairing_id": "1", "reason": "bored"}, "reason", 422),
    ],
)
def test_bad_form_input_is_named_and_changes_nothing(
    client: TestClient,
    db: Session,
    signed_in: Actor,
    make_mentor: Callable[..., Actor],
    make_newcomer: Callable[..., Actor],
    action: str,
    data: dict[str, Any],
    field: str,
    status: int,
) -> None:
    make_mentor()
    make_newcomer()
    refused(post_form(client, PAGE, f"{PAGE}/{action}", data), field, status)
    assert db.scalars(select(Pairing)).all() == []
