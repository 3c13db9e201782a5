"""The coordinator's queue page (search, filters, paging with the true total), people told
apart and linked on every coordinator page, and the dashboard's mentor figures uncapped.
TestClient on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.db import utcnow
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.conftest import Actor
from tests.reliability.people import insert_mentor
from tests.web.test_pages import sign_in

TO = "\u2013"  # the en dash between the first and last row shown


@pytest.fixture
def staff(client: TestClient, db: Session, coordinator: Actor) -> User:
    user = db.get(User, coordinator.user_id)
    assert user is not None
    sign_in(client, db, user)
    return user


def add_newcomers(db: Session, names: list[str], **answers: object) -> list[Newcomer]:
    """Waiting newcomers written directly, the first named having waited longest."""
    now = utcnow()
    usual = {"languages": ["en"], "substances": ["alcohol"], "meeting_modes": ["video"]}
    rows = [
        Newcomer(
            program_id=DEFAULT_PROGRAM_ID,
            first_name=name,
            waiting_since=now - timedelta(days=len(names) - i, hours=1),
            status_token_hash=f"{name}-{i}-{now.timestamp()}".rjust(64, "0"),
            **(usual | answers),
        )
        for i, name in enumerate(names)
    ]
    db.add_all(rows)
    db.commit()
    return rows


def rows_of(html: str) -> list[str]:
    """The names in the queue's table, in order."""
    table = re.search(r'<table class="list" id="queue">.*?</table>', html, re.DOTALL)
    if table is None:
        return []
    return re.findall(r'class="person" href="/coordinator/newcomers/\d+">([^<]+)</a>', table[0])


class TestQueuePage:
    def test_a_search_finds_exactly_the_person_with_their_reference_and_link(
        self, client: TestClient, db: Session, staff: User
    ) -> None:
        kate, _, _ = add_newcomers(db, ["Kate", "Katya", "Sam"], phone="+1 555 010 4455")
        page = client.get("/coordinator", params={"q": "kate"})
        assert page.status_code == 200
        assert rows_of(page.text) == ["Kate"]
        assert f'href="/coordinator/newcomers/{kate.id}">Kate</a> <span class="ref">' in page.text
        assert f'<span class="ref">{kate.reference}</span>' in page.text
        assert "1 waiting newcomer found" in page.text
        assert 'value="kate"' in page.text  # kept in the search box
        assert rows_of(client.get("/coordinator", params={"q": kate.reference.lower()}).text) == [
            "Kate"
        ]
        assert len(rows_of(client.get("/coordinator", params={"q": "4455"}).text)) == 3

    def test_waiting_by_default_any_status_when_asked(
        self, client: TestClient, db: Session, staff: User
    ) -> None:
        add_newcomers(db, ["Wes"])
        add_newcomers(db, ["Cleo"], status="closed")
        assert rows_of(client.get("/coordinator").text) == ["Wes"]
        assert rows_of(client.get("/coordinator?status=closed").text) == ["Cleo"]
        assert sorted(rows_of(client.get("/coordinator?status=").text)) == ["Cleo", "Wes"]

    def test_filters_and_sort_from_the_form(
        self, client: TestClient, db: Session, staff: User
    ) -> None:
        add_newcomers(db, ["Old", "Mid"])
        add_newcomers(db, ["Es"], languages=["es"], urgent=True)
        query = "q=&status=waiting&urgent=&substance_family=&language=&pathway=&meeting_mode="
        assert rows_of(client.get(f"/coordinator?{query}&waited_days=&sort=").text) == [
            "Es",
            "Old",
            "Mid",
        ]
        assert rows_of(client.get("/coordinator?waited_days=2").text) == ["Old"]
        assert rows_of(client.get("/coordinator?language=es").text) == ["Es"]
        assert rows_of(client.get("/coordinator?urgent=false&sort=name").text) == ["Mid", "Old"]
        assert rows_of(client.get("/coordinator?substance_family=opioids").text) == []

    def test_pages_show_the_true_total_and_keep_the_search(
        self, client: TestClient, db: Session, staff: User
    ) -> None:
        add_newcomers(db, [f"Pat{i:02d}" for i in range(53)] + ["Lee"])
        first = client.get("/coordinator", params={"q": "pat", "sort": "name"})
        assert f"53 waiting newcomers found; showing 1{TO}50 of 53." in first.text
        assert len(rows_of(first.text)) == 50
        nexts = re.findall(r'<a rel="next" href="([^"]+)"', first.text)
        assert nexts and "q=pat" in nexts[0] and "sort=name" in nexts[0]
        second = client.get(nexts[0].replace("&amp;", "&"))
        assert f"showing 51{TO}53 of 53" in second.text
        assert rows_of(second.text) == ["Pat50", "Pat51", "Pat52"]
        assert 'rel="prev"' in second.text and 'rel="next"' not in second.text

    @pytest.mark.parametrize(
        ("query", "status", "field"),
        [
            ("page=-1", 422, "page"),
            ("page=abc", 422, "page"),
            ("page=9", 404, "page"),
            ("substance_family=chocolate", 422, "substance_family"),
            ("language=xx", 422, "language"),
            ("pathway=none", 422, "pathway"),
            ("meeting_mode=fax", 422, "meeting_mode"),
            ("waited_days=abc", 422, "waited_days"),
            ("waited_days=-3", 422, "waited_days"),
            ("urgent=maybe", 422, "urgent"),
            ("status=lost", 422, "status"),
            ("sort=size", 422, "sort"),
            ("q=" + "x" * 101, 422, "q"),
        ],
    )
    def test_a_bad_value_is_a_page_naming_the_field(
        self, client: TestClient, staff: User, query: str, status: int, field: str
    ) -> None:
        response = client.get(f"/coordinator?{query}")
        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")
        assert f"{field}:" in response.text.lower()


