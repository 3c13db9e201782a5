"""An admin's pages in Spanish (issue 18): the accounts with an invitation and its errors,
the programs with a refused address, a program's page, and the audit trail with a refused
date — none of the catalog's English left (tests/web/untranslated.py).

A program's settings page: test_spanish_program_settings.py; the audit trail's words and the
learned weights: test_spanish_audit_pages.py, test_spanish_learned_weights_page.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.web.conftest import post_form
from tests.web.test_pages import sign_in
from tests.web.test_spanish_pages import assert_all_spanish


@pytest.fixture
def spanish_admin(client: TestClient, db: Session, admin: Actor) -> TestClient:
    """An admin signed in who chose Español on the switch."""
    sign_in(client, db, db.get_one(User, admin.user_id))
    client.cookies.set(LANG_COOKIE, "es")
    return client


def test_the_accounts_page_in_spanish(spanish_admin: TestClient) -> None:
    client = spanish_admin
    assert "Invitar a un coordinador o administrador" in assert_all_spanish(client.get("/admin"))
    wrong = post_form(client, "/admin", "/admin/users", {"email": "not-an-email", "role": ""})
    assert wrong.status_code == 422
    assert_all_spanish(wrong)
    sent = post_form(
        client, "/admin", "/admin/users", {"email": "rosa@example.org", "role": "coordinator"}
    )
    page = client.get(sent.headers["location"]) if sent.status_code == 303 else sent
    assert "Invitación enviada" in assert_all_spanish(page)
    assert "1 cuenta encontrada" in assert_all_spanish(client.get("/admin?q=rosa"))


def test_the_programs_pages_in_spanish(spanish_admin: TestClient) -> None:
    client = spanish_admin
    assert "Crear un programa" in assert_all_spanish(client.get("/admin/programs"))
    refused = post_form(
        client, "/admin/programs", "/admin/programs", {"slug": "No Spaces!", "name": "Círculo"}
    )
    assert refused.status_code == 422
    assert_all_spanish(refused)
    made = post_form(
        client, "/admin/programs", "/admin/programs", {"slug": "circulo", "name": "Círculo"}
    )
    page = client.get(made.headers["location"]) if made.status_code == 303 else made
    assert "Programa creado." in assert_all_spanish(page)
    assert "Coordinadores" in assert_all_spanish(client.get("/admin/programs/1"))


def test_the_audit_trail_in_spanish(spanish_admin: TestClient) -> None:
    client = spanish_admin
    trail = assert_all_spanish(client.get("/admin/audit"))
    assert "Buscar en el registro de auditoría" in trail
    refused = client.get("/admin/audit?since=yesterday")
    assert refused.status_code == 422
    assert_all_spanish(refused)
