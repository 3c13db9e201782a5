"""Staff emails in the staff member's language (issue 18): an account's language is that of
the page they last signed in or chose a password on (`users.interface_language`); an
invitation is written in the language of the page that sent it, a reset asked for on the
"forgot" page in that page's. Each coordinator gets the urgent alert in their own, a mentor
the request to mentor someone in theirs."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.factories import PASSWORD, accept_invitation, intake_body, make_user, newcomer_id
from tests.web.conftest import post_form
from tests.web.test_pages import sign_in


def _sign_in_on_the_form(client: TestClient, email: str, language: str) -> None:
    client.cookies.clear()
    client.cookies.set(LANG_COOKIE, language)
    done = post_form(client, "/login", "/login", {"email": email, "password": PASSWORD})
    assert done.status_code == 303, done.text


def _sent_to(db: Session, email: str, kind: MessageKind) -> OutboxMessage:
    db.expire_all()
    found = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == email, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert found is not None, (email, kind)
    return found


def test_each_coordinator_gets_the_urgent_alert_in_the_language_they_signed_in_in(
    client: TestClient, db: Session
) -> None:
    rosa = make_user(db, Role.coordinator, email="rosa@example.org")
    kim = make_user(db, Role.coordinator, email="kim@example.org")
    db.commit()
    _sign_in_on_the_form(client, rosa.email, "es")
    _sign_in_on_the_form(client, kim.email, "en")
    db.expire_all()
    assert db.get_one(User, rosa.id).interface_language == "es"
    assert db.get_one(User, kim.id).interface_language == "en"

    client.cookies.clear()
    made = client.post("/api/v1/newcomers", json=intake_body(in_crisis=True))
    assert made.status_code == 201, made.text
    spanish = _sent_to(db, rosa.email, MessageKind.urgent_intake)
    assert spanish.subject == "Urgente: una solicitud espera a un coordinador"
    assert "inicie sesión y ábrala lo antes posible" in spanish.body
    english = _sent_to(db, kim.email, MessageKind.urgent_intake)
    assert english.subject == "Urgent: a request is waiting for a coordinator"


def test_an_invitation_is_written_in_the_inviting_pages_language(
    client: TestClient, db: Session
) -> None:
    sign_in(client, db, make_user(db, Role.admin))
    client.cookies.set(LANG_COOKIE, "es")
    sent = post_form(client, "/admin", "/admin/users", {"email": "lu@example.org", "role": "admin"})
    assert sent.status_code == 303, sent.text
    invitation = _sent_to(db, "lu@example.org", MessageKind.invitation)
    assert invitation.subject == "Le invitamos a MentorMatch"
    assert "Elija su contraseña con este enlace" in invitation.body
    invited = db.scalar(select(User).where(User.email == "lu@example.org"))
    assert invited is not None and invited.interface_language == "es"

    client.cookies.set(LANG_COOKIE, "en")  # the admin sends a new link from an English page:
    again = post_form(client, "/admin", f"/admin/users/{invited.id}/reset")
    assert again.status_code == 303, again.text
    assert _sent_to(db, invited.email, MessageKind.invitation).subject == (
        "Le invitamos a MentorMatch"  # still the account's own language
    )


def test_a_reset_asked_for_in_spanish_is_in_spanish(client: TestClient, db: Session) -> None:
    kim = make_user(db, Role.coordinator, email="kim@example.org")
    db.commit()
    client.cookies.set(LANG_COOKIE, "es")
    asked = post_form(client, "/account/forgot", "/account/forgot", {"email": kim.email})
    assert asked.status_code == 200
    reset = _sent_to(db, kim.email, MessageKind.reset)
    assert reset.subject == "Restablezca su contraseña de MentorMatch"
    assert "su contraseña sigue igual" in reset.body
    db.expire_all()
    assert db.get_one(User, kim.id).interface_language == "en"  # asking changes no account


def test_a_mentor_who_signed_in_in_spanish_is_asked_in_spanish(
    client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
) -> None:
    mentor = make_mentor(first_name="Alex", email="alex@example.org")
    accept_invitation(db, "alex@example.org")
    db.commit()
    _sign_in_on_the_form(client, "alex@example.org", "es")
    client.cookies.clear()
    sam = newcomer_id(db, client.post("/api/v1/newcomers", json=intake_body()).json())
    asked = client.post(
        "/api/v1/pairings",
        json={"newcomer_id": sam, "mentor_id": mentor.mentor_id},
        headers=coordinator.headers,
    )
    assert asked.status_code == 201, asked.text
    request = _sent_to(db, "alex@example.org", MessageKind.mentor_asked)
    assert request.subject == "Una nueva solicitud de mentoría le espera"
    assert "inicie sesión para leer la solicitud" in request.body
