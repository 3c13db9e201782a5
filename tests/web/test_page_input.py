"""Hostile input on the pages: a 4xx HTML page naming the field, never a 500 or a JSON body.

Ids in a page's path, query or form are whole numbers written with the ASCII digits 0-9 and
within the id columns' range (`deps.RowId`, `forms.row_ids`); `²` passes str.isdigit but not
int(), and 2⁶³ overflows the database's integers. Nothing is written when one is refused.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.web.conftest import post_form
from tests.web.test_pages import sign_in, submit_intake

NON_ASCII_DIGITS = ["²", "٣", "\uff11"]  # superscript 2, Arabic-Indic 3, fullwidth 1
TOO_LARGE = ["2147483648", "9223372036854775808", "18446744073709551616"]


@pytest.fixture(autouse=True)
def no_error_logged(caplog: pytest.LogCaptureFixture) -> Any:
    """No request here may log an error (the app logs every unhandled exception)."""
    caplog.set_level(logging.ERROR)
    yield
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def refused(response: Any, field: str, status: int = 422) -> str:
    """The answer is an HTML page with `status` that names `field`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert field.lower() in response.text.lower()
    assert "Traceback" not in response.text
    return str(response.text)


def pairings(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Pairing)) or 0


@pytest.fixture
def waiting(client: TestClient, db: Session) -> int:
    """A newcomer's id, waiting for a mentor (submitted through the intake page)."""
    submit_intake(client, first_name="Wren")
    newcomer_id = db.scalar(select(Newcomer.id).where(Newcomer.first_name == "Wren"))
    assert newcomer_id is not None
    client.cookies.delete(NEWCOMER_COOKIE)
    return newcomer_id


@pytest.fixture
def as_coordinator(client: TestClient, db: Session, coordinator: Actor) -> None:
    sign_in(client, db, db.get_one(User, coordinator.user_id))


class TestIntake:
    @pytest.mark.parametrize("cell", ["²-morning", "٣-evening", "9-morning", "1-brunch"])
    def test_a_grid_cell_the_form_does_not_have_is_named(
        self, client: TestClient, db: Session, cell: str
    ) -> None:
        html = refused(submit_intake(client, availability=["1-evening", cell]), "availability")
        assert 'id="availability-error"' in html and "Please choose times from the grid" in html
        assert db.scalar(select(Newcomer).where(Newcomer.first_name == "Sam")) is None

    @pytest.mark.parametrize("value", ["9" * 5000, "²", "0"])
    def test_the_status_pages_page_number_is_named(self, client: TestClient, value: str) -> None:
        submit_intake(client)
        refused(client.get("/status", params={"page": value}), "page")

    def test_a_nul_character_is_named(self, client: TestClient, db: Session) -> None:
        assert 'id="hopes-error"' in refused(submit_intake(client, hopes="a\x00b"), "hopes")
        assert db.scalar(select(Newcomer).where(Newcomer.first_name == "Sam")) is None


@pytest.mark.usefixtures("as_coordinator")
class TestCoordinatorPages:
    @pytest.mark.parametrize("value", NON_ASCII_DIGITS + TOO_LARGE + ["-1", "+1", "1.0"])
    def test_approve_names_mentor_id(
        self, client: TestClient, db: Session, waiting: int, value: str
    ) -> None:
        page = f"/coordinator/newcomers/{waiting}"
        response = post_form(client, page, f"{page}/approve", {"mentor_id": value})
        html = refused(response, "mentor_id")
        assert "Wren" in html  # the newcomer's page again, with the problem on it
        assert pairings(db) == 0

    @pytest.mark.parametrize("value", NON_ASCII_DIGITS + TOO_LARGE)
    def test_proposals_name_pairing_id_and_change_nothing(
        self, client: TestClient, db: Session, waiting: int, make_mentor: Any, value: str
    ) -> None:
        mentor = make_mentor()
        proposal = Pairing(
            program_id=DEFAULT_PROGRAM_ID,
            newcomer_id=waiting,
            mentor_id=mentor.mentor_id,
            status=PairingStatus.proposed,
        )
        db.add(proposal)
        db.commit()
        response = post_form(
            client,
            "/coordinator/proposals",
            "/coordinator/proposals/decide",
            {"action": "approve", "pairing_id": [str(proposal.id), value]},
        )
        refused(response, "pairing_id")
        db.refresh(proposal)
        assert proposal.status is PairingStatus.proposed

    @pytest.mark.parametrize("value", TOO_LARGE + NON_ASCII_DIGITS + ["0", "-1"])
    def test_newcomer_page_names_newcomer_id(self, client: TestClient, value: str) -> None:
        refused(client.get(f"/coordinator/newcomers/{value}"), "newcomer_id")

    @pytest.mark.parametrize("name", ["why", "approved"])
    @pytest.mark.parametrize("value", ["9223372036854775808", "²"])
    def test_newcomer_page_names_its_query(
        self, client: TestClient, waiting: int, name: str, value: str
    ) -> None:
        response = client.get(f"/coordinator/newcomers/{waiting}", params={name: value})
        refused(response, name)

    def test_a_page_that_does_not_exist_is_a_page(self, client: TestClient) -> None:
        refused(client.get("/coordinator/nowhere"), "Not found", status=404)


class TestMentorPages:
    @pytest.mark.parametrize("action", ["accept", "decline"])
    @pytest.mark.parametrize("value", ["9223372036854775808", "2147483648", "²"])
    def test_accept_and_decline_name_pairing_id(
        self, client: TestClient, db: Session, make_mentor: Any, action: str, value: str
    ) -> None:
        mentor = make_mentor()
        sign_in(client, db, db.get_one(User, mentor.user_id))
        refused(post_form(client, "/mentor", f"/mentor/pairings/{value}/{action}"), "pairing_id")


def test_anonymous_callers_are_sent_to_sign_in_before_any_check(client: TestClient) -> None:
    response = client.get("/coordinator/newcomers/9223372036854775808", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
