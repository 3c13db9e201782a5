"""CSRF protection for the web forms: a signed token per form plus an origin check.

A random per-browser value lives in an HttpOnly cookie; every form carries
HMAC(secret_key, value) in a hidden field. A POST is accepted only when the field
matches the cookie and the request does not come from another site (Origin and
Sec-Fetch-Site headers, when the browser sends them).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

from mentormatch.errors import Forbidden
from mentormatch.i18n import N_

COOKIE = "mm_csrf"
FIELD = "csrf_token"


def sign(secret_key: str, value: str) -> str:
    """The form token for a browser's CSRF cookie value."""
    return hmac.new(secret_key.encode(), f"csrf:{value}".encode(), hashlib.sha256).hexdigest()


def new_value() -> str:
    """A fresh per-browser CSRF value."""
    return secrets.token_urlsafe(32)


def same_origin(request: Request) -> bool:
    """False when the browser tells us the request was sent by another site.

    Sec-Fetch-Site is trusted when present; otherwise Origin is compared, except that
    `Origin: null` (sent under `Referrer-Policy: no-referrer`) is left to the token check.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return origin == f"{request.url.scheme}://{request.url.netloc}"


def check(request: Request, form: FormData, *, secret_key: str) -> None:
    """Refuse (403) a form post without a valid token or sent from another site."""
    if not same_origin(request):
        raise Forbidden(N_("this form was sent from another site, so it was refused"))
    value = request.cookies.get(COOKIE)
    sent = form.get(FIELD)
    if (
        not value
        or not isinstance(sent, str)
        or not hmac.compare_digest(sign(secret_key, value), sent)
    ):
        raise Forbidden(N_("this form has expired; go back, reload the page and try again"))
