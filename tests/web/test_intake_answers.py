"""What a newcomer notices on the intake, on both back ends: nothing answered for them, an
error summary in page order naming each field, phone numbers checked as phone numbers, a
place asked as a ZIP code or town (never coordinates) with distances in miles, and two
lived-experience lists that say whose experience they are about. The API takes the same
phone rule and `postal_code` (or latitude and longitude, as before)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from tests.factories import intake_body
from tests.web.conftest import post_form
from tests.web.test_pages import INTAKE, submit_intake

IN_PERSON = {"meeting_modes": ["in_person", "video"], "travel_radius": "10"}


def summary_links(html: str) -> list[tuple[str, str]]:
    """The error summary's (target id, text) pairs, in the order shown."""
    box = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box)


def stored(db: Session, name: str) -> Newcomer:
    newcomer = db.scalar(select(Newcomer).where(Newcomer.first_name == name))
    assert newcomer is not None, name
    return newcomer


class TestNothingAnsweredForThem:
    def test_medication_has_no_preselected_answer(self, client: TestClient) -> None:
        html = client.get("/intake").text
        radios = re.findall(r'<input type="radio" name="medication"[^>]*>', html)
        assert len(radios) == 4 and not any("checked" in r for r in radios)

    def test_leaving_medication_unanswered_is_named(self, client: TestClient) -> None:
        answers = {k: v for k, v in INTAKE.items() if k != "medication"}
        response: Any = post_form(client, "/intake", "/intake", answers)
        assert response.status_code == 422
        assert ("medication-group", "Medication: Please answer: choose “No medication” if you "
                "take none.") in summary_links(response.text)  # fmt: skip

    def test_sharing_consent_is_opt_in(self, client: TestClient, db: Session) -> None:
        html = client.get("/intake").text
        for box in ("consent", "share_with_mentor", "share_contact"):
            tag = re.search(rf'<input type="checkbox" name="{box}"[^>]*>', html)
            assert tag is not None and "checked" not in tag.group(0), box


class TestErrorSummary:
    def test_follows_page_order_and_names_each_field(self, client: TestClient) -> None:
        response = submit_intake(
            client,
            first_name="",
            birth_year="19x0",
            substances=[],
            phone="12",
            email="not-an-email",
            consent="",
            medication="",
        )
        assert response.status_code == 422
        links = summary_links(response.text)
        targets = [target for target, _ in links]
        assert targets == [
            "first_name",
            "birth_year",
            "substances-group",
            "medication-group",
            "phone",
            "email",
            "consent-group",
        ]
        positions = [response.text.index(f'id="{t}"') for t in targets]
        assert positions == sorted(positions)  # the fields appear on the page in that order
        texts = dict(links)
        assert texts["first_name"].startswith("First name or nickname: ")
        assert texts["phone"].startswith("Phone number: ")
        assert texts["consent-group"].startswith("Consent: ")


class TestPhone:
    @pytest.mark.parametrize("number", ["(312) 555-0123", "312 555 0123", "+44 20 7946 0958"])
    def test_real_numbers_are_taken(self, client: TestClient, db: Session, number: str) -> None:
        assert submit_intake(client, phone=number).status_code == 303
        assert stored(db, "Sam").phone == number  # kept as typed

    @pytest.mark.parametrize("number", ["12345", "+1 555 010 2030", "555 0142", "(999) 111-2222"])
    def test_not_a_phone_number_is_named_on_the_page(
        self, client: TestClient, db: Session, number: str
    ) -> None:
        response = submit_intake(client, phone=number)
        assert response.status_code == 422
        assert ("phone", "Phone number: Please give a phone number we can call, with its area "
                "code (or +country code for a number abroad), or leave it empty.") in summary_links(
            response.text
        )  # fmt: skip
        assert db.scalar(select(Newcomer)) is None

    def test_not_a_phone_number_is_named_by_the_api(self, client: TestClient) -> None:
        for path, body in (
            ("/api/v1/newcomers", intake_body(phone="+1 555 010 2030")),
            ("/api/v1/newcomers/urgent", {"first_name": "Kim", "phone": "12345"}),
        ):
            response = client.post(path, json=body)
            assert response.status_code == 422, path
            (issue,) = response.json()["detail"]
            assert issue["loc"][-1] == "phone" and "not a phone number" in issue["msg"]


