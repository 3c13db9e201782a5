"""The newcomer's "Who has seen or changed your record" on /status in Spanish (issue 18):
every action recorded about their record has words of its own, in Spanish — a
coordinator reaching out about an urgent request is not shown by its code
(`urgent_contact`) — none of the catalog's English left (tests/web/untranslated.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from mentormatch.web.templating import LANG_COOKIE
from tests.conftest import Actor
from tests.web.test_pages import submit_intake
from tests.web.test_spanish_pages import assert_all_spanish
from tests.web.test_status_accesses import ROW, section


def test_an_urgent_contact_in_the_accesses_in_spanish(
    client: TestClient, coordinator: Actor, db: Session
) -> None:
    client.cookies.set(LANG_COOKIE, "es")
    submit_intake(client, first_name="Ana", in_crisis="yes")
    ana = db.scalar(select(Newcomer.id).where(Newcomer.first_name == "Ana"))
    reached = client.post(
        f"/api/v1/newcomers/{ana}/urgent-contacts",
        json={"outcome": "reached"},
        headers=coordinator.headers,
    )
    assert reached.status_code == 201, reached.text
    page = assert_all_spanish(client.get("/status"))
    rows = ROW.findall(section(page))
    assert ("Un coordinador", "anotó que se comunicó con usted por su solicitud urgente") in rows
    assert "urgent_contact" not in page
