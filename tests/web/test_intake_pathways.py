"""Several pathways on the intake and "correct my answers" pages (issue 17), on both back
ends, in English and Spanish: a main path (radios) and "also" boxes, plain form controls
that work on a phone without JavaScript; the mentor asked sees them all."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.web.conftest import post_form
from tests.web.test_intake_answers import summary_links
from tests.web.test_mentor_words import asked_mentor
from tests.web.test_pages import submit_intake
from tests.web.test_spanish_pages import assert_all_spanish
from tests.web.untranslated import page_text


def stored(db: Session, name: str = "Sam") -> list[str]:
    newcomer = db.scalar(select(Newcomer).where(Newcomer.first_name == name))
    assert newcomer is not None
    db.refresh(newcomer)
    return list(newcomer.pathways)


def inputs(html: str, kind: str, name: str) -> list[str]:
    """The values of the form's `kind` inputs called `name`, with "*" after a checked one."""
    tags = re.findall(
        rf'<input type="{kind}" name="{name}" value="([^"]+)"[^>]*?( checked)?>', html
    )
    return [value + ("*" if checked else "") for value, checked in tags]


class TestIntake:
    def test_a_main_path_and_boxes_for_the_others(self, client: TestClient) -> None:
        html = client.get("/intake").text
        assert "exploring" in inputs(html, "radio", "pathway")
        others = inputs(html, "checkbox", "pathways")
        assert len(others) == 7 and "exploring" not in others and "twelve_step" in others
        assert "<script" not in html.split('id="pathway-group"')[1].split("</fieldset>")[1]

    def test_the_main_path_first_then_the_others(self, client: TestClient, db: Session) -> None:
        response = submit_intake(
            client, pathway="medication_supported", pathways=["twelve_step", "medication_supported"]
        )
        assert response.status_code == 303, response.text
        assert stored(db) == ["medication_supported", "twelve_step"]

    def test_with_no_main_path_the_first_ticked_is_the_main_one(
        self, client: TestClient, db: Session
    ) -> None:
        response = submit_intake(client, pathways=["smart_recovery", "faith_based"])
        assert response.status_code == 303, response.text
        assert stored(db) == ["smart_recovery", "faith_based"]

    def test_exploring_with_other_paths_is_named_and_the_answers_kept(
        self, client: TestClient, db: Session
    ) -> None:
        response = submit_intake(client, pathway="exploring", pathways=["faith_based"])
        assert response.status_code == 422
        (link,) = [link for link in summary_links(response.text) if link[0] == "pathways-group"]
        assert "cannot go with other paths" in link[1]
        assert "faith_based*" in inputs(response.text, "checkbox", "pathways")
        assert "exploring*" in inputs(response.text, "radio", "pathway")
        assert db.scalar(select(Newcomer).where(Newcomer.first_name == "Sam")) is None

    def test_in_spanish(self, client: TestClient) -> None:
        client.cookies.set(LANG_COOKIE, "es")
        html = assert_all_spanish(client.get("/intake"))
        assert "¿Sigue o combina también otros caminos?" in html
        response = submit_intake(client, pathway="exploring", pathways=["faith_based"])
        assert response.status_code == 422
        text = page_text(assert_all_spanish(response))
        assert "Otros caminos de recuperación: Por favor, elija de la lista." in text


class TestCorrectingThem:
    def test_the_page_shows_them_and_saves_a_change(self, client: TestClient, db: Session) -> None:
        submit_intake(client, pathway="twelve_step", pathways=["medication_supported"])
        html = client.get("/status/edit").text
        assert "twelve_step*" in inputs(html, "radio", "pathway")
        assert inputs(html, "checkbox", "pathways").count("medication_supported*") == 1
        assert "twelve_step*" not in inputs(html, "checkbox", "pathways")
        answers: dict[str, Any] = {
            "first_name": "Sam", "gender": "man", "birth_year": "1990", "languages": ["en"],
            "timezone": "America/Chicago", "substances": ["heroin"], "medication": "none",
            "meeting_modes": ["video"], "pathway": "twelve_step",
            "pathways": ["medication_supported", "faith_based"],
        }  # fmt: skip
        response = post_form(client, "/status/edit", "/status/edit", answers)
        assert response.status_code == 200, response.text
        assert stored(db) == ["twelve_step", "medication_supported", "faith_based"]


def test_the_mentor_asked_sees_every_pathway_the_main_one_first(
    client: TestClient, db: Session, coordinator: Actor, make_mentor: Any
) -> None:
    _, pairing_id = asked_mentor(client, db, coordinator, make_mentor)  # the intake example
    for path in ("/mentor", f"/mentor/pairings/{pairing_id}"):
        assert "SMART Recovery (also: Medication-supported recovery)" in client.get(path).text
