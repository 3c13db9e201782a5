"""One error base for the domain; the app turns it into {"type", "detail"} responses."""

from __future__ import annotations


class MentorMatchError(Exception):
    """A domain error with the HTTP status it maps to."""

    status_code = 400
    type = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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
    status_code = 429
    type = "too_many_requests"
