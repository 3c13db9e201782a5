"""The coordinator's mentor pages (TestClient, both back ends): the list's search, filters and
paging; one mentor's page with load, requests and pairings; vet / pause / retire with
confirmation; the profile form. Every mistake is a 4xx page naming the field, with nothing
written; reads and changes are audited."""

from __future__ import annotations

import re
from typing import cast

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.audit.models import AuditEvent
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import Pairing, PairingStatus
from tests.api.test_mentor_search import seed_pool
from tests.factories import make_user
from tests.reliability.people import insert_mentor
from tests.web.conftest import post_form
from tests.web.test_account_pages import sign_in_as

LIST = "/coordinator/mentors"
ROW = re.compile(r'<tr id="mentor-\d+">\s*<td><a href="/coordinator/mentors/\d+">([^<]+)</a>')


def signed_in(client: TestClient, db: Session) -> int:
    user = make_user(db, Role.coordinator)
    sign_in_as(client, db, user)
    return user.id


def listed(client: TestClient, query: str = "") -> list[str]:
    response = client.get(f"{LIST}{query}")
    assert response.status_code == 200, response.text
    return ROW.findall(response.text)


def page_of(client: TestClient, mentor: Mentor) -> str:
    response = client.get(f"{LIST}/{mentor.id}")
    assert response.status_code == 200, response.text
    return response.text


def status_post(client: TestClient, mentor: Mentor, **data: object) -> httpx.Response:
    """Press a button of the mentor's page (or its confirmation)."""
    return cast(
        httpx.Response, post_form(client, f"{LIST}/{mentor.id}", f"{LIST}/{mentor.id}/status", data)
    )


def save(client: TestClient, mentor: Mentor, data: dict[str, object]) -> httpx.Response:
    """Send the profile form."""
    url = f"{LIST}/{mentor.id}/edit"
    return cast(httpx.Response, post_form(client, url, url, data))


class TestMentorList:
    def test_search_and_filters_stay_in_the_page_links(
        self, client: TestClient, db: Session
    ) -> None:
        seed_pool(client, db)
        signed_in(client, db)
        assert listed(client) == ["Alex", "Bea", "Cam", "Dee", "Eve"]
        assert listed(client, "?free=true&language=es") == ["Alex"]
        assert listed(client, "?status=paused") == ["Cam"]
        assert listed(client, "?q=bea&language=&status=&sort=") == ["Bea"]  # the empty form
        assert len(listed(client, "?q=+&free=&language=&pathway=&substance=&status=&sort=")) == 5
        page = client.get(f"{LIST}?language=es").text
        assert '<option value="es" selected>' in page and "2 mentors found" in page
        assert "2 of 3" in page and "1 free" in page

    def test_pages_of_fifty_keep_the_filters(self, client: TestClient, db: Session) -> None:
        for number in range(53):
            insert_mentor(db, first_name=f"M{number:02d}", languages=["es"])
        insert_mentor(db, first_name="Other", languages=["fr"])
        db.commit()
        signed_in(client, db)
        first = client.get(f"{LIST}?language=es").text
        assert "53 mentors found; showing 1 to 50." in first
        assert len(ROW.findall(first)) == 50
        nxt = re.search(r'<a rel="next" href="([^"]+)"', first)
        assert nxt is not None
        second = client.get(nxt.group(1).replace("&amp;", "&"))
        assert ROW.findall(second.text) == ["M50", "M51", "M52"]
        assert "showing 51 to 53" in second.text
        assert client.get(f"{LIST}?language=es&page=3").status_code == 404

    def test_a_bad_filter_is_a_page_naming_it(self, client: TestClient, db: Session) -> None:
        signed_in(client, db)
        for query, field in (
            ("language=klingon", "language"),
            ("status=gone", "status"),
            ("free=maybe", "free"),
            ("sort=age", "sort"),
            ("page=%C2%B2", "page"),
            ("page=0", "page"),
            ("q=" + "x" * 255, "q"),
        ):
            response = client.get(f"{LIST}?{query}")
            assert response.status_code == 422, query
            assert response.headers["content-type"].startswith("text/html")
            assert f"{field}:" in response.text.lower(), query


