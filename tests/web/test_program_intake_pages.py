"""Each program's public pages (SQLite and PostgreSQL): its intake at /p/{slug}/, the front
door with one and with several programs, the newcomer's pages showing their own program's
crisis resources, and a program's settings shaping its intake at the very next request.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.db import utcnow
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from tests.conftest import Actor
from tests.factories import bearer, intake_body, make_user, mentor_body, token_for
from tests.web.conftest import post_form
from tests.web.test_pages import INTAKE

# The default program follows the installation's (US) crisis resources: 988 and SAMHSA.
MAIN_CRISIS = 'href="tel:988"'
PUENTE_CRISIS = [
    {
        "name": "Línea de la Vida",
        "contact": "Llama al 800 911 2000, en español",
        "region": "MX",
        "links": [{"label": "Llamar 800 911 2000", "href": "tel:8009112000"}],
    }
]
PUENTE_NOTICE = "Si estás en peligro ahora mismo, llama al 800 911 2000 o al 911."
PUENTE_LINK = 'href="tel:8009112000"'


def open_program(db: Session, slug: str = "puente", **settings: Any) -> Program:
    """A second open program with its own settings."""
    program = Program(slug=slug, name=slug.capitalize(), settings=settings)
    db.add(program)
    db.commit()
    return program


def change(db: Session, program: Program, **settings: Any) -> None:
    """An admin's change as the admin pages store it: the new values and a new version."""
    program.settings = {**program.settings, **settings}
    program.settings_version += 1
    db.commit()


def offered_languages(html: str) -> list[str]:
    return re.findall(r'name="languages" value="([a-z]+)"', html)


def ticked(html: str, name: str) -> bool:
    match = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    assert match, f"no {name} box"
    return " checked" in match.group()


def newcomer_named(db: Session, name: str) -> Newcomer:
    db.expire_all()
    return db.scalars(select(Newcomer).where(Newcomer.first_name == name)).one()


def puente(db: Session) -> Program:
    return open_program(db, crisis_resources=PUENTE_CRISIS, crisis_notice=PUENTE_NOTICE)


class TestProgramIntake:
    def test_the_form_sends_to_its_program(self, client: TestClient, db: Session) -> None:
        program = puente(db)
        page = client.get("/p/puente/")
        assert page.status_code == 200
        assert 'action="/p/puente/"' in page.text and 'action="/p/puente/urgent"' in page.text
        assert "Puente" in page.text and PUENTE_LINK in page.text and MAIN_CRISIS not in page.text
        sent = post_form(client, "/p/puente/", "/p/puente/", {**INTAKE, "first_name": "Ana"})
        assert sent.status_code == 303 and sent.headers["location"] == "/welcome"  # type: ignore[attr-defined]
        assert newcomer_named(db, "Ana").program_id == program.id

    def test_an_error_shows_the_form_again_at_the_programs_address(
        self, client: TestClient, db: Session
    ) -> None:
        puente(db)
        sent = post_form(client, "/p/puente/", "/p/puente/", {**INTAKE, "substances": []})
        assert sent.status_code == 422  # type: ignore[attr-defined]
        assert 'action="/p/puente/"' in sent.text and PUENTE_LINK in sent.text  # type: ignore[attr-defined]

    def test_the_urgent_request_goes_to_the_program(self, client: TestClient, db: Session) -> None:
        program = puente(db)
        sent = post_form(client, "/p/puente/", "/p/puente/urgent", {"first_name": "Luz"})
        assert sent.status_code == 303  # type: ignore[attr-defined]
        luz = newcomer_named(db, "Luz")
        assert luz.program_id == program.id and luz.urgent and luz.minimal

    def test_an_unknown_address_is_the_404_page(self, client: TestClient) -> None:
        for slug in ("nowhere", "Not-A-Slug", "x" * 300, "%00"):
            answer = client.get(f"/p/{slug}/")
            assert answer.status_code == 404, slug
            assert answer.headers["content-type"].startswith("text/html")
        posted = post_form(client, "/intake", "/p/nowhere/urgent", {"first_name": "Kim"})
        assert posted.status_code == 404  # type: ignore[attr-defined]

    def test_an_archived_program_says_so_with_its_crisis_resources(
        self, client: TestClient, db: Session
    ) -> None:
        program = puente(db)
        program.archived_at = utcnow()
        db.commit()
        answer = client.get("/p/puente/")
        assert answer.status_code == 404
        assert "Puente no longer takes requests" in answer.text
        assert PUENTE_LINK in answer.text and PUENTE_NOTICE in answer.text
        sent = post_form(client, "/intake", "/p/puente/", {**INTAKE, "first_name": "Eva"})
        assert sent.status_code == 404  # type: ignore[attr-defined]
        assert not db.scalars(select(Newcomer).where(Newcomer.first_name == "Eva")).all()


