"""A mentor's pages in Spanish (issue 18): the inbox with a request, the request and the
active pairing with its contacts and fit check, the contact log, the profile with an
error, the decline's second step, and signing in — none of the catalog's English left.

Not translated on them (docs/languages.md): the 42 CFR Part 2 redisclosure notice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.aftercare.models import Contact, ContactMode
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.web.conftest import csrf_from, post_form
from tests.web.test_mentor_words import asked_mentor
from tests.web.test_spanish_pages import assert_all_spanish


def test_a_mentors_pages_in_spanish(
    client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
) -> None:
    client.cookies.set(LANG_COOKIE, "es")
    _, pairing_id = asked_mentor(client, db, coordinator, make_mentor)
    inbox = assert_all_spanish(client.get("/mentor"))
    assert "Solicitudes que esperan su respuesta (1)" in inbox
    assert "Aceptar a Sam" in inbox
    assert_all_spanish(client.get(f"/mentor/pairings/{pairing_id}"))
    page = f"/mentor/pairings/{pairing_id}"
    declining = post_form(client, page, f"{page}/decline", {"reason": "schedule"})
    assert "Su motivo:" in assert_all_spanish(declining)

    accepted = post_form(client, page, f"{page}/accept")
    assert accepted.status_code == 303
    assert "Gracias: solicitud aceptada." in assert_all_spanish(
        client.get(accepted.headers["location"])
    )
    pairing = db.get_one(Pairing, pairing_id)
    assert pairing.status is PairingStatus.active
    db.add(
        Contact(
            pairing_id=pairing_id,
            program_id=pairing.program_id,
            contacted_on=date.today() - timedelta(days=1),
            mode=ContactMode.video,
            minutes=30,
        )
    )
    db.commit()
    active = assert_all_spanish(client.get(page))
    assert "Anotar un contacto" in active and "¿Funciona bien este emparejamiento?" in active
    refused = post_form(client, page, f"{page}/contacts", {"contacted_on": "ayer"})
    assert refused.status_code == 422
    assert "Por favor, indique el día en que estuvieron en contacto" in assert_all_spanish(refused)
    assert "Una media hora" in assert_all_spanish(client.get(f"{page}/contacts"))

    assert_all_spanish(client.get("/mentor/profile"))
    token = csrf_from(client.get("/mentor/profile").text)
    wrong = client.post("/mentor/profile", data={"csrf_token": token, "capacity": "99"})
    assert wrong.status_code == 422
    assert_all_spanish(wrong)


def test_signing_in_in_spanish(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "es")
    assert "¿Olvidó su contraseña?" in assert_all_spanish(client.get("/login"))
    refused = post_form(client, "/login", "/login", {"email": "x@example.org", "password": "no"})
    assert refused.status_code == 401
    assert "El correo electrónico o la contraseña no son correctos." in assert_all_spanish(refused)


def test_the_password_pages_in_spanish(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "es")
    assert_all_spanish(client.get("/account/forgot"))
    empty = post_form(client, "/account/forgot", "/account/forgot", {"email": ""})
    assert empty.status_code == 422
    assert "Por favor, escriba el correo electrónico" in assert_all_spanish(empty)
    sent = post_form(client, "/account/forgot", "/account/forgot", {"email": "x@example.org"})
    assert "Si hay una cuenta con este correo electrónico" in assert_all_spanish(sent)
    stale = client.get("/account/set-password?token=not-a-token")
    assert "Este enlace no se reconoce" in assert_all_spanish(stale)