class TestMentorPage:
    def test_profile_load_and_pairings_with_links(self, client: TestClient, db: Session) -> None:
        pool = seed_pool(client, db)
        signed_in(client, db)
        page = page_of(client, pool["Alex"])
        assert "<title>Alex (mentor) · MentorMatch</title>" in page
        assert '<body class="wide">' in page and page.count('id="profile"') == 1
        assert re.search(r'id="load"><strong>2 of 3</strong>', page)
        assert "1 free for new requests" in page
        assert "alex.s@example.org" in page and "SMART Recovery" in page
        mentees = db.scalars(
            select(Pairing.newcomer_id).where(Pairing.mentor_id == pool["Alex"].id)
        ).all()
        for newcomer_id in mentees:
            assert f'href="/coordinator/newcomers/{newcomer_id}"' in page
        assert client.get(f"{LIST}/2000000000").status_code == 404

    def test_pause_asks_first_then_flags_the_mentees(self, client: TestClient, db: Session) -> None:
        alex = seed_pool(client, db)["Alex"]
        signed_in(client, db)
        asked = status_post(client, alex, action="pause", version=str(alex.version))
        assert asked.status_code == 200
        assert "Pause Alex?" in asked.text and "2 active pairings will end" in asked.text
        db.refresh(alex)
        assert not alex.paused  # nothing changed before the confirmation
        done = status_post(client, alex, action="pause", version=str(alex.version), confirmed="yes")
        assert done.status_code == 303
        page = client.get(done.headers["location"]).text
        assert "this mentor is paused" in page
        assert page.count("Needs a new mentor") == 2
        assert re.search(r'id="load"><strong>0 of 3</strong>', page)
        db.expire_all()
        waiting = db.scalars(
            select(Newcomer.status)
            .join(Pairing, Pairing.newcomer_id == Newcomer.id)
            .where(Pairing.mentor_id == alex.id)
        ).all()
        assert waiting == [NewcomerStatus.waiting] * 2
        unpaused = status_post(client, alex, action="unpause", version=str(alex.version + 0))
        db.refresh(alex)
        assert unpaused.status_code == 303 and not alex.paused

    def test_vet_retire_and_back(self, client: TestClient, db: Session) -> None:
        pool = seed_pool(client, db)
        signed_in(client, db)
        eve, cam = pool["Eve"], pool["Cam"]
        assert status_post(client, eve, action="vet", version=str(eve.version)).status_code == 303
        retire = status_post(
            client, cam, action="retire", version=str(cam.version), confirmed="yes"
        )
        assert retire.status_code == 303
        db.expire_all()
        assert (eve.vetted, cam.active) == (True, False)
        assert "Retired" in page_of(client, cam)

    def test_bad_or_stale_actions_write_nothing(self, client: TestClient, db: Session) -> None:
        alex = seed_pool(client, db)["Alex"]
        signed_in(client, db)
        version = str(alex.version)
        for data, status, field in (
            ({"action": "explode", "version": version}, 422, "action"),
            (
                {"action": ["pause", "retire"], "version": version, "confirmed": "yes"},
                422,
                "action",
            ),
            ({"action": "pause", "version": "²", "confirmed": "yes"}, 422, "version"),
            ({"action": "pause", "version": "99", "confirmed": "yes"}, 409, "version"),
        ):
            response = status_post(client, alex, **data)
            assert response.status_code == status, data
            assert field in response.text.lower() or "changed since you read it" in response.text
        db.expire_all()
        assert not alex.paused
        assert (
            db.scalar(
                select(Pairing.id).where(
                    Pairing.mentor_id == alex.id, Pairing.status != PairingStatus.active
                )
            )
            is None
        )

    def test_reads_and_changes_are_audited(self, client: TestClient, db: Session) -> None:
        alex = seed_pool(client, db)["Alex"]
        user_id = signed_in(client, db)
        page_of(client, alex)
        status_post(client, alex, action="pause", version=str(alex.version), confirmed="yes")
        actions = db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.actor_id == user_id,
                AuditEvent.object_type == "mentor",
                AuditEvent.object_id == alex.id,
            )
        ).all()
        assert {"read", "update", "mentor_left"} <= set(actions)
        trail = page_of(client, alex)
        assert 'id="trail"' in trail and f'href="{LIST}/{alex.id}/trail"' in trail
        back = client.get(f"{LIST}/{alex.id}/trail").text
        assert f'href="{LIST}/{alex.id}">Back to the mentor' in back


class TestEditForm:
    def form(self, client: TestClient, mentor: Mentor) -> dict[str, object]:
        html = client.get(f"{LIST}/{mentor.id}/edit").text
        data: dict[str, object] = {
            "version": re.search(r'name="version" value="(\d+)"', html).group(1),  # type: ignore[union-attr]
        }
        for name in ("first_name", "phone", "birth_year", "recovery_start", "capacity"):
            found = re.search(rf'<input id="{name}" name="{name}" type="\w+" value="([^"]*)"', html)
            data[name] = found.group(1) if found else ""
        for name, value in re.findall(r'name="(\w+)" value="([^"]+)" id="[^"]+" checked', html):
            data.setdefault(name, [])
            data[name].append(value)  # type: ignore[union-attr]
        data["availability"] = re.findall(r'name="availability" value="([^"]+)" checked', html)
        data["timezone"] = re.search(r'<option value="([^"]+)" selected', html).group(1)  # type: ignore[union-attr]
        return data

    def test_saves_what_a_coordinator_may_change(self, client: TestClient, db: Session) -> None:
        alex = seed_pool(client, db)["Alex"]
        signed_in(client, db)
        data = self.form(client, alex) | {"capacity": "4", "languages": ["en", "fr"]}
        saved = save(client, alex, data)
        assert saved.status_code == 303, saved.text
        db.refresh(alex)
        assert (alex.capacity, alex.languages, alex.first_name) == (4, ["en", "fr"], "Alex")
        assert alex.pathways == ["smart_recovery"]  # kept as it was
        assert alex.availability == [{"day": 1, "start_hour": 17, "end_hour": 21}]

    def test_mistakes_are_named_and_nothing_is_written(
        self, client: TestClient, db: Session
    ) -> None:
        alex = seed_pool(client, db)["Alex"]
        signed_in(client, db)
        base = self.form(client, alex)
        for changes, status, field in (
            ({"capacity": "11"}, 422, "capacity"),
            ({"capacity": "1"}, 409, "capacity"),  # below the 2 pairings held
            ({"languages": []}, 422, "languages"),
            ({"first_name": ""}, 422, "first_name"),
            ({"birth_year": "١٩٨٠"}, 422, "birth_year"),
            ({"availability": ["9-morning"]}, 422, "availability"),
            ({"version": "1", "capacity": "5"}, 409, "version"),
        ):
            if changes.get("version") == "1":
                alex.interests = "changed elsewhere"
                db.commit()
            response = save(client, alex, base | changes)
            assert response.status_code == status, (changes, response.text[:500])
            assert 'id="error-summary"' in response.text, changes
            assert f'href="#{field}' in response.text, changes
            db.refresh(alex)
            assert (alex.capacity, alex.languages) == (3, ["en", "es"]), changes
