"""Strict input: yes/no answers and dates are never coerced, names are never invisible.

`"urgent": 0` once meant false and `"recovery_start": 0` meant 1970-01-01. Every boolean and
date field of every JSON request body (found in the app's OpenAPI schema, nested objects
included) refuses a number or a look-alike string with 422 naming the field. A name made
only of format characters (Unicode Cf: zero-width space, joiners, soft hyphen, tags…) or
holding a direction override or isolate (U+202A-202E, U+2066-2069) is refused on the API
and on the pages.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.newcomers.models import Newcomer
from mentormatch.profiles import BIDI_CONTROLS, FORMAT
from tests.conftest import Actor
from tests.factories import intake_body, mentor_body
from tests.reliability.people import BODIES, ROLES, allowed_roles, make_cast
from tests.reliability.routes import api_routes
from tests.web.conftest import csrf_from
from tests.web.test_pages import sign_in, submit_intake

NOT_A_FLAG = [0, 1, "true", "yes", 1.0]
NOT_A_DATE = [0, 1_700_000_000, "2026-10-01T00:00:00", "20261001", True]
INVISIBLE = ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u00ad", " \u200b ", "\U000e0041"]
REVERSED = ["Sam\u202egnp", "\u2066Sam\u2069", "\u202aSam", "Sam\u2067"]
FINE = ["Zoë", "李", "O'Brien", "\u200dAna", "Ana\u00ad"]


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _kind(schema: dict[str, Any], spec: dict[str, Any]) -> str | None:
    """'flag', 'date' or 'object' for a property schema (through anyOf and $ref)."""
    for option in [schema, *schema.get("anyOf", [])]:
        option = _resolve(option, spec)
        if option.get("type") == "boolean" or option.get("const") is True:
            return "flag"
        if option.get("format") == "date":
            return "date"
        if option.get("type") == "object":
            return "object"
    return None


def strict_fields(
    spec: dict[str, Any], schema: dict[str, Any]
) -> list[tuple[str, tuple[str, ...]]]:
    """(kind, path) of every boolean and date field of a body, nested objects included."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for name, prop in _resolve(schema, spec).get("properties", {}).items():
        kind = _kind(prop, spec)
        if kind == "object":
            nested = next(o for o in [prop, *prop.get("anyOf", [])] if _kind(o, spec) == "object")
            found += [(k, (name, *path)) for k, path in strict_fields(spec, nested)]
        elif kind is not None:
            found.append((kind, (name,)))
    return found


def _with(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body = {**body}
    if len(path) == 1:
        body[path[0]] = value
    else:
        body[path[0]] = _with(body.get(path[0], {}), path[1:], value)
    return body


def test_every_flag_and_date_of_every_body_refuses_look_alikes(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    spec = app.openapi()
    cast = make_cast(client, db)
    checked = 0
    for route in api_routes(app):
        operation = spec["paths"][route.path][route.method.lower()]
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        fields = strict_fields(spec, content["application/json"]["schema"])
        if not fields:
            continue
        key = (route.method, route.path)
        assert key in BODIES, f"people.BODIES needs a valid body for {key}"
        roles = [r for r in ROLES if r != "anonymous" and r in allowed_roles(route)]
        role = "coordinator" if "coordinator" in roles else roles[0]
        url = route.path.format(**{n: cast.own[role][n] for n in route.id_params})
        body = BODIES[key](cast)["json"]
        for kind, path in fields:
            for value in NOT_A_FLAG if kind == "flag" else NOT_A_DATE:
                response = client.request(
                    route.method, url, json=_with(body, path, value), headers=cast.headers[role]
                )
                assert response.status_code == 422, (key, path, value, response.text)
                detail = response.json()["detail"]
                assert isinstance(detail, list), (key, path, value, detail)
                locs = [issue["loc"] for issue in detail]
                assert ["body", *path] in locs, (key, path, value, locs)
                checked += 1
    assert checked >= 100, checked


def test_urgent_zero_is_refused_not_taken_for_false(
    client: TestClient, db: Session, coordinator: Actor, make_newcomer: Any
) -> None:
    newcomer = make_newcomer(in_crisis=True)
    url = f"/api/v1/newcomers/{newcomer.newcomer_id}"
    response = client.patch(url, json={"version": 1, "urgent": 0}, headers=coordinator.headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "urgent"]
    assert client.get(url, headers=coordinator.headers).json()["urgent"] is True


def test_recovery_start_zero_is_refused_not_taken_for_1970(client: TestClient, db: Session) -> None:
    response = client.post(
        "/api/v1/newcomers", json=intake_body(first_name="Epoch", recovery_start=0)
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "recovery_start"]
    assert db.scalar(select(func.count()).where(Newcomer.first_name == "Epoch")) == 0


class TestNames:
    @pytest.mark.parametrize("name", INVISIBLE + REVERSED)
    def test_api_refuses(
        self, client: TestClient, coordinator: Actor, make_newcomer: Any, name: str
    ) -> None:
        created = client.post("/api/v1/newcomers", json=intake_body(first_name=name))
        mentor = client.post(
            "/api/v1/mentors", json=mentor_body(first_name=name), headers=coordinator.headers
        )
        own = make_newcomer()
        corrected = client.patch(
            "/api/v1/newcomers/me", json={"first_name": name}, headers=own.headers
        )
        for response in (created, mentor, corrected):
            assert response.status_code == 422, response.text
            assert response.json()["detail"][0]["loc"] == ["body", "first_name"]

    @pytest.mark.parametrize("name", FINE)
    def test_api_accepts_real_names(self, client: TestClient, name: str) -> None:
        response = client.post("/api/v1/newcomers", json=intake_body(first_name=name))
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize("name", [INVISIBLE[1], REVERSED[0]])
    def test_pages_refuse(
        self, client: TestClient, db: Session, make_mentor: Any, name: str
    ) -> None:
        intake = submit_intake(client, first_name=name)
        assert intake.status_code == 422 and 'id="first_name-error"' in intake.text
        assert db.scalar(select(func.count()).select_from(Newcomer)) == 0
        mentor = make_mentor()
        sign_in(client, db, db.get_one(User, mentor.user_id))
        page = client.get("/mentor/profile").text
        form = {
            "csrf_token": csrf_from(page),
            "version": page.split('name="version" value="')[1].split('"')[0],
            "first_name": name,
            "capacity": "2",
            "languages": ["en"],
            "timezone": "America/New_York",
            "meeting_modes": ["video"],
        }
        profile = client.post("/mentor/profile", data=form)
        assert profile.status_code == 422 and 'id="first_name-error"' in profile.text


def test_format_characters_are_unicodes_category_cf() -> None:
    listed = {c for low, high in FORMAT for c in range(low, high + 1)}
    cf = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert listed == cf
    assert all(c in listed for low, high in BIDI_CONTROLS for c in range(low, high + 1))
