"""The whole intake in Spanish on a phone (issue 18), in headless Chromium: the switch on the
intake page, the crisis box, the error summary, the welcome and the status page with its
check-in, all in Spanish and none of the catalog's English left; axe-core on each."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from mentormatch import i18n
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, fill_intake, phone
from tests.web.test_intake_browser import NO_SIDEWAYS_SCROLL
from tests.web.untranslated import untranslated

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "phone"]  # fixtures shared with test_browser


def no_english(page: Page) -> None:
    left = untranslated(page.content())
    assert not left, f"{page.url} shows English: {left}"


def test_a_newcomer_asks_for_a_mentor_and_reads_their_status_in_spanish(
    live_server: Live, check: Checker, phone: Page
) -> None:
    url = live_server.url
    phone.goto(url + "/intake")
    expect(phone.locator("h1")).to_have_text("Ask for a peer mentor")
    phone.locator("#languages").get_by_role("link", name="Español").click()
    expect(phone.locator("h1")).to_have_text("Pedir un mentor de pares")
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    no_english(phone)
    check(phone, "intake-es-phone")

    phone.check("#in_crisis-yes")  # the crisis box, at once, in Spanish
    crisis = phone.locator("#crisis")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("marque 2 para español")
    expect(crisis).to_contain_text("1-800-662-4357, en español e inglés")
    expect(crisis.get_by_role("link", name="Llamar al 988")).to_have_attribute("href", "tel:988")

    fill_intake(phone, "Sofía")  # answers "no" to the danger question
    started = date.today() - timedelta(days=100)  # the 90 days were 10 days ago
    phone.fill("#recovery_start", started.isoformat())
    phone.fill("#first_name", "")
    phone.fill("#phone", "555 0142")
    phone.get_by_role("button", name="Enviar mi solicitud").click()
    summary = phone.locator("#error-summary a")
    expect(phone.locator("#error-summary h2")).to_have_text("Por favor, revise 2 respuestas")
    expect(summary.nth(0)).to_have_text("Nombre o apodo: Por favor, díganos un nombre o un apodo.")
    expect(summary.nth(1)).to_contain_text("Número de teléfono: Por favor, escriba un número")
    no_english(phone)
    check(phone, "intake-es-errors-phone")
    summary.nth(0).click()
    expect(phone).to_have_url(re.compile(r"#first_name$"))

    phone.fill("#first_name", "Sofía")
    phone.fill("#phone", "(312) 555-0142")
    phone.get_by_role("button", name="Enviar mi solicitud").click()
    expect(phone).to_have_url(url + "/welcome")
    expect(phone.locator("h1")).to_have_text("Gracias, Sofía. Recibimos su solicitud.")
    expect(phone.locator("#link-title")).to_have_text("Su enlace privado")
    no_english(phone)

    phone.get_by_role("link", name="Ver mi estado").click()
    expect(phone).to_have_url(url + "/status")
    expect(phone.locator("h1")).to_have_text("Hola, Sofía")
    expect(phone.locator("ol.steps li").first).to_contain_text("Solicitud recibida")
    ninety = i18n.long_date(started + timedelta(days=90), "es")  # "23 de agosto de 2026"
    expect(phone.locator("#milestones-latest")).to_have_text(
        f"El más reciente: 90 días, el {ninety}."
    )
    expect(phone.locator("main")).to_contain_text("Está en la lista, esperando desde hace")
    no_english(phone)
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    check(phone, "status-es-phone")

    check_in = phone.locator("#check-in")
    check_in.get_by_label("Difícil", exact=True).check()
    check_in.get_by_label("No", exact=True).check()
    check_in.get_by_role("button", name="Enviar mi reporte").click()
    expect(phone.locator("#notice")).to_have_text("Gracias por reportarse.")
    expect(phone.locator("#check-in-latest")).to_contain_text("Su último reporte:")
    no_english(phone)

    # BARC-10 from the status link, in Spanish: the translation is said to be one
    phone.locator("#recovery-capital").get_by_role("link").click()
    expect(phone.locator("h1")).to_contain_text("Evaluación breve del capital de recuperación")
    expect(phone.locator("#translated-wording")).to_be_visible()
    expect(phone.locator("#q5-group")).to_contain_text("Recibo mucho apoyo de mis amistades.")
    no_english(phone)
    check(phone, "questionnaire-es-phone")
    for n in range(1, 10):  # the tenth skipped
        phone.check(f"#q{n}-5")
    phone.get_by_role("button", name="Guardar las respuestas").click()
    expect(phone.locator("#error-summary")).to_contain_text("Falta responder 1 frase.")
    expect(phone.locator("#q10-error")).to_have_text("⚠ Elija una respuesta para esta frase.")
    no_english(phone)
    phone.check("#q10-4")
    phone.get_by_role("button", name="Guardar las respuestas").click()
    expect(phone.locator("#answered")).to_contain_text("las respuestas quedaron guardadas")
    expect(phone.locator("#assessments tbody tr").first).to_contain_text("49")
    no_english(phone)