class TestPlace:
    def test_zip_code_and_miles(self, client: TestClient, db: Session) -> None:
        assert submit_intake(client, **IN_PERSON, postal_code="60614").status_code == 303
        sam = stored(db, "Sam")
        assert (sam.latitude, sam.longitude) == pytest.approx((41.92, -87.65), abs=0.02)
        assert sam.travel_radius_km == pytest.approx(16.09, abs=0.01)  # 10 miles
        edit = client.get("/status/edit").text
        assert 'value="60614"' in edit and 'id="travel_radius"' in edit and 'value="10"' in edit
        assert "How far can you travel (miles)?" in edit

    def test_a_town_and_its_state(self, client: TestClient, db: Session) -> None:
        assert submit_intake(client, **IN_PERSON, postal_code="Denver, CO").status_code == 303
        sam = stored(db, "Sam")
        assert (sam.latitude, sam.longitude) == pytest.approx((39.74, -104.99), abs=0.2)

    @pytest.mark.parametrize(
        ("place", "words"),
        [
            ("00000", "00000 is not a ZIP code we know."),
            ("Nowhereville, ZZ", "do not know"),
            ("Springfield", "add the state"),
        ],
    )
    def test_an_unknown_place_is_named(
        self, client: TestClient, db: Session, place: str, words: str
    ) -> None:
        response = submit_intake(client, **IN_PERSON, postal_code=place)
        assert response.status_code == 422
        ((target, text),) = summary_links(response.text)
        assert target == "postal_code" and text.startswith("ZIP code or town: ")
        assert words in text
        assert f'value="{place}"' in response.text  # what was typed is kept
        assert db.scalar(select(Newcomer)) is None

    def test_in_person_without_a_place_asks_for_one(self, client: TestClient) -> None:
        response = submit_intake(client, meeting_modes=["in_person"])
        assert response.status_code == 422
        assert "please give your ZIP code or town" in response.text
        assert "Latitude" not in response.text and "latitude" not in response.text.lower()

    def test_the_form_asks_no_coordinates(self, client: TestClient) -> None:
        html = client.get("/intake").text
        assert 'name="postal_code"' in html and "ZIP code or town" in html
        assert 'name="latitude"' not in html and 'name="longitude"' not in html
        assert "How far can you travel (miles)?" in html


class TestPlaceInTheApi:
    def test_postal_code_is_stored_as_coordinates(self, client: TestClient, db: Session) -> None:
        body = intake_body(
            meeting_modes=["in_person"], postal_code="10001", travel_radius_km=15, first_name="Ana"
        )
        assert client.post("/api/v1/newcomers", json=body).status_code == 201
        ana = stored(db, "Ana")
        assert (ana.latitude, ana.longitude) == pytest.approx((40.75, -73.99), abs=0.02)

    def test_coordinates_are_still_taken(self, client: TestClient, db: Session) -> None:
        body = intake_body(
            meeting_modes=["in_person"], latitude=41.88, longitude=-87.63, travel_radius_km=15
        )
        assert client.post("/api/v1/newcomers", json=body).status_code == 201

    @pytest.mark.parametrize(
        ("extra", "where"),
        [
            ({"postal_code": "00000"}, "postal_code"),
            ({"postal_code": "60614", "latitude": 41.9, "longitude": -87.6}, "body"),
        ],
    )
    def test_unknown_or_doubled_place_is_refused(
        self, client: TestClient, db: Session, extra: dict[str, Any], where: str
    ) -> None:
        body = intake_body(meeting_modes=["in_person"], travel_radius_km=15, **extra)
        response = client.post("/api/v1/newcomers", json=body)
        assert response.status_code == 422
        (issue,) = response.json()["detail"]
        assert issue["loc"][-1] == where and "postal_code" in issue["msg"] + where
        assert db.scalar(select(Newcomer)) is None

    def test_own_record_takes_a_postal_code(self, client: TestClient, db: Session) -> None:
        token = client.post("/api/v1/newcomers", json=intake_body(first_name="Ana")).json()[
            "status_token"
        ]
        response = client.patch(
            "/api/v1/newcomers/me",
            json={"meeting_modes": ["in_person"], "postal_code": "Chicago, IL",
                  "travel_radius_km": 10},
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert stored(db, "Ana").latitude == pytest.approx(41.88, abs=0.1)


class TestLivedExperience:
    def test_the_two_lists_say_whose_experience(self, client: TestClient) -> None:
        html = client.get("/intake").text
        me = html.index("About me: things that are part of my life")
        mentor = html.index("About my mentor: experience I would like my mentor to share")
        assert me < mentor
        assert "Faith is important to me" not in html
