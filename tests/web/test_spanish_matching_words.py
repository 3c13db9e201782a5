"""The matching's words in Spanish (issue 18): a suggestion's reasons and a "why not?"
explanation on a coordinator's newcomer page, why a whole-pool proposal left someone out,
the hours a mentor and a newcomer are both free and a mentee's yearly milestone on the
mentor's request card — written in Spanish, not marked as English, and none of the
catalog's English left (tests/web/untranslated.py). English pages keep the same words.

A proposal's reasons are stored as written when it is made (`pairings.reasons`): on the
proposals page those the catalog knows whole ("has no mentees yet") are translated, the
others stay English and are marked so."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch import i18n
from mentormatch.accounts.models import User
from mentormatch.matching.schedule import describe, encode, week_start
from mentormatch.pairings.left_out import reason, sentence
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.factories import intake_body, newcomer_id
from tests.web.conftest import post_form
from tests.web.test_mentor_words import asked_mentor
from tests.web.test_pages import sign_in
from tests.web.test_spanish_pages import assert_all_spanish

SPANISH_HOPES = "Alguien que entienda las mañanas difíciles"


def _in_spanish(client: TestClient, db: Session, coordinator: Actor) -> TestClient:
    sign_in(client, db, db.get_one(User, coordinator.user_id))
    client.cookies.set(LANG_COOKIE, "es")
    return client


def _newcomer(client: TestClient, db: Session, **answers: Any) -> int:
    body = intake_body(hopes=SPANISH_HOPES, **answers)
    return newcomer_id(db, client.post("/api/v1/newcomers", json=body).json())


def _section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_a_suggestions_reasons_and_why_not_in_spanish(
    client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
) -> None:
    make_mentor(first_name="Alex", timezone="America/Chicago")
    other = make_mentor(first_name="Noa", languages=["fr"], timezone="America/Chicago")
    client = _in_spanish(client, db, coordinator)
    page = f"/coordinator/newcomers/{_newcomer(client, db)}"

    html = assert_all_spanish(client.get(page))
    reasons = _section(html, 'class="card suggestion"', "</ul>")
    assert "ambas personas en recuperación de heroína" in reasons
    assert "3 h/semana en común: martes por la noche" in reasons
    assert "todavía no acompaña a nadie" in reasons
    assert 'lang="en"' not in reasons

    why = assert_all_spanish(client.get(f"{page}?why={other.mentor_id}"))
    explained = _section(why, 'id="explanation"', "</section>")
    assert "<li><strong>language</strong>: No tienen un idioma en común.</li>" in explained
    assert 'lang="en"' not in explained


def test_the_same_page_in_english_keeps_the_matchings_words(
    client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
) -> None:
    make_mentor(first_name="Alex", timezone="America/Chicago")
    other = make_mentor(first_name="Noa", languages=["fr"], timezone="America/Chicago")
    sign_in(client, db, db.get_one(User, coordinator.user_id))
    page = f"/coordinator/newcomers/{_newcomer(client, db)}"
    html = client.get(f"{page}?why={other.mentor_id}").text
    assert "<li>both in recovery from heroin</li>" in html
    assert "<li>3 h/week in common: Tue evening</li>" in html
    assert "<li><strong>language</strong>: No shared language.</li>" in html


def test_who_a_proposal_left_out_and_why_in_spanish(
    client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
) -> None:
    make_mentor(first_name="Alex", capacity=1)
    client = _in_spanish(client, db, coordinator)
    _newcomer(client, db)
    _newcomer(client, db, first_name="Lu")
    here = "/coordinator/proposals?program=1"
    ran = post_form(client, here, "/coordinator/proposals/run", {"program_id": "1"})
    assert ran.status_code == 303, ran.text

    html = assert_all_spanish(client.get(ran.headers["location"]))
    summary = _section(html, 'id="run-summary"', "</div>")
    assert re.search(r"lleva 0 días esperando sin propuesta: el mentor que le corresponde", summary)
    left = _section(html, 'id="left-out"', "</ul>")
    assert "el mentor que le corresponde no tiene lugar libre" in left
    assert 'lang="en"' not in summary + left
    proposed = _section(html, "<tbody>", "</tbody>")
    assert "<li>todavía no acompaña a nadie</li>" in proposed  # stored, known whole
    assert '<li lang="en">both in recovery from heroin</li>' in proposed  # stored with values


def test_a_left_out_reason_in_both_languages() -> None:
    full = reason(blocking_rule=None, fitting=2, with_room=0)
    assert full == (
        "the 2 mentors who fit them have no place left (places proposed for others count)"
    )
    assert i18n.translate(full, "es") == (
        "los 2 mentores que le corresponden no tienen lugar libre (cuentan los lugares "
        "propuestos para otras personas)"
    )
    said = sentence(name="Lu (K7QX2MPA)", waited_days=1, why=full)
    assert said.startswith("Lu (K7QX2MPA) waited 1 day and was not placed: the 2 mentors")
    assert i18n.translate(said, "es").startswith(
        "Lu (K7QX2MPA) esperó 1 día y no se le asignó mentor: los 2 mentores"
    )
    nobody = reason(blocking_rule="language", fitting=0, with_room=0)
    blocked = sentence(name="Lu", waited_days=3, why=nobody, proposed=False)
    assert blocked == "Lu has waited 3 days with no proposal: no free mentor shares their language."
    assert i18n.translate(blocked, "es") == (
        "Lu lleva 3 días esperando sin propuesta: "
        + i18n.translate("no free mentor shares their language", "es")
        + "."
    )


def test_hours_in_common_in_both_languages() -> None:
    start = week_start(datetime(2026, 12, 7, tzinfo=UTC))
    evenings = [1 * 24 + 19, 3 * 24 + 19]  # Tue and Thu, 19:00 in Chicago
    weekend = [5 * 24 + 9, 6 * 24 + 9]
    shared = encode([evenings + weekend], ["America/Chicago"], start)
    words = describe(shared, "America/Chicago", start)
    assert words == "Tue and Thu evenings; weekend mornings"
    assert i18n.translate(words, "es") == "martes y jueves por la noche; mañanas del fin de semana"


def test_the_mentors_card_in_spanish(
    client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
) -> None:
    started = datetime.now(UTC).date() - timedelta(days=720)  # 2 years in about ten days
    consent = {"agree": True, "version": "2026-11", "share_with_mentor": True,
               "share_milestones": True}  # fmt: skip
    intake = intake_body(recovery_start=started.isoformat(), consent=consent)
    _, pairing = asked_mentor(client, db, coordinator, make_mentor, intake)
    client.cookies.set(LANG_COOKIE, "es")
    page = f"/mentor/pairings/{pairing}"

    request = assert_all_spanish(client.get(page))
    assert "<dd>3 h/semana: martes por la noche (hora de Centro" in request
    accepted = post_form(client, page, f"{page}/accept")
    assert accepted.status_code == 303
    active = assert_all_spanish(client.get(page))
    milestone = _section(active, 'class="milestone"', "</p>")
    assert "<strong>2 años</strong>" in milestone