class TestPeopleToldApart:
    def test_two_kates_each_with_their_mark_and_page(
        self, client: TestClient, db: Session, staff: User
    ) -> None:
        kate_a, kate_b = add_newcomers(db, ["Kate", "Kate"])
        mentor_a = insert_mentor(db, first_name="Lan")
        mentor_b = insert_mentor(db, first_name="Lan")
        db.add_all(
            [
                Pairing(
                    program_id=DEFAULT_PROGRAM_ID,
                    newcomer_id=kate_a.id,
                    mentor_id=mentor_a.id,
                    status=PairingStatus.proposed,
                ),
                Pairing(
                    program_id=DEFAULT_PROGRAM_ID,
                    newcomer_id=kate_b.id,
                    mentor_id=mentor_b.id,
                    status=PairingStatus.proposed,
                ),
            ]
        )
        db.commit()
        for path in ("/coordinator/proposals", "/coordinator/pairings?status=proposed"):
            page = client.get(path).text
            for kate in (kate_a, kate_b):
                assert (
                    f'href="/coordinator/newcomers/{kate.id}">Kate</a> '
                    f'<span class="ref">{kate.reference}</span>'
                ) in page, path
            for lan in (mentor_a, mentor_b):
                link = f'href="/coordinator/mentors/{lan.id}">Lan</a>'
                assert f'{link} <span class="ref">#{lan.id}</span>' in page, path

    def test_the_newcomers_page_links_each_suggested_mentor(
        self, client: TestClient, db: Session, staff: User, make_newcomer
    ) -> None:
        sam = make_newcomer()
        alex = insert_mentor(db, first_name="Alex")
        db.commit()
        page = client.get(f"/coordinator/newcomers/{sam.newcomer_id}").text
        assert (
            f'href="/coordinator/mentors/{alex.id}">Alex</a> <span class="ref">#{alex.id}</span>'
            in page
        )
        assert f'<option value="{alex.id}">Alex (#{alex.id})</option>' in page

    def test_urgent_cases_link_with_their_reference(
        self, client: TestClient, db: Session, staff: User
    ) -> None:
        (quinn,) = add_newcomers(db, ["Quinn"], urgent=True)
        page = client.get("/coordinator/dashboard").text
        assert (
            f'href="/coordinator/newcomers/{quinn.id}#reach">Quinn</a> '
            f'<span class="ref">{quinn.reference}</span>'
        ) in page


class TestDashboardMentors:
    def test_every_mentor_counted_not_a_capped_list(
        self, client: TestClient, db: Session, staff: User
    ) -> None:
        mentors = [insert_mentor(db, first_name=f"M{i}", capacity=2) for i in range(18)]
        insert_mentor(db, first_name="Paused", capacity=3, paused=True)
        insert_mentor(db, first_name="Retired", capacity=3, active=False)
        (nia,) = add_newcomers(db, ["Nia"])
        db.add(
            Pairing(
                program_id=DEFAULT_PROGRAM_ID,
                newcomer_id=nia.id,
                mentor_id=mentors[5].id,
                status=PairingStatus.active,
            )
        )
        db.commit()
        page = client.get("/coordinator/dashboard").text
        # 18 mentors with 2 places each, one taken; the paused one takes no one new (but is
        # counted), the retired one is out.
        assert "35 free mentor slots" in page
        assert "the 16 busiest of 19 active mentors" in page
        assert f'href="/coordinator/mentors/{mentors[5].id}">M5</a>' in page
