"""The status page's "Who has seen or changed your record": roles and times, paged."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.newcomers.models import Newcomer
from tests.conftest import Actor
from tests.web.test_pages import submit_intake

ROW = re.compile(r"<tr><td>[^<]+</td><td>([^<]+)</td><td>([^<]+)</td></tr>")
NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
PREV = re.compile(r'<a rel="prev" href="([^"]+)"')


def section(page: str) -> str:
    return page.split('<section id="accesses"', 1)[1].split("</section>", 1)[0]


def test_the_status_page_lists_who_read_or_changed_the_record_by_role(
    client: TestClient, coordinator: Actor, db: Session
) -> None:
    submit_intake(client, first_name="Sam")
    sam = db.scalar(select(Newcomer).where(Newcomer.first_name == "Sam"))
    assert sam is not None
    read = client.get(f"/api/v1/newcomers/{sam.id}", headers=coordinator.headers)
    assert read.status_code == 200
    page = client.get("/status")
    assert page.status_code == 200
    assert "Who has seen or changed your record" in page.text
    part = section(page.text)
    assert "3 times in all." in part
    assert ROW.findall(part) == [
        ("You", "viewed your record"),
        ("A coordinator", "viewed your record"),
        ("You", "created your record"),
    ]
    user = db.get(User, coordinator.user_id)
    assert user is not None and user.email not in page.text
    assert NEXT.search(part) is None and PREV.search(part) is None


def test_the_list_is_paged_twenty_at_a_time_with_the_true_total(client: TestClient) -> None:
    submit_intake(client)
    for _ in range(25):
        assert client.get("/status").status_code == 200
    first = section(client.get("/status").text)
    # the intake and 26 views of this page
    assert "27 times in all; showing 1 to 20." in first
    assert len(ROW.findall(first)) == 20 and PREV.search(first) is None
    link = NEXT.search(first)
    assert link is not None
    second = section(client.get(html.unescape(link.group(1))).text)
    assert "27 times in all; showing 21 to 27." in second
    rows = ROW.findall(second)
    assert len(rows) == 7 and rows[-1] == ("You", "created your record")
    assert NEXT.search(second) is None
    back = PREV.search(second)
    assert back is not None
    again = section(client.get(html.unescape(back.group(1))).text)
    assert ROW.findall(again) == ROW.findall(first)  # the same page, however often it is viewed


def test_bad_page_parameters_answer_a_page_naming_them(client: TestClient) -> None:
    submit_intake(client)
    for query, status, words in (
        ("page=0", 422, "page: a page number"),
        ("page=abc", 422, "page: a page number"),
        ("page=%C2%B2", 422, "page: a page number"),
        ("page=9223372036854775808", 422, "page: a page number"),
        ("page=5", 404, "page: there is no page 5"),
        ("as_of=yesterday", 422, "as_of"),
        ("as_of=2026-12-01T10:00:00", 422, "as_of"),
    ):
        response = client.get(f"/status?{query}")
        assert response.status_code == status, query
        assert words in html.unescape(response.text) or words.capitalize() in html.unescape(
            response.text
        ), query