class TestFrontDoor:
    def test_one_program_keeps_the_front_door_and_intake_as_they_were(
        self, client: TestClient
    ) -> None:
        home = client.get("/")
        assert home.status_code == 200 and 'href="/intake"' in home.text
        assert 'action="/intake"' in client.get("/intake").text
        assert post_form(client, "/intake", "/intake", INTAKE).status_code == 303  # type: ignore[attr-defined]

    def test_several_programs_are_listed_after_the_crisis_box(
        self, client: TestClient, db: Session
    ) -> None:
        puente(db)
        html = client.get("/").text
        main_link, puente_link = 'href="/p/main/"', 'href="/p/puente/"'
        assert main_link in html and puente_link in html
        box = html.index('id="crisis"')
        # Someone in danger has not chosen yet: every program's resources, each once.
        assert box < html.index(MAIN_CRISIS) < html.index("<h1>")
        assert box < html.index(PUENTE_LINK) < html.index("<h1>")
        assert html.count(MAIN_CRISIS) == 1
        assert html.index("<h1>") < html.index(main_link)
        for link in (main_link, puente_link):
            assert client.get(link.split('"')[1]).status_code == 200

    def test_with_several_programs_the_old_intake_address_leads_to_the_list(
        self, client: TestClient, db: Session
    ) -> None:
        form = client.get("/intake")  # the form of the only program, read before...
        puente(db)  # ...a second one opened
        assert client.get("/intake", follow_redirects=False).headers["location"] == "/"
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        sent = client.post("/intake", data={**INTAKE, "csrf_token": token.group(1)})
        assert sent.status_code == 422 and "choose the program" in sent.text

    def test_an_archived_program_is_not_listed(self, client: TestClient, db: Session) -> None:
        program = puente(db)
        program.archived_at = utcnow()
        db.commit()
        home = client.get("/").text
        assert 'href="/p/puente/"' not in home and 'href="/intake"' in home

    def test_with_no_program_open_the_front_door_says_so_with_crisis_resources(
        self, client: TestClient, db: Session
    ) -> None:
        db.get_one(Program, DEFAULT_PROGRAM_ID).archived_at = utcnow()
        db.commit()
        home = client.get("/")
        assert home.status_code == 200 and "No program is taking requests" in home.text
        assert MAIN_CRISIS in home.text
        assert client.get("/intake", follow_redirects=False).headers["location"] == "/"


class TestNewcomersOwnProgram:
    def test_status_pages_show_their_programs_name_and_crisis_resources_only(
        self, client: TestClient, db: Session
    ) -> None:
        puente(db)
        sent = post_form(client, "/p/puente/", "/p/puente/urgent", {"first_name": "Luz"})
        assert sent.status_code == 303  # type: ignore[attr-defined]
        for page in ("/welcome", "/status"):
            html = client.get(page).text
            assert "Puente" in html, page
            assert PUENTE_LINK in html and PUENTE_NOTICE in html, page
            assert MAIN_CRISIS not in html and "Call or text 988" not in html, page

    def test_the_default_programs_newcomer_sees_its_resources(self, client: TestClient) -> None:
        sent = post_form(client, "/intake", "/intake/urgent", {"first_name": "Kim"})
        assert sent.status_code == 303  # type: ignore[attr-defined]
        html = client.get("/status").text
        assert "Main program" in html and MAIN_CRISIS in html and PUENTE_LINK not in html

    def test_the_api_answers_the_programs_crisis_resources(
        self, client: TestClient, db: Session
    ) -> None:
        puente(db)
        theirs = client.post(
            "/api/v1/newcomers/urgent", json={"first_name": "Luz", "program": "puente"}
        )
        assert theirs.status_code == 201
        assert theirs.json()["crisis_resources"] == PUENTE_CRISIS
        assert theirs.json()["crisis_notice"] == PUENTE_NOTICE
        body = intake_body(in_crisis=True, program="main")
        main = client.post("/api/v1/newcomers", json=body).json()
        assert main["crisis_resources"][0]["name"] == "988 Suicide & Crisis Lifeline"


