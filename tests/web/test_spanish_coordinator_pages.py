"""A coordinator's pages in Spanish (issue 18): the queue, the dashboard, a newcomer's page
with an urgent case, suggestions, "why not?", notes and check-ins, the mentors' list, a
mentor's page, its confirmation and its edit form, the pairings' tabs, a pairing's contacts
and notes, the proposals and the trails — and their error states — none of the catalog's
English left (tests/web/untranslated.py).

The matching's words: tests/web/test_spanish_matching_words.py; the audit trail's:
test_spanish_audit_pages.py; the services' errors: test_spanish_service_errors.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.factories import intake_body, newcomer_id
from tests.spreadsheets.sheets import MESSY_HEADER, MESSY_ROWS, fixed_rows, to_csv, to_xlsx
from tests.web.conftest import csrf_from, post_form
from tests.web.test_pages import sign_in
from tests.web.test_spanish_pages import assert_all_spanish
from tests.web.test_spreadsheet_pages import upload
from tests.web.untranslated import untranslated


@pytest.fixture
def spanish_coordinator(client: TestClient, db: Session, coordinator: Actor) -> TestClient:
    """A coordinator signed in who chose Español on the switch."""
    sign_in(client, db, db.get_one(User, coordinator.user_id))
    client.cookies.set(LANG_COOKIE, "es")
    return client


def _newcomer(client: TestClient, db: Session, **answers: Any) -> int:
    """A newcomer who wrote their hopes in Spanish (what people write is shown as written)."""
    body = intake_body(hopes="Alguien que entienda las mañanas difíciles", **answers)
    return newcomer_id(db, client.post("/api/v1/newcomers", json=body).json())


def test_the_queue_and_the_dashboard_in_spanish(
    spanish_coordinator: TestClient, db: Session, make_mentor: Any
) -> None:
    client = spanish_coordinator
    make_mentor(first_name="Alex")
    _newcomer(client, db, in_crisis=True)
    _newcomer(client, db)
    queue = assert_all_spanish(client.get("/coordinator"))
    assert "2 personas nuevas en espera." in queue
    assert "Urgentes primero, luego quienes más esperan." in queue
    nobody = assert_all_spanish(client.get("/coordinator?q=zzzz"))
    assert "0 personas nuevas en espera encontradas" in nobody and "Nadie coincide." in nobody
    refused = client.get("/coordinator?waited_days=many")
    assert refused.status_code == 422
    assert_all_spanish(refused)
    dashboard = assert_all_spanish(client.get("/coordinator/dashboard"))
    assert "2 personas nuevas en espera" in dashboard
    assert "Personas nuevas en espera, por tiempo de espera" in dashboard  # the chart's title
    outcomes = assert_all_spanish(client.get("/coordinator/outcomes"))
    assert "Terminados según lo previsto" in outcomes and " de 20" in outcomes  # "enero de 2027"
    sheets = assert_all_spanish(client.get("/coordinator/spreadsheets"))
    assert "Importar mentores o personas nuevas" in sheets
    token = csrf_from(sheets)
    no_file = client.post(
        "/coordinator/spreadsheets/import", data={"csrf_token": token, "kind": "mentors"}
    )
    assert no_file.status_code == 422
    assert "Elija un archivo CSV o .xlsx para importar" in assert_all_spanish(no_file)
    wrong_months = client.get("/coordinator/outcomes?months=0")
    assert wrong_months.status_code == 422
    assert_all_spanish(wrong_months)


def test_a_newcomers_page_and_its_forms_in_spanish(
    spanish_coordinator: TestClient, db: Session, make_mentor: Any
) -> None:
    client = spanish_coordinator
    mentor = make_mentor(first_name="Alex")
    sam = _newcomer(client, db, in_crisis=True)
    page = f"/coordinator/newcomers/{sam}"
    html = assert_all_spanish(client.get(page))
    assert "Mentores sugeridos" in html and "Comunicarse con la persona" in html
    assert "Todavía no hay notas." in html
    assert_all_spanish(client.get(f"{page}?why={mentor.mentor_id}"))

    no_outcome = post_form(client, page, f"{page}/urgent-contacts", {"note": "x" * 3000})
    assert no_outcome.status_code == 422
    errors = assert_all_spanish(no_outcome)
    assert "Resultado: elija qué pasó cuando intentó comunicarse." in errors
    assert "Nota: 2000 caracteres como máximo (esta tiene 3000)." in errors
    contacted = post_form(client, page, f"{page}/urgent-contacts", {"outcome": "reached"})
    assert "Contacto registrado." in assert_all_spanish(client.get(contacted.headers["location"]))

    empty_note = post_form(client, page, f"{page}/notes", {"text": "  "})
    assert empty_note.status_code == 422
    assert "Escriba la nota." in assert_all_spanish(empty_note)
    post_form(client, page, f"{page}/notes", {"text": "Called, all well."})
    assert "Called, all well." in assert_all_spanish(client.get(f"{page}/notes"))
    assert_all_spanish(client.get(f"{page}/trail"))

    approved = post_form(client, page, f"{page}/approve", {"mentor_id": str(mentor.mentor_id)})
    assert approved.status_code == 303, approved.text
    asked = assert_all_spanish(client.get(approved.headers["location"]))
    assert "Aprobado: se le preguntó al mentor" in asked
    again = post_form(client, page, f"{page}/approve", {"mentor_id": str(mentor.mentor_id)})
    assert again.status_code == 409
    assert_all_spanish(again)


def test_the_mentors_pages_in_spanish(
    spanish_coordinator: TestClient, db: Session, make_mentor: Any
) -> None:
    client = spanish_coordinator
    mentor = make_mentor(first_name="Alex", capacity=3)
    listing = assert_all_spanish(client.get("/coordinator/mentors"))
    assert "1 mentor" in listing and "Recibe solicitudes" in listing
    assert "Ningún mentor coincide" in assert_all_spanish(client.get("/coordinator/mentors?q=zz"))
    page = f"/coordinator/mentors/{mentor.mentor_id}"
    html = assert_all_spanish(client.get(page))
    assert "lugares ocupados" in html and "Perfil" in html
    token = csrf_from(html)
    version = html.split('name="version" value="')[1].split('"')[0]
    confirm = client.post(
        f"{page}/status", data={"csrf_token": token, "version": version, "action": "pause"}
    )
    assert "¿Poner en pausa a Alex?" in assert_all_spanish(confirm)
    paused = client.post(
        f"{page}/status",
        data={"csrf_token": token, "version": version, "action": "pause", "confirmed": "yes"},
    )
    assert "Guardado: este mentor está en pausa." in assert_all_spanish(paused)
    assert_all_spanish(client.get(f"{page}/edit"))
    wrong = post_form(client, f"{page}/edit", f"{page}/edit", {"capacity": "99"})
    assert wrong.status_code == 422
    assert_all_spanish(wrong)
    assert_all_spanish(client.get(f"{page}/trail"))


def test_the_pairings_and_proposals_in_spanish(
    spanish_coordinator: TestClient, db: Session, coordinator: Actor, make_mentor: Any
) -> None:
    client = spanish_coordinator
    mentor = make_mentor(first_name="Alex")
    sam = _newcomer(client, db)
    asked = client.post(
        "/api/v1/pairings",
        json={"newcomer_id": sam, "mentor_id": mentor.mentor_id},
        headers=coordinator.headers,
    )
    pairing = asked.json()["id"]
    for status in ("needs_action", "approved", "active", "ended"):
        assert_all_spanish(client.get(f"/coordinator/pairings?status={status}"))
    assert "Requieren atención" in client.get("/coordinator/pairings").text
    assert_all_spanish(client.get(f"/coordinator/pairings/{pairing}/contacts"))
    assert_all_spanish(client.get(f"/coordinator/pairings/{pairing}/notes"))
    assert_all_spanish(client.get(f"/coordinator/pairings/{pairing}/trail"))
    _newcomer(client, db)
    proposals = assert_all_spanish(client.get("/coordinator/proposals?program=1"))
    assert "Propuestas para toda la lista de espera" in proposals
    here = "/coordinator/proposals?program=1"
    ran = post_form(client, here, "/coordinator/proposals/run", {"program_id": "1"})
    assert ran.status_code == 303, ran.text
    summary = assert_all_spanish(client.get(ran.headers["location"]))
    assert "Se propuso 1 emparejamiento." in summary


def test_the_check_catches_a_coordinator_page_left_in_english(
    client: TestClient, db: Session, coordinator: Actor
) -> None:
    """The same check on the English queue finds the catalog's words: it can fail."""
    sign_in(client, db, db.get_one(User, coordinator.user_id))
    english = client.get("/coordinator").text
    left = untranslated(english)
    assert "Newcomer queue" in left and "Find a newcomer" in left


def test_an_import_checked_and_run_in_spanish(spanish_coordinator: TestClient) -> None:
    """A file with problems (the importer's own messages are English, marked so), the
    corrected file ready to import, and the import done."""
    client = spanish_coordinator
    checked = upload(client, to_csv(MESSY_HEADER, MESSY_ROWS), "mentores.csv")
    html = assert_all_spanish(checked)
    assert "3 problemas: no se puede importar nada hasta corregirlos" in html
    replaces = re.search(r'name="replaces" value="([^"]+)"', html)
    assert replaces
    fixed = upload(client, to_xlsx(MESSY_HEADER, fixed_rows()), "m.xlsx", replaces=replaces[1])
    ready = assert_all_spanish(fixed)
    assert "3 mentores nuevos" in ready and "Importar 3 mentores" in ready
    key = re.search(r'name="upload" value="([^"]+)"', ready)
    assert key
    done = client.post(
        "/coordinator/spreadsheets/run", data={"csrf_token": csrf_from(ready), "upload": key[1]}
    )
    assert "3 mentores agregados" in assert_all_spanish(done)
