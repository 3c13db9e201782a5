"""The audit trail's words in Spanish (issue 18): the admin's search of the trail with its
events, its filters and a refused filter, and a coordinator's trails of a newcomer, a
mentor and a pairing — what each action did, who did it, the kind of record and how it
ended, all from the catalog (`audit/words.py`), none left in English or marked as English
(tests/web/untranslated.py).

The newcomer's own list of accesses on /status has its own words (`newcomers.accounting`),
Spanish already (tests/web/test_spanish_pages.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.pairings.models import Pairing
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.web.conftest import post_form
from tests.web.test_pages import sign_in
from tests.web.test_spanish_pages import assert_all_spanish


def marked_english(html: str, within: str = "main") -> list[str]:
    """The text of each element marked `lang="en"` inside the page's element with id
    `within` (a section, a table; by default the main content, outside the switch)."""
    start = re.search(rf'<(\w+)[^>]*\bid="{within}"[^>]*>', html)
    assert start, within
    part = html[start.end() : html.index(f"</{start.group(1)}>", start.end())]
    found = re.findall(r'<(\w+)[^>]*\blang="en"[^>]*>(.*?)</\1>', part, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for _, text in found]


def cells(html: str, table: str) -> list[str]:
    """The text of each body cell of the table with this id."""
    start = html.index(f'id="{table}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    found = re.findall(r"<td>(.*?)</td>", body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in found]


@pytest.fixture
def spanish_admin(client: TestClient, db: Session, admin: Actor) -> TestClient:
    """An admin signed in who chose Español on the switch."""
    sign_in(client, db, db.get_one(User, admin.user_id))
    client.cookies.set(LANG_COOKIE, "es")
    return client


@pytest.fixture
def spanish_coordinator(client: TestClient, db: Session, coordinator: Actor) -> TestClient:
    """A coordinator signed in who chose Español on the switch."""
    sign_in(client, db, db.get_one(User, coordinator.user_id))
    client.cookies.set(LANG_COOKIE, "es")
    return client


def _events(client: TestClient, coordinator: Actor, make_newcomer: Any) -> int:
    """A coordinator reads a newcomer and is refused the admin's API: (the newcomer's id)."""
    sam = make_newcomer(hopes="Alguien que entienda las mañanas difíciles")
    read = client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=coordinator.headers)
    assert read.status_code == 200, read.text
    assert client.get("/api/v1/audit", headers=coordinator.headers).status_code == 403
    return int(sam.newcomer_id)


class TestTheAdminsAuditTrail:
    def test_its_events_in_spanish(
        self, spanish_admin: TestClient, coordinator: Actor, make_newcomer: Any, make_mentor: Any
    ) -> None:
        alex = make_mentor(first_name="Alex")
        sam = _events(spanish_admin, coordinator, make_newcomer)
        html = assert_all_spanish(spanish_admin.get("/admin/audit"))
        shown = cells(html, "audit")
        assert "lo abrió" in shown  # read
        assert "pidió /api/v1/audit" in shown and "rechazado" in shown  # a refused request
        assert f"Persona nueva {sam}" in shown and "Ruta de la API" in shown
        # "Mentor" is the same in both languages: Spanish, not marked English
        assert "lo creó" in shown and f"Mentor {alex.mentor_id}" in shown
        assert "buscó en el registro de auditoría" in shown  # this search itself
        assert "Usted" in shown and "se realizó" in shown
        assert any(c.endswith("(un coordinador)") for c in shown), shown
        assert not marked_english(html), marked_english(html)

    def test_its_filters_in_spanish(
        self, spanish_admin: TestClient, coordinator: Actor, make_newcomer: Any
    ) -> None:
        sam = _events(spanish_admin, coordinator, make_newcomer)
        query = f"role=coordinator&action=read&object_type=newcomer&object_id={sam}&outcome=ok"
        html = assert_all_spanish(spanish_admin.get(f"/admin/audit?{query}"))
        assert "1 evento encontrado" in html
        for chosen in (
            '<option value="coordinator" selected>Un coordinador</option>',
            '<option value="read" selected>lo abrió</option>',
            '<option value="newcomer" selected>Persona nueva</option>',
            '<option value="ok" selected>se realizó</option>',
        ):
            assert chosen in html
        assert '<option value="anonymous">Alguien sin sesión iniciada</option>' in html
        assert '<option value="route">Ruta de la API</option>' in html
        assert '<option value="throttled">rechazado: demasiados intentos</option>' in html
        assert not marked_english(html), marked_english(html)

    def test_a_refused_filter_keeps_its_choices_in_spanish(self, spanish_admin: TestClient) -> None:
        refused = spanish_admin.get("/admin/audit?role=admin&action=no_such_thing")
        assert refused.status_code == 422
        html = assert_all_spanish(refused)
        assert '<option value="admin" selected>Un administrador</option>' in html
        assert '<option value="update">lo cambió</option>' in html
        start = html.index('<form method="get"')
        form = html[start : html.index("</form>", start)]
        # the service's own message is marked English until it has a translation
        assert all(t.startswith("Action:") for t in marked_english(html)), marked_english(html)
        assert "<option" in form and 'lang="en"' not in form


class TestACoordinatorsTrails:
    def test_a_newcomers_mentors_and_pairings_trails_in_spanish(
        self, spanish_coordinator: TestClient, db: Session, make_mentor: Any, make_newcomer: Any
    ) -> None:
        client = spanish_coordinator
        alex = make_mentor(first_name="Alex")
        sam = make_newcomer(hopes="Alguien que entienda las mañanas difíciles").newcomer_id
        page = f"/coordinator/newcomers/{sam}"
        approved = post_form(client, page, f"{page}/approve", {"mentor_id": str(alex.mentor_id)})
        assert approved.status_code == 303, approved.text
        answered = client.post(
            f"/api/v1/pairings/{self._pairing(db, sam)}/accept", headers=alex.headers
        )
        assert answered.status_code == 200, answered.text

        own = client.get(page).text
        recent = cells(own, "trail")
        assert "lo abrió" in recent and "Usted" in recent, recent
        assert not marked_english(own, "trail"), marked_english(own, "trail")

        html = assert_all_spanish(client.get(f"{page}/trail"))
        shown = cells(html, "main")
        assert "Alex (un mentor)" in shown and "La persona nueva" in shown  # who
        assert "lo creó" in shown  # the intake
        number = self._pairing(db, sam)
        assert f"aceptó el emparejamiento (emparejamiento {number})" in shown
        assert (
            f"aprobó el emparejamiento y se lo preguntó al mentor (emparejamiento {number})"
            in shown
        )
        assert "vio este historial de accesos" in shown
        assert not marked_english(html), marked_english(html)

        pairing = assert_all_spanish(
            client.get(f"/coordinator/pairings/{self._pairing(db, sam)}/trail")
        )
        assert "aceptó el emparejamiento" in cells(pairing, "main")
        assert not marked_english(pairing), marked_english(pairing)
        mentor = assert_all_spanish(client.get(f"/coordinator/mentors/{alex.mentor_id}/trail"))
        assert "lo creó" in cells(mentor, "main")
        assert not marked_english(mentor), marked_english(mentor)

    @staticmethod
    def _pairing(db: Session, newcomer_id: int) -> int:
        db.expire_all()
        return int(db.scalars(select(Pairing.id).where(Pairing.newcomer_id == newcomer_id)).one())
