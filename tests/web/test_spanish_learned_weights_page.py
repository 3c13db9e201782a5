"""An admin's learned-weights page in Spanish (issue 18): before any proposal, a proposal
refused for too few decisions, a proposal beside the weights in force, its notices, a
dismissed one and an adoption refused — none of the catalog's English left
(tests/web/untranslated.py) and nothing marked English but a service's refusal that has no
translation yet. Decisions are arranged as in tests/api/test_learned_weights.py."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.api.test_learned_weights import arrange, change
from tests.conftest import Actor
from tests.web.conftest import post_form
from tests.web.test_spanish_audit_pages import marked_english, spanish_admin
from tests.web.test_spanish_pages import assert_all_spanish

__all__ = ["spanish_admin"]  # the fixture, shared

PAGE = f"/admin/programs/{DEFAULT_PROGRAM_ID}/learned-weights"


def _text(html: str, element: str) -> str:
    found = re.search(rf'id="{element}"[^>]*>(.*?)</(?:p|h2|tr)>', html, re.S)
    assert found, element
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_before_any_proposal_and_refused_for_too_few_decisions(
    spanish_admin: TestClient,
) -> None:
    html = assert_all_spanish(spanish_admin.get(PAGE))
    assert "Pesos aprendidos de" in html and "Volver a la configuración de" in html
    assert _text(html, "decision-count") == (
        "0 decisiones sobre la compatibilidad (0 registradas en total); se necesitan 200 para "
        "una propuesta (la configuración learn_min_decisions)."
    )
    assert "0 emparejamientos que llegaron al final previsto;" in _text(html, "outcome-count")
    assert "Aprender pesos de las decisiones" in html
    assert not marked_english(html), marked_english(html)

    refused = post_form(spanish_admin, PAGE, PAGE)
    assert refused.status_code == 409
    shown = assert_all_spanish(refused)
    assert "Por favor, revise" in shown
    # learn.py's refusal is the service's words: English, marked so, until translated
    assert len(marked_english(shown)) <= 1, marked_english(shown)


def test_a_proposal_its_notices_and_a_refused_adoption(
    spanish_admin: TestClient,
    admin: Actor,
    db: Session,
    make_mentor: Any,
    make_newcomer: Any,
) -> None:
    client = spanish_admin
    ids = [make_mentor(first_name=f"M{i}").mentor_id for i in range(4)]
    arrange(db, make_newcomer().newcomer_id, ids, 40, seed=3)
    change(client, admin, learn_min_decisions=20)

    made = post_form(client, PAGE, PAGE)
    assert made.status_code == 303, made.text
    html = assert_all_spanish(client.get(made.headers["location"]))
    assert "Pesos aprendidos y propuestos abajo. Nada cambia hasta que usted los adopte." in html
    assert _text(html, "proposal-h").endswith(": abierta")
    assert _text(html, "proposal-labels").startswith(
        "Aprendidos de 30 decisiones: aprobaciones de coordinadores entre las sugerencias"
    )
    # the default in force, in Spanish
    assert '<tr id="weight-age"><th scope="row">edad</th><td>0,50</td>' in html
    assert "Lugar promedio del mentor aprobado" in html
    assert "Adoptar los pesos propuestos" in html and "Descartar" in html
    assert not marked_english(html), marked_english(html)
    proposal = re.search(r"/learned-weights/(\d+)/dismiss", html)
    assert proposal

    dismissed = post_form(client, PAGE, f"{PAGE}/{proposal.group(1)}/dismiss")
    assert dismissed.status_code == 303, dismissed.text
    html = assert_all_spanish(client.get(dismissed.headers["location"]))
    assert "Descartados: se mantienen los pesos vigentes." in html
    assert _text(html, "proposal-h").endswith(": descartada")
    assert not marked_english(html), marked_english(html)

    again = post_form(client, PAGE, f"{PAGE}/{proposal.group(1)}/adopt")
    assert again.status_code == 409
    shown = assert_all_spanish(again)
    assert "Por favor, revise" in shown
    assert len(marked_english(shown)) <= 1, marked_english(shown)

    second = post_form(client, PAGE, PAGE)
    number = re.search(r"/learned-weights/(\d+)/adopt", client.get(second.headers["location"]).text)
    assert number
    adopted = post_form(client, PAGE, f"{PAGE}/{number.group(1)}/adopt")
    html = assert_all_spanish(client.get(adopted.headers["location"]))
    assert "Adoptados: los pesos aprendidos están vigentes" in html
    assert _text(html, "proposal-h").endswith(": adoptada")
