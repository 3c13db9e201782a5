"""The JSON API's error answers in the language Accept-Language asks for (issue 18).

One representative answer of each family (a validation list, a domain error with a value
in it, a conflict, a 404, a failed sign-in, a password rule, the body limit, a method not
allowed) in Spanish with `Accept-Language: es`, in English without it, and `Content-Language`
naming which; `type`, `field` and `loc` stay codes.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Actor
from tests.factories import PASSWORD, intake_body, mentor_body

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
INTAKE = "/api/v1/newcomers"
MENTORS = "/api/v1/mentors"


def spoken(response: object, code: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-language"] == code
    assert "accept-language" in headers["vary"].lower()


class TestValidationIssues:
    BODY = intake_body(first_name="", substances=["moonshine"], extra="x")

    def test_each_issue_msg_is_spanish_and_loc_type_stay_codes(self, client: TestClient) -> None:
        response = client.post(INTAKE, json=self.BODY, headers=SPANISH)
        assert response.status_code == 422
        spoken(response, "es")
        issues = {tuple(i["loc"]): (i["type"], i["msg"]) for i in response.json()["detail"]}
        assert issues[("body", "first_name")] == (
            "string_too_short",
            "El texto debe tener al menos 1 carácter",
        )
        assert issues[("body", "extra")] == ("extra_forbidden", "No se permiten datos adicionales")
        kind, message = issues[("body", "substances", 0)]
        assert kind == "value_error"
        assert message == (
            "Valor no válido: código de substance desconocido 'moonshine'; "
            "consulte GET /api/v1/vocabulary"
        )

    def test_english_without_the_header_is_pydantic_s_own(self, client: TestClient) -> None:
        response = client.post(INTAKE, json=self.BODY)
        spoken(response, "en")
        issues = {tuple(i["loc"]): i["msg"] for i in response.json()["detail"]}
        assert issues[("body", "first_name")] == "String should have at least 1 character"
        assert issues[("body", "extra")] == "Extra inputs are not permitted"
        assert issues[("body", "substances", 0)].startswith("Value error, unknown substance code")

    def test_a_language_not_spoken_gives_english(self, client: TestClient) -> None:
        response = client.post(INTAKE, json=self.BODY, headers={"Accept-Language": "fr, de"})
        spoken(response, "en")
        assert "Field required" in response.text or "String should" in response.text

    def test_a_body_that_is_not_json(self, client: TestClient) -> None:
        response = client.post(
            INTAKE, content=b"{", headers={"Content-Type": "application/json", **SPANISH}
        )
        assert response.status_code == 422
        (issue,) = response.json()["detail"]
        assert issue["type"] == "json_invalid"
        assert issue["msg"].startswith(("Error al leer el JSON", "JSON no válido"))


class TestDomainErrors:
    def test_an_invalid_value_names_it_in_spanish(
        self, client: TestClient, coordinator: Actor
    ) -> None:
        body = mentor_body(birth_year=2020)
        response = client.post(MENTORS, json=body, headers={**coordinator.headers, **SPANISH})
        assert response.status_code == 422
        spoken(response, "es")
        answer = response.json()
        assert (answer["type"], answer["field"]) == ("invalid", "birth_year")
        assert answer["detail"].startswith("birth_year: los mentores deben tener al menos ")
        assert answer["detail"].endswith(" años")
        english = client.post(MENTORS, json=body, headers=coordinator.headers).json()
        assert english["detail"].startswith("birth_year: mentors must be at least ")

    def test_a_conflict(self, client: TestClient, coordinator: Actor) -> None:
        body = mentor_body(email="twice@example.org")
        assert client.post(MENTORS, json=body, headers=coordinator.headers).status_code == 201
        response = client.post(MENTORS, json=body, headers={**coordinator.headers, **SPANISH})
        assert response.status_code == 409
        spoken(response, "es")
        assert response.json() == {
            "type": "conflict",
            "detail": "email: ya existe una cuenta con este correo electrónico",
            "field": "email",
        }

    def test_not_found(self, client: TestClient, coordinator: Actor) -> None:
        missing = client.get(f"{MENTORS}/999999", headers={**coordinator.headers, **SPANISH})
        assert (missing.status_code, missing.json()["detail"]) == (404, "no existe ese mentor")
        spoken(missing, "es")
        nowhere = client.get("/api/v1/no-such-thing", headers=SPANISH)
        assert nowhere.json() == {"type": "not_found", "detail": "no hay nada en esta dirección"}
        spoken(nowhere, "es")

    def test_sign_in_refused(self, client: TestClient, coordinator: Actor) -> None:
        form = {"username": "nobody@example.org", "password": "wrong"}
        response = client.post("/api/v1/auth/token", data=form, headers=SPANISH)
        assert response.status_code == 401
        assert response.json()["detail"] == "correo electrónico o contraseña incorrectos"
        assert response.headers["www-authenticate"] == "Bearer"
        unsigned = client.get(f"{MENTORS}/me", headers=SPANISH)
        assert unsigned.json()["detail"] == "inicie sesión para continuar"

    @pytest.mark.parametrize(
        ("weak", "spanish"),
        [
            (
                "password1234",
                "new_password: demasiado fácil de adivinar (Es una contraseña muy común); unas "
                "cuantas palabras sin relación entre sí forman una contraseña segura",
            ),
            (
                "aaaaaaaaaaaa",
                'new_password: demasiado fácil de adivinar (Las repeticiones como "aaa" son '
                "fáciles de adivinar); unas cuantas palabras sin relación entre sí forman una "
                "contraseña segura",
            ),
        ],
    )
    def test_a_password_rule(
        self, weak: str, spanish: str, client: TestClient, coordinator: Actor
    ) -> None:
        body = {"current_password": PASSWORD, "new_password": weak}
        url = "/api/v1/account/password/change"
        response = client.post(url, json=body, headers={**coordinator.headers, **SPANISH})
        assert (response.status_code, response.json()["field"]) == (422, "new_password")
        assert response.json()["detail"] == spanish


class TestTransportErrors:
    def test_too_large(self, client: TestClient) -> None:
        body = intake_body(hopes="x" * 100_000)
        response = client.post(INTAKE, json=body, headers=SPANISH)
        assert response.status_code == 413
        spoken(response, "es")
        assert response.json()["type"] == "payload_too_large"
        assert response.json()["detail"].startswith("el cuerpo de la solicitud supera los ")
        english = client.post(INTAKE, json=body)
        assert english.json()["detail"].startswith("request body over ")
        spoken(english, "en")

    def test_method_not_allowed(self, client: TestClient) -> None:
        response = client.delete("/api/v1/vocabulary", headers=SPANISH)
        assert response.status_code == 405
        assert response.json()["detail"].startswith("DELETE no está permitido aquí; se permite: ")
        spoken(response, "es")


class TestVocabulary:
    def test_labels_follow_accept_language(self, client: TestClient) -> None:
        spanish = client.get("/api/v1/vocabulary", headers=SPANISH)
        spoken(spanish, "es")
        families = {t["code"]: t["label"] for t in spanish.json()["substance_families"]}
        assert families["opioids"] == "Opioides"
        english = client.get("/api/v1/vocabulary")
        spoken(english, "en")
        assert {t["code"]: t["label"] for t in english.json()["substance_families"]}[
            "opioids"
        ] == "Opioids"
        assert [t["code"] for t in spanish.json()["substances"]] == [
            t["code"] for t in english.json()["substances"]
        ]
