"""The newcomer's pages in Spanish (issue 18): the language a person chooses, and no English
left on the pages that are translated.

The language comes from the switch on every page (`?lang=es`, then the `mm_lang` cookie),
else Accept-Language, else English. Every page a newcomer sees — the front door, the
intake with its errors and crisis box, the welcome, the status page with its check-in, its
mentor, rhythm and fit check, correcting and deleting — is read in Spanish, and none of
the catalog's English may be left on it (tests/web/untranslated.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.aftercare.models import Contact, ContactMode
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.outbox import OutboxMessage
from mentormatch.web.core import NEWCOMER_COOKIE
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.factories import intake_body, make_user, newcomer_id
from tests.web.conftest import csrf_from, post_form
from tests.web.test_pages import INTAKE, sign_in
from tests.web.untranslated import page_text, untranslated

SPANISH = {"accept-language": "es-MX,es;q=0.9"}


def lang_of(html: str) -> str:
    start = html.index("<html lang=") + len('<html lang="')
    return html[start : html.index('"', start)]


def assert_all_spanish(response: Any) -> str:
    html = response.text
    assert lang_of(html) == "es", response.url
    left = untranslated(html)
    assert not left, f"{response.url} shows English: {left}"
    return html


@pytest.fixture
def es(client: TestClient) -> TestClient:
    """A browser whose person chose Español on the switch."""
    client.cookies.set(LANG_COOKIE, "es")
    return client


class TestChoosingTheLanguage:
    def test_english_is_the_default_with_a_switch_to_spanish(self, client: TestClient) -> None:
        html = client.get("/intake").text
        assert lang_of(html) == "en"
        assert "Ask for a peer mentor" in html
        assert '<a href="?lang=es" lang="es" hreflang="es">Español</a>' in html

    def test_every_page_has_the_switch_whatever_else_it_lists(
        self, client: TestClient, db: Session
    ) -> None:
        sign_in(client, db, make_user(db, Role.coordinator))
        html = client.get("/coordinator").text  # its filters list languages of their own
        assert '<a href="?lang=es" lang="es" hreflang="es">Español</a>' in html

    def test_the_browsers_language_decides_without_a_choice(self, client: TestClient) -> None:
        html = client.get("/intake", headers=SPANISH).text
        assert lang_of(html) == "es" and "Pedir un mentor de pares" in html
        weighted = client.get("/intake", headers={"accept-language": "fr, es;q=0.4, en;q=0.3"})
        assert lang_of(weighted.text) == "es"  # French is not offered; Spanish weighs more
        other = client.get("/intake", headers={"accept-language": "fr-CA, de"})
        assert lang_of(other.text) == "en"

    def test_the_switch_sticks_over_the_browsers_language(self, client: TestClient) -> None:
        chosen = client.get("/intake?lang=es")
        assert LANG_COOKIE in chosen.cookies and chosen.cookies[LANG_COOKIE] == "es"
        english_browser = {"accept-language": "en-US"}
        assert lang_of(client.get("/", headers=english_browser).text) == "es"
        back = client.get("/intake?lang=en", headers=SPANISH)
        assert lang_of(back.text) == "en" and "Ask for a peer mentor" in back.text
        assert lang_of(client.get("/", headers=SPANISH).text) == "en"

    def test_a_language_it_does_not_speak_is_refused_naming_lang(self, client: TestClient) -> None:
        response = client.get("/intake?lang=xx")
        assert response.status_code == 422
        assert "Lang: choose a language from the switch" in response.text
        assert LANG_COOKIE not in response.cookies

    def test_after_a_form_the_switch_goes_back_to_the_forms_page(self, es: TestClient) -> None:
        token = csrf_from(es.get("/intake").text)
        response = es.post(
            "/intake",
            data={"csrf_token": token, "in_crisis": "no"},
            headers={"referer": "http://testserver/intake"},
        )
        assert response.status_code == 422
        english = response.text.split('id="languages"')[1].split("</nav>")[0]
        assert 'href="/intake?lang=en"' in english  # not /intake's POST address

    def test_kept_answers_and_the_chosen_language_survive_an_error(self, es: TestClient) -> None:
        response = post_form(es, "/intake", "/intake", {**INTAKE, "birth_year": "19x0"})
        html = assert_all_spanish(response)
        assert "Por favor, revise 1 respuesta" in html
        assert "Año en que nació: Por favor, escriba el año en que nació" in page_text(html)
        assert 'value="19x0"' in html


def intake_in_spanish(client: TestClient, **overrides: Any) -> Any:
    response = post_form(client, "/intake", "/intake", {**INTAKE, **overrides})
    assert response.status_code == 303, response.text
    return response


def paired(client: TestClient, db: Session, mentor_id: int) -> None:
    """The browser holds a newcomer in an active pairing with a contact logged (so the
    mentor, the rhythm and the fit check show)."""
    body = intake_body(first_name="Rosa", recovery_start="2025-01-10", share_contact=True)
    created = client.post("/api/v1/newcomers", json=body)
    assert created.status_code == 201, created.text
    newcomer = db.get_one(Newcomer, newcomer_id(db, created.json()))
    newcomer.status = NewcomerStatus.paired
    pairing = Pairing(
        program_id=newcomer.program_id,
        newcomer_id=newcomer.id,
        mentor_id=mentor_id,
        status=PairingStatus.active,
    )
    db.add(pairing)
    db.flush()
    db.add(
        Contact(
            pairing_id=pairing.id,
            program_id=newcomer.program_id,
            contacted_on=date.today() - timedelta(days=2),
            mode=ContactMode.phone,
            minutes=30,
        )
    )
    db.commit()
    client.cookies.set(NEWCOMER_COOKIE, created.json()["status_token"])


class TestEveryNewcomerPageInSpanish:
    def test_front_door_and_intake(self, es: TestClient) -> None:
        assert_all_spanish(es.get("/"))
        html = assert_all_spanish(es.get("/intake"))
        for words in ("¿De qué se está recuperando?", "Heroína", "Reducción de daños", "Lunes"):
            assert words in html, words

    def test_every_question_unanswered(self, es: TestClient) -> None:
        response = post_form(es, "/intake", "/intake", {})
        assert response.status_code == 422
        text = page_text(assert_all_spanish(response))
        assert "¿Está a salvo?: Por favor, responda sí o no." in text
        assert "Consentimiento: Necesitamos su autorización" in text

    def test_the_crisis_box_and_its_minimal_request(self, es: TestClient) -> None:
        html = assert_all_spanish(post_form(es, "/intake", "/intake", {"in_crisis": "yes"}))
        assert "marque 2 para español" in html and "en español e inglés" in html
        assert 'href="tel:988"' in html and 'href="tel:18006624357"' in html
        refused = post_form(es, "/intake", "/intake/urgent", {"first_name": "", "email": "x"})
        assert refused.status_code == 422
        assert_all_spanish(refused)
        sent = post_form(es, "/intake", "/intake/urgent", {"first_name": "Ana"})
        assert sent.status_code == 303
        assert_all_spanish(es.get("/welcome"))
        assert_all_spanish(es.get("/status"))

    def test_welcome_status_and_check_in(self, es: TestClient) -> None:
        intake_in_spanish(es, recovery_start="2024-01-02")
        assert "Gracias, Sam. Recibimos su solicitud." in assert_all_spanish(es.get("/welcome"))
        html = assert_all_spanish(es.get("/status"))
        assert "de enero de" in html  # the milestones' days as Spanish writes them
        assert "Está en la lista, esperando desde hace menos de una hora." in page_text(html)
        refused = post_form(es, "/status", "/status/check-in", {"feeling": "9"})
        assert refused.status_code == 422
        assert "Por favor, elija cómo van las cosas" in assert_all_spanish(refused)
        sent = post_form(es, "/status", "/status/check-in", {"feeling": "2", "in_danger": "no"})
        assert sent.status_code == 303
        assert "Gracias por reportarse." in assert_all_spanish(es.get(sent.headers["location"]))
        danger = post_form(es, "/status", "/status/check-in", {"feeling": "1", "in_danger": "yes"})
        assert "Llamar al 988" in assert_all_spanish(danger)

    def test_what_they_share_and_starting_again(self, es: TestClient) -> None:
        intake_in_spanish(es, recovery_start="2024-01-02", email="sam@example.org")
        shared = post_form(es, "/status", "/status/sharing", {"milestone_messages": "yes"})
        assert shared.status_code == 303
        html = assert_all_spanish(es.get(shared.headers["location"]))
        assert "Guardado. A partir de ahora comparte lo que está marcado abajo." in html
        refused = post_form(es, "/status", "/status/start-again", {"started_on": "2999-01-01"})
        assert refused.status_code == 422
        assert "Por favor, indique el día en que comenzó de nuevo" in assert_all_spanish(refused)
        again = post_form(es, "/status", "/status/start-again", {"started_on": "2025-06-01"})
        assert again.status_code == 303
        html = assert_all_spanish(es.get(again.headers["location"]))
        assert "2 de enero de 2024" in html and "(reemplazada el" in html

    def test_the_status_page_once_paired(self, es: TestClient, db: Session, make_mentor) -> None:
        mentor = make_mentor()
        paired(es, db, mentor.mentor_id)
        html = assert_all_spanish(es.get("/status"))
        for part in ('id="mentor-name"', 'id="your-rhythm"', 'id="fit"'):
            assert part in html, part
        assert "¿Cómo le va con su mentor?" in html

    def test_correcting_and_deleting(self, es: TestClient) -> None:
        intake_in_spanish(es)
        assert_all_spanish(es.get("/status/edit"))
        corrected = post_form(es, "/status/edit", "/status/edit", {**INTAKE, "email": "nope"})
        assert corrected.status_code == 422
        assert_all_spanish(corrected)
        assert_all_spanish(es.get("/status/delete"))
        deleted = post_form(es, "/status/delete", "/status/delete")
        assert "Sus datos han sido borrados" in assert_all_spanish(deleted)

    def test_without_a_link_and_an_unknown_page(self, es: TestClient) -> None:
        assert_all_spanish(es.get("/status"))
        assert_all_spanish(es.get("/s/not-a-token"))
        missing = es.get("/no-such-page")
        assert missing.status_code == 404
        assert_all_spanish(missing)


class TestTheNewcomersEmail:
    def test_the_mentor_said_yes_in_the_language_they_asked_in(
        self, es: TestClient, db: Session, coordinator: Actor, make_mentor
    ) -> None:
        intake_in_spanish(es, first_name="Lucía", email="lucia@example.org")
        mentor = make_mentor()
        lucia = db.scalar(select(Newcomer.id).where(Newcomer.first_name == "Lucía"))
        asked = es.post(
            "/api/v1/pairings",
            json={"newcomer_id": lucia, "mentor_id": mentor.mentor_id},
            headers=coordinator.headers,
        )
        assert asked.status_code == 201, asked.text
        accepted = es.post(f"/api/v1/pairings/{asked.json()['id']}/accept", headers=mentor.headers)
        assert accepted.status_code == 200, accepted.text
        sent = db.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "lucia@example.org")
        ).one()
        assert sent.subject == "Su mentor dijo que sí"
        assert sent.body.startswith("Hola:\n\nBuenas noticias: un mentor aceptó.")
        assert "http" in sent.body and "heroin" not in sent.body.lower()  # a link, no health


class TestTheCheckCanFail:
    def test_the_same_pages_in_english_are_caught(self, client: TestClient) -> None:
        left = untranslated(client.get("/intake").text)
        assert {"Ask for a peer mentor", "What are you recovering from", "Heroin"} <= set(left)

    def test_one_english_word_on_a_spanish_page_is_caught(self, es: TestClient) -> None:
        html = es.get("/intake").text.replace("Heroína", "Heroin")
        assert set(untranslated(html)) == {"Heroin"}
