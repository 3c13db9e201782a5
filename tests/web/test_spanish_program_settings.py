"""A program's settings page in Spanish (issue 18): blank, after saving (the notice and the
history), with nothing changed, and with refused values — a number out of its range, words
where a number goes, windows that would overlap — none of the catalog's English left
(tests/web/untranslated.py). The labels and meanings are the settings schema's own, marked
for the catalog; the API and its OpenAPI schema keep the English."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.web.conftest import post_form
from tests.web.test_program_pages import settings_form, signed_in_admin
from tests.web.test_spanish_pages import assert_all_spanish

URL = f"/admin/programs/{DEFAULT_PROGRAM_ID}/settings"


def _send(client: TestClient, data: dict[str, Any]) -> Any:
    """The settings form sent as the page would send it."""
    return post_form(client, URL, URL, data)


def _spanish_admin(client: TestClient, db: Session) -> str:
    """An admin who chose Español, on the settings page; its HTML."""
    signed_in_admin(client, db)
    client.cookies.set(LANG_COOKIE, "es")
    return assert_all_spanish(client.get(URL))


def test_the_settings_page_in_spanish(client: TestClient, db: Session) -> None:
    html = _spanish_admin(client, db)
    assert "<h1>Configuración de " in html
    assert "Pesos de los criterios" in html and "Peso: sustancias" in html
    assert "La edad mínima que atiende el programa. Ahora: <strong>" in html  # the schema's
    assert "Predeterminada de la instalación" in html and "Guardar la configuración" in html
    assert "Tocan en la línea base" in html and "Meta de la tasa de seguimiento (%)" in html
    assert "Evaluación breve del capital de recuperación (BARC-10)" in html  # its own Spanish
    assert "0 cambios." in html


def test_saving_and_the_history_in_spanish(client: TestClient, db: Session) -> None:
    form = settings_form(_spanish_admin(client, db))
    nothing = _send(client, form)
    assert "No cambió nada." in assert_all_spanish(client.get(nothing.headers["location"]))
    changed = form | {"weights.substance": "6", "same_gender_default": "yes"}
    saved = _send(client, changed)
    assert saved.status_code == 303, saved.text
    page = assert_all_spanish(client.get(saved.headers["location"]))
    assert "Guardado: se anotaron 2 cambios, vigentes de inmediato." in page
    history = page.split('id="changes"')[1]
    assert "<td>Peso: sustancias</td>" in history
    assert "<td>Mentor del mismo género marcado de antemano</td>" in history
    assert "<td>no</td>" in history and "<td>sí</td>" in history
    assert "Propia del programa" in page and "2 cambios." in page


def test_refused_values_in_spanish(client: TestClient, db: Session) -> None:
    form = settings_form(_spanish_admin(client, db))
    refused = _send(client, form | {"min_age": "200", "capacity_cap": "many"})
    assert refused.status_code == 422
    html = assert_all_spanish(refused)
    assert "Por favor, revise" in html
    assert "Escriba un número entero, por ejemplo 14." in html  # words where a number goes
    out_of_range = _send(client, form | {"min_age": "200"})
    assert out_of_range.status_code == 422
    error = out_of_range.text.split('id="min_age-error"')[1].split("</p>")[0]
    assert "debe ser menor o igual que 120." in error and 'lang="en"' not in error
    assert_all_spanish(out_of_range)
    overlapping = _send(client, form | {"followup_tolerance_days": "100"})
    assert overlapping.status_code == 422
    assert_all_spanish(overlapping)  # a rule's own words: English, marked lang="en"


def test_the_english_page_and_the_api_keep_their_words(
    client: TestClient, db: Session, admin: Actor
) -> None:
    signed_in_admin(client, db)
    form = settings_form(client.get(URL).text)
    refused = _send(client, form | {"min_age": "200"}).text
    assert "Youngest age served: Input should be less than or equal to 120." in refused
    api = client.patch(
        f"/api/v1/programs/{DEFAULT_PROGRAM_ID}/settings",
        json={"settings_version": int(form["settings_version"]), "min_age": 200},
        headers=admin.headers,
    )
    assert api.status_code == 422
    assert "Input should be less than or equal to 120" in api.text
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert schema["ProgramSettings"]["properties"]["min_age"]["description"] == (
        "The youngest age the program serves"
    )