class TestSettingsAtTheNextRequest:
    def test_the_languages_offered(self, client: TestClient, db: Session) -> None:
        program = open_program(db, intake_languages=["es", "en"])
        form = client.get("/p/puente/").text
        assert offered_languages(form) == ["es", "en"]
        assert 'name="languages" value="es" id="languages-es" checked' in form
        assert len(offered_languages(client.get("/p/main/").text)) > 2  # the other program's
        change(db, program, intake_languages=["es", "pt"])
        assert offered_languages(client.get("/p/puente/").text) == ["es", "pt"]

    def test_an_admins_change_through_the_api(
        self, client: TestClient, db: Session, admin: Actor
    ) -> None:
        program = open_program(db)
        path = f"/api/v1/programs/{program.id}/settings"
        read = client.get(path, headers=admin.headers).json()
        body = {"settings_version": read["settings_version"], "intake_languages": ["es", "ht"]}
        assert client.patch(path, json=body, headers=admin.headers).status_code == 200
        assert offered_languages(client.get("/p/puente/").text) == ["es", "ht"]

    def test_a_stored_language_no_longer_offered_is_kept_on_the_edit_form(
        self, client: TestClient, db: Session
    ) -> None:
        program = open_program(db, intake_languages=["es", "en"])
        sent = post_form(client, "/p/puente/", "/p/puente/", {**INTAKE, "languages": ["en"]})
        assert sent.status_code == 303  # type: ignore[attr-defined]
        change(db, program, intake_languages=["es"])
        form = client.get("/status/edit").text
        assert offered_languages(form) == ["es", "en"]
        assert 'value="en" id="languages-en" checked' in form

    def test_the_same_gender_default(self, client: TestClient, db: Session) -> None:
        program = open_program(db)
        assert not ticked(client.get("/p/puente/").text, "same_gender")
        change(db, program, same_gender_default=True)
        assert ticked(client.get("/p/puente/").text, "same_gender")
        assert not ticked(client.get("/p/main/").text, "same_gender")
        sent = post_form(
            client,
            "/p/puente/",
            "/p/puente/",
            {**INTAKE, "first_name": "Ana", "gender": "woman", "same_gender": "yes"},
        )
        assert sent.status_code == 303  # type: ignore[attr-defined]
        assert newcomer_named(db, "Ana").gender_pref == ["woman"]

    def test_an_unticked_box_stays_unticked_when_the_form_comes_back(
        self, client: TestClient, db: Session
    ) -> None:
        open_program(db, same_gender_default=True)
        sent = post_form(client, "/p/puente/", "/p/puente/", {**INTAKE, "substances": []})
        assert sent.status_code == 422 and not ticked(sent.text, "same_gender")  # type: ignore[attr-defined]

    def test_the_crisis_resources(self, client: TestClient, db: Session) -> None:
        program = open_program(db)
        assert MAIN_CRISIS in client.get("/p/puente/").text
        change(db, program, crisis_resources=PUENTE_CRISIS, crisis_notice=PUENTE_NOTICE)
        html = client.get("/p/puente/").text
        assert PUENTE_LINK in html and PUENTE_NOTICE in html and MAIN_CRISIS not in html

    def test_the_age_served_by_each_program(self, client: TestClient, db: Session) -> None:
        program = open_program(db)
        nineteen = str(datetime.now(UTC).year - 19)
        young = {**INTAKE, "birth_year": nineteen}
        assert post_form(client, "/p/puente/", "/p/puente/", young).status_code == 303  # type: ignore[attr-defined]
        change(db, program, min_age=21)
        refused = post_form(client, "/p/puente/", "/p/puente/", young)
        assert refused.status_code == 422  # type: ignore[attr-defined]
        assert "aged 21 and over" in refused.text  # type: ignore[attr-defined]
        assert post_form(client, "/p/main/", "/p/main/", young).status_code == 303  # type: ignore[attr-defined]
        api = client.post(
            "/api/v1/newcomers", json=intake_body(birth_year=int(nineteen), program="puente")
        )
        assert api.status_code == 422 and api.json()["field"] == "birth_year"

    def test_a_mentors_age_follows_their_program(self, client: TestClient, db: Session) -> None:
        program = open_program(db, min_age=30)
        user = make_user(db, Role.coordinator, programs=(DEFAULT_PROGRAM_ID, program.id))
        staff = bearer(token_for(db, user))
        db.commit()
        born = datetime.now(UTC).year - 25
        theirs = client.post(
            "/api/v1/mentors", json=mentor_body(birth_year=born, program="puente"), headers=staff
        )
        assert theirs.status_code == 422 and theirs.json()["field"] == "birth_year"
        assert "at least 30" in theirs.json()["detail"]
        main = client.post(
            "/api/v1/mentors", json=mentor_body(birth_year=born, program="main"), headers=staff
        )
        assert main.status_code == 201, main.text
