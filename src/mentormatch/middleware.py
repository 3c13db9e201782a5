"""ASGI middleware: a request body limit, security headers on every response, and a 503
while the database is not migrated."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mentormatch import error_words
from mentormatch.i18n import translate
from mentormatch.migrate import NOT_SET_UP

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# Sent when the public URL is https: browsers then refuse plain HTTP to this host for a year.
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# The interactive API docs (`api_docs.py`): local assets only; Swagger UI starts from an
# inline script and ReDoc injects its styles and runs a worker from a blob.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'"
)


class BodyLimitMiddleware:
    """Answer 413 to any request body over `max_bytes`, declared or streamed.

    The body is read (at most `max_bytes`) before the app sees it, then replayed. Paths in
    `larger` (an upload form) take the larger limit given for them.
    """

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, larger: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.larger.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (
            not declared.isdigit() or len(declared) > 18 or int(declared) > max_bytes
        ):
            await _too_large(scope, send, max_bytes)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_bytes:
                await _too_large(scope, send, max_bytes)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(scope: Scope, send: Send, max_bytes: int) -> None:
    asked = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
    code = error_words.language(asked)
    detail = translate(error_words.too_large(max_bytes), code)
    body = json.dumps({"type": "payload_too_large", "detail": detail}).encode()
    worded = [
        (k.lower().encode(), v.encode()) for k, v in error_words.language_headers(code).items()
    ]
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *worded,
                *_security_headers("/"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _security_headers(path: str) -> list[tuple[bytes, bytes]]:
    csp = DOCS_CSP if path in ("/docs", "/redoc") else CSP
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"content-security-policy", csp.encode()),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if not path.startswith(("/static", "/docs", "/redoc", "/openapi.json")):
        headers.append((b"cache-control", b"no-store"))
    return headers


class SecurityHeadersMiddleware:
    """Add security headers, `Cache-Control: no-store` wherever personal data may be, and
    Strict-Transport-Security when `hsts` (the public URL is https)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _security_headers(scope["path"])
        if self.hsts:
            extra.append(HSTS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers: list[Any] = list(message.get("headers", []))
                headers += [(k, val) for k, val in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


NOT_SET_UP_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not available yet</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><main><h1>Not available yet</h1>
<p>The service's database is not set up yet. Whoever runs this service can fix it with
<code>mentormatch db upgrade</code>; please try again later.</p></main></body></html>
"""


class DatabaseReadyMiddleware:
    """Answer 503 (a page, or JSON under /api and /healthz) while the database's schema is not
    at the newest migration; checked on each request until it is, then never again."""

    def __init__(self, app: ASGIApp, *, ready: Callable[[], bool]) -> None:
        self.app = app
        self.ready = ready
        self.known_ready = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or self.known_ready or path.startswith("/static"):
            await self.app(scope, receive, send)
            return
        self.known_ready = await run_in_threadpool(self.ready)
        if self.known_ready:
            await self.app(scope, receive, send)
            return
        if path.startswith(("/api/", "/healthz")):
            body = json.dumps({"type": "service_unavailable", "detail": NOT_SET_UP}).encode()
            kind = b"application/json"
        else:
            body, kind = NOT_SET_UP_PAGE.encode(), b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", b"60"),
                    *_security_headers(path),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
