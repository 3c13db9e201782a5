"""One error base for the domain; the app turns it into {"type", "detail"} responses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class MentorMatchError(Exception):
    """A domain error with the HTTP status it maps to."""

    status_code = 400
    type = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers: dict[str, str] = {}


class NotFound(MentorMatchError):
    status_code = 404
    type = "not_found"


class Unauthorized(MentorMatchError):
    status_code = 401
    type = "unauthorized"


class Forbidden(MentorMatchError):
    status_code = 403
    type = "forbidden"


class Conflict(MentorMatchError):
    status_code = 409
    type = "conflict"


class Invalid(MentorMatchError):
    status_code = 422
    type = "invalid"


class TooManyRequests(MentorMatchError):
    """Throttled: `retry_after` seconds to wait, sent as the Retry-After header."""

    status_code = 429
    type = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.headers["Retry-After"] = str(retry_after)


class ValidationIssue(BaseModel):
    """One problem with a request, as input validation reports it."""

    loc: list[str | int] = Field(description='Where: e.g. ["body", "languages", 0]')
    msg: str = Field(description="What is wrong, in the answer's language (Content-Language)")
    type: str = Field(description="pydantic's error type, a code: missing, string_too_short…")


class ErrorBody(BaseModel):
    """Every error answer, whatever raised it (a domain error, validation, the body limit)."""

    type: str = Field(
        description="not_found, unauthorized, forbidden, method_not_allowed, conflict, invalid, "
        "too_many_requests, validation_error, payload_too_large or internal_error"
    )
    detail: str | list[ValidationIssue] = Field(
        description="A sentence, or for validation_error one entry per problem; worded in the "
        "first language of Accept-Language the service speaks (en, es), else English, and "
        "named in the Content-Language header. `type`, `field` and `loc` are codes, the same "
        "in every language"
    )
    field: str | None = Field(default=None, description="The field at fault, when there is one")


_MEANING = {
    401: "Not signed in, wrong email or password, or the token is unknown, expired or revoked",
    403: "Signed in, but this role may not do this",
    404: "No such object, or not yours to see (the two answer alike)",
    409: "Conflicts with the current state: a stale version, capacity, or the lifecycle",
    413: "Request body over the size limit",
    422: "Invalid input: validation_error lists each problem; invalid names the broken rule",
    429: "Too many failed sign-ins: wait the seconds Retry-After gives, then try again",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the error statuses a route can answer, all with `ErrorBody`."""
    return {status: _response(status) for status in statuses}


_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next attempt",
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
    }
}


def _response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {"model": ErrorBody, "description": _MEANING[status]}
    if status == 429:
        response["headers"] = _RETRY_AFTER
    return response
