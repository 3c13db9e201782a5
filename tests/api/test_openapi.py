"""The OpenAPI document states what the API accepts and answers (the fuzzer relies on it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mentormatch import vocabulary as v
from mentormatch.config import Settings
from mentormatch.main import create_app
from mentormatch.profiles import timezones


def document(**settings: Any) -> dict[str, Any]:
    app = create_app(
        Settings(environment="test", database_url="sqlite://", _env_file=None, **settings)
    )
    return app.openapi()


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    return document()["components"]["schemas"]


class TestRequestSchemas:
    @pytest.mark.parametrize(
        ("name", "codes"),
        [
            ("SubstanceCode", v.SUBSTANCE_CODES),
            ("PathwayCode", v.PATHWAY_CODES),
            ("MedicationCode", v.MEDICATION_CODES),
            ("MeetingModeCode", v.MODE_CODES),
            ("GenderCode", v.GENDER_CODES),
            ("ExperienceCode", v.EXPERIENCE_CODES),
            ("LanguageCode", v.LANGUAGE_CODES),
            ("ContactMethodCode", v.CONTACT_CODES),
            ("TimeZone", timezones()),
        ],
    )
    def test_codes_are_enums_from_the_vocabulary(
        self, name: str, codes: frozenset[str], schemas: dict[str, Any]
    ) -> None:
        assert schemas[name]["enum"] == sorted(codes)

    def test_fields_that_cannot_be_emptied_are_not_nullable(self, schemas: dict[str, Any]) -> None:
        update = schemas["NewcomerUpdate"]["properties"]
        assert update["hopes"]["type"] == "string"
        assert "anyOf" in update["email"]  # may be cleared

    def test_program_rules_follow_the_settings(self) -> None:
        year = datetime.now(UTC).year
        schemas = document(min_age=21, consent_version="2027-01")["components"]["schemas"]
        assert schemas["ConsentIn"]["properties"]["version"]["const"] == "2027-01"
        intake = schemas["NewcomerIntake"]["properties"]["birth_year"]
        assert (intake["minimum"], intake["maximum"]) == (year - 120, year - 21)
        assert schemas["MentorCreate"]["properties"]["birth_year"]["maximum"] == year - 21
        youth = document(serves_youth=True)["components"]["schemas"]["NewcomerIntake"]
        assert youth["properties"]["birth_year"]["maximum"] == 2100


class TestErrorResponses:
    def test_role_rules_and_ids_are_declared(self) -> None:
        paths = document()["paths"]
        assert {"401", "403", "404", "422"} <= set(
            paths["/api/v1/mentors/{mentor_id}"]["get"]["responses"]
        )
        assert "401" not in paths["/api/v1/newcomers"]["post"]["responses"]  # public intake
        assert {"401", "429"} <= set(paths["/api/v1/auth/token"]["post"]["responses"])

    def test_errors_share_one_body(self, client: TestClient) -> None:
        declared = document()["paths"]["/api/v1/newcomers/{newcomer_id}"]["get"]["responses"]
        assert declared["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"
        }
        response = client.get("/api/v1/newcomers/1")
        assert response.status_code == 401
        assert set(response.json()) <= {"type", "detail", "field"}
