"""The app's OpenAPI document: readable operation ids, links between operations, and the
program rules that depend on settings (consent notice version, age limits).

Request schemas come from the pydantic models; what the models cannot know — this
deployment's settings and today's year — is written into the document here, so that
whatever the schema calls valid is accepted and whatever it calls invalid is refused.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from mentormatch.config import Settings
from mentormatch.openapi_fields import describe
from mentormatch.profiles import OLDEST_AGE


def operation_id(route: APIRoute) -> str:
    """`<tag>_<function>`, e.g. `newcomers_read_own`: stable names for links and clients."""
    return f"{route.tags[0]}_{route.name}" if route.tags else route.name


def link(
    operation: str,
    description: str,
    *,
    parameters: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An OpenAPI link: which operation can follow, and which of its inputs this answer gives."""
    definition: dict[str, Any] = {"operationId": operation, "description": description}
    if parameters:
        definition["parameters"] = parameters
    if body:
        definition["requestBody"] = body
    return definition


def _birth_years(schema: dict[str, Any], *, oldest: int | None, youngest: int | None) -> None:
    field = schema["properties"]["birth_year"]
    if oldest is not None:
        field["minimum"] = max(field["minimum"], oldest)
    if youngest is not None:
        field["maximum"] = min(field["maximum"], youngest)


def with_program_rules(document: dict[str, Any], settings: Settings, year: int) -> dict[str, Any]:
    """The document with this deployment's consent version and age limits in the schemas."""
    schemas = document["components"]["schemas"]
    version = schemas["ConsentIn"]["properties"]["version"]
    version.pop("minLength", None)
    version.pop("maxLength", None)
    version["const"] = settings.consent_version
    youngest = None if settings.serves_youth else year - settings.min_age
    for name in ("NewcomerIntake", "NewcomerUpdate"):
        _birth_years(schemas[name], oldest=year - OLDEST_AGE, youngest=youngest)
    _birth_years(schemas["MentorCreate"], oldest=None, youngest=year - settings.min_age)
    return document


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the document with the program rules, rebuilt when the year changes."""
    by_year: dict[int, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        year = datetime.now(UTC).year
        if year not in by_year:
            by_year.clear()
            base = copy.deepcopy(FastAPI.openapi(app))
            by_year[year] = describe(with_program_rules(base, settings, year))
        return by_year[year]

    app.openapi = openapi  # type: ignore[method-assign]
