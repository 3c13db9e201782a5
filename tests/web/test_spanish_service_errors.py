"""A service's error on a Spanish page is Spanish (issue 18): the form errors written from a
domain error (`forms.domain_error`) and the error page keep the error's words translatable,
so the page shows the catalog's Spanish, not English marked lang="en"."""

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

INVITE = {"email": "rosa@example.org", "role": "coordinator"}


@pytest.fixture
def signed_in_admin(client: TestClient, db: Session, admin: Actor) -> TestClient:
    sign_in(client, db, db.get_one(User, admin.user_id))
    return client


def invite_twice(client: TestClient) -> object:
    post_form(client, "/admin", "/admin/users", INVITE)
    again = post_form(client, "/admin", "/admin/users", INVITE)
    assert again.status_code == 409  # type: ignore[attr-defined]
    return again


def test_a_conflict_beside_the_form_is_spanish(signed_in_admin: TestClient) -> None:
    signed_in_admin.cookies.set(LANG_COOKIE, "es")
    html = assert_all_spanish(invite_twice(signed_in_admin))
    assert "Ya existe una cuenta con este correo electrónico." in html
    assert 'lang="en">An account' not in html


def test_the_same_conflict_in_english_is_unchanged(signed_in_admin: TestClient) -> None:
    assert "An account with this email already exists." in invite_twice(signed_in_admin).text  # type: ignore[attr-defined]


def test_a_refused_filter_names_its_label_and_problem_in_spanish(
    signed_in_admin: TestClient,
) -> None:
    signed_in_admin.cookies.set(LANG_COOKIE, "es")
    refused = signed_in_admin.get("/admin/audit?object_id=0")
    assert refused.status_code == 422
    html = assert_all_spanish(refused)
    assert "un número entero del 1 al" in html
    signed_in_admin.cookies.set(LANG_COOKIE, "en")
    assert "a whole number from 1 to" in signed_in_admin.get("/admin/audit?object_id=0").text
