"""The questionnaire on the pages: a statement left unanswered or answered off the scale is
named next to it (422), what was chosen kept, nothing written; answered, the totals and their
change show on the newcomer's status page and the coordinator's newcomer page."""

from __future__ import annotations

import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.assessments.models import Assessment
from mentormatch.web.core import NEWCOMER_COOKIE
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.conftest import post_form
from tests.web.untranslated import untranslated

FORM = "/status/questionnaire"
REPORT = "/coordinator/follow-ups/download?format=xlsx"


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


def test_in_spanish_the_statements_are_spanish_said_to_be_a_translation_and_reported_so(
    client: TestClient, db: Session, coordinator: Actor, make_newcomer: Callable[..., Actor]
) -> None:
    sam, ana = make_newcomer(), make_newcomer(first_name="Ana")
    client.cookies.set(NEWCOMER_COOKIE, ana.headers["Authorization"].split()[1])
    english = client.get(FORM).text
    assert 'id="translated-wording"' not in english  # the published wording
    assert post_form(client, FORM, FORM, all_fours()).status_code == 303  # type: ignore[attr-defined]

    client.cookies.set(NEWCOMER_COOKIE, sam.headers["Authorization"].split()[1])
    client.cookies.set(LANG_COOKIE, "es")
    page = client.get(FORM)
    assert "Hay cosas en la vida más importantes para mí que consumir sustancias." in page.text
    assert "Totalmente de acuerdo" in page.text and 'id="translated-wording"' in page.text
    assert not untranslated(page.text), untranslated(page.text)
    refused = post_form(client, FORM, FORM, {**all_fours(), "q2": ""})
    assert "Falta responder 1 frase." in refused.text  # type: ignore[attr-defined]
    assert not untranslated(refused.text)  # type: ignore[attr-defined]
    assert post_form(client, FORM, FORM, all_fours()).status_code == 303  # type: ignore[attr-defined]
    languages = db.execute(select(Assessment.newcomer_id, Assessment.language)).all()
    assert sorted(languages) == sorted([(ana.newcomer_id, "en"), (sam.newcomer_id, "es")])

    client.cookies.clear()
    signed_in(client, db, coordinator.user_id)
    book = load_workbook(io.BytesIO(client.get(REPORT).content), read_only=True)
    rows = list(book["Questionnaires"].iter_rows(values_only=True))
    assert rows[0][-2:] == ("Language", "Validated wording")
    assert sorted(r[-2:] for r in rows[1:]) == [("en", "yes"), ("es", "no")]
