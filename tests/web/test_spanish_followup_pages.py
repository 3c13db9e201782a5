"""The follow-up pages in Spanish (issue 18): the follow-ups page with windows due, overdue,
due soon and done, its medians shown and hidden below a few people, a period and a refused
day; the dashboard with its follow-up card and an urgent case reached for; the outcomes
page's follow-ups link; and the saved choices of columns — none of the catalog's English
left (tests/web/untranslated.py). English stays as it was (tests/web/test_followup_*.py).

Still English, marked lang="en": a spreadsheet field's own name ("Recovery start date") on
the saved choices page, and a service's refusal the catalog does not hold yet."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.conftest import csrf_from, post_form
from tests.web.test_followup_outcomes import TODAY, _row, six_followed_up
from tests.web.test_import_columns import COLUMNS, _choose
from tests.web.test_spanish_pages import assert_all_spanish

People = Callable[..., Actor]


def _made_on(db: Session, person: Actor, at: datetime) -> None:
    """With the app's clock fixed, the intake's day is set by hand (windows count from it)."""
    db.execute(update(Newcomer).where(Newcomer.id == person.newcomer_id).values(created_at=at))
    db.commit()


@pytest.fixture
def spanish_followups(
    app: FastAPI,
    client: TestClient,
    db: Session,
    coordinator: Actor,
    make_newcomer: People,
    make_mentor: People,
) -> TestClient:
    """Six who took their baseline and their 6 months (five paired, one still waiting), one
    whose 6 months is overdue, one whose baseline is due now and one whose first year is due
    soon; seen by a coordinator who chose Español, on day 200."""
    six_followed_up(app, client, db, make_mentor(), make_newcomer)
    _made_on(db, make_newcomer(first_name="Hoy"), TODAY)  # baseline due now
    _made_on(db, make_newcomer(first_name="Anual"), TODAY - timedelta(days=325))  # 1 year soon
    app.state.clock = lambda: TODAY
    signed_in(client, db, coordinator.user_id)
    client.cookies.set(LANG_COOKIE, "es")
    return client


def test_the_follow_ups_page_in_spanish(spanish_followups: TestClient) -> None:
    client = spanish_followups
    page = assert_all_spanish(client.get("/coordinator/follow-ups"))
    assert "<h1>Seguimientos</h1>" in page
    assert "Atrasados: 1; tocan ahora: 1; tocan pronto: 1; perdidos: 3." in page
    rows = page.split('id="follow-ups"')[1]
    for window, standing in (("6 meses", "atrasado"), ("línea base", "toca ahora"),
                             ("1 año", "toca pronto")):  # fmt: skip
        assert f"<td>{window}</td>" in rows and standing in rows
    assert "Anotar las respuestas de una llamada" in rows
    assert "<strong>30</strong>" in _row(page, "median-baseline")
    assert "En el seguimiento (6 meses)" in _row(page, "median-followup")
    hidden = _row(page, "median-change-waiting")  # one person: no median shown
    assert "no hay respuestas suficientes" in hidden and "n = 1" in hidden
    assert "El informe para quien financia" in page and "CSV (plazos)" in page
    rate = _row(page, "rate-main")  # 12 done; 3 missed (N6's and Anual's baselines, its 6 months)
    assert "(en la meta o por encima)" in rate and "12 de 15" in rate

    period = assert_all_spanish(client.get("/coordinator/follow-ups?since=2026-03-01"))
    assert 'id="period"' in period
    refused = client.get("/coordinator/follow-ups?since=yesterday")
    assert refused.status_code == 422
    assert_all_spanish(refused)


def test_the_dashboard_and_outcomes_follow_ups_in_spanish(
    spanish_followups: TestClient, db: Session, make_newcomer: People
) -> None:
    client = spanish_followups
    urgent = make_newcomer(first_name="Urgente", in_crisis=True)
    _made_on(db, urgent, TODAY - timedelta(hours=5))
    page = f"/coordinator/newcomers/{urgent.newcomer_id}"
    tried: Any = post_form(client, page, f"{page}/urgent-contacts", {"outcome": "no_answer"})
    assert tried.status_code == 303, tried.text
    dashboard = assert_all_spanish(client.get("/coordinator/dashboard"))
    card = dashboard.split('id="dashboard-follow-ups"')[1].split("</section>")[0]
    assert "Cuestionarios de seguimiento" in card and "Atrasados: 1; tocan ahora: 2" in card
    cases = dashboard.split('id="urgent-cases"')[1].split("</section>")[0]
    assert "Urgentes: 1 todavía sin contacto" in cases
    assert "No contestó, hace menos de una hora (1 intento)" in cases
    outcomes = assert_all_spanish(client.get("/coordinator/outcomes"))
    link = outcomes.split('id="follow-ups-link"')[1].split("</p>")[0]
    assert "Seguimientos del capital de recuperación" in link and ">Seguimientos</a>" in link


def test_the_saved_choices_of_columns_in_spanish(
    client: TestClient, db: Session, coordinator: Actor
) -> None:
    signed_in(client, db, coordinator.user_id)
    _choose(client, **{"Date they got sober": "recovery_start"})
    client.cookies.set(LANG_COOKIE, "es")
    page = assert_all_spanish(client.get(COLUMNS))
    assert "1 opción guardada." in page
    assert '“date they got sober” leída como <span lang="en">Recovery start date</span>' in page
    saved_id = re.search(r'id="forget-(\d+)"', page)
    assert saved_id
    forgot = client.post(f"{COLUMNS}/{saved_id[1]}/forget", data={"csrf_token": csrf_from(page)})
    assert "La opción quedó olvidada." in assert_all_spanish(forgot)
