"""The questionnaire on the pages: a statement left unanswered or answered off the scale is
named next to it (422), what was chosen kept, nothing written; answered, the totals and their
change show on the newcomer's status page and the coordinator's newcomer page."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.assessments.models import Assessment
from mentormatch.web.core import NEWCOMER_COOKIE
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.conftest import post_form

FORM = "/status/questionnaire"


def all_fours() -> dict[str, str]:
    return {f"q{n}": "4" for n in range(1, 11)}


def test_unanswered_statements_are_named_and_nothing_is_kept(
    client: TestClient, db: Session, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer()
    client.cookies.set(NEWCOMER_COOKIE, sam.headers["Authorization"].split()[1])
    page = client.get(FORM).text
    assert "There are more important things to me in life than using substances." in page
    assert page.count('type="radio"') == 60  # ten statements, six answers each
    partial = {**all_fours(), "q3": "", "q7": "9"}
    del partial["q10"]
    refused = post_form(client, FORM, FORM, partial)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    assert "3 statements still need an answer." in text
    for code in ("q3", "q7", "q10"):
        assert f'id="{code}-error"' in text
    assert 'id="q1-4" checked' in text  # what was chosen is kept
    assert db.scalar(select(func.count()).select_from(Assessment)) == 0


def test_answers_show_on_both_pages_with_their_change(
    client: TestClient, db: Session, coordinator: Actor, make_newcomer: Callable[..., Actor]
) -> None:
    sam = make_newcomer()
    client.cookies.set(NEWCOMER_COOKIE, sam.headers["Authorization"].split()[1])
    saved = post_form(client, FORM, FORM, all_fours())
    assert saved.status_code == 303  # type: ignore[attr-defined]
    status = client.get("/status?answered=1").text
    assert "Thank you: the answers are saved." in status
    assert "1 questionnaire answered." in status and "<td>40</td><td>first</td>" in status

    client.cookies.clear()
    signed_in(client, db, coordinator.user_id)
    call = f"/coordinator/newcomers/{sam.newcomer_id}/questionnaire"
    entered = post_form(client, call, call, {**all_fours(), "q1": "6", "q2": "6", "q3": "6"})
    assert entered.status_code == 303  # type: ignore[attr-defined]
    case = client.get(f"/coordinator/newcomers/{sam.newcomer_id}").text
    assert "2 questionnaires answered." in case
    assert "<td>46</td><td>+6</td><td>entered by a coordinator from a call</td>" in case
