"""The methods each path allows, read from the app's routes: `OPTIONS` lists them (204), and
a method the path does not allow answers 405 listing them, on the API and the pages alike.

Without this, Starlette's router named only the first route matching a path in `Allow`
(`GET` for `/api/v1/newcomers/me`, which also takes `PATCH` and `DELETE`), answered
`OPTIONS` with 405, and a literal path shadowed by a parameter (`GET /api/v1/pairings/propose`
against `GET /api/v1/pairings/{pairing_id}`) reached the wrong route and answered 422. Here a
path's methods are those of the routes matching it with the fewest parameters: the literal
routes when there are some.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from mentormatch import error_words
from mentormatch.i18n import said, translate

# Answers a wrong method on a page (HTML) rather than the API (JSON).
PageError = Callable[[Request, int, str], Response]


@dataclass(frozen=True)
class _Pattern:
    template: str
    regex: re.Pattern[str]
    parameters: int
    methods: frozenset[str]


def _patterns(routes: list[BaseRoute], prefix: str = "") -> Iterator[_Pattern]:
    """Every path pattern the app serves, with its methods (included routers expanded)."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:  # fastapi.routing._IncludedRouter
            for context in contexts():
                yield _pattern(prefix + context.path, context.methods)
        elif isinstance(route, Mount):
            if route.routes:
                yield from _patterns(list(route.routes), prefix + route.path)
            else:  # static files: read only
                yield _pattern(prefix + route.path + "/{path:path}", {"GET", "HEAD"})
        elif getattr(route, "path", None) is not None and getattr(route, "methods", None):
            yield _pattern(prefix + route.path, route.methods)  # type: ignore[attr-defined]


def _pattern(path: str, methods: set[str] | None) -> _Pattern:
    regex, _, convertors = compile_path(path)
    return _Pattern(path, regex, len(convertors), frozenset(methods or ()))


_DEPTH = 3  # patterns are filed under their first (at most) three literal segments


def _segments(path: str) -> tuple[str, ...]:
    return tuple(path.strip("/").split("/"))


def _literal_prefix(template: str) -> tuple[str, ...]:
    prefix = []
    for segment in _segments(template)[:_DEPTH]:
        if "{" in segment:
            break
        prefix.append(segment)
    return tuple(prefix)


class RouteMethods:
    """'Which methods does this path allow?' for one app, its route table read once.

    Patterns are filed by their leading literal segments, so a path is compared only with
    the few patterns that can match it (a few microseconds, not one regex per route).
    """

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.patterns = list(_patterns(routes))
        self.filed: dict[tuple[str, ...], list[_Pattern]] = {}
        for pattern in self.patterns:
            self.filed.setdefault(_literal_prefix(pattern.template), []).append(pattern)

    def allowed(self, path: str) -> frozenset[str] | None:
        """The methods `path` allows (OPTIONS included), or None when no route has it."""
        best: int | None = None
        methods: set[str] = set()
        segments = _segments(path)
        candidates = (
            pattern
            for depth in range(min(len(segments), _DEPTH) + 1)
            for pattern in self.filed.get(segments[:depth], ())
        )
        for pattern in candidates:
            if not pattern.regex.match(path):
                continue
            if best is None or pattern.parameters < best:
                best, methods = pattern.parameters, set(pattern.methods)
            elif pattern.parameters == best:
                methods |= pattern.methods
        return None if best is None else frozenset(methods | {"OPTIONS"})


def allow_header(methods: frozenset[str]) -> str:
    """The `Allow` header value: methods in a fixed, readable order."""
    order = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
    return ", ".join(sorted(methods, key=lambda m: (order.index(m) if m in order else 99, m)))


def is_api(path: str) -> bool:
    """The JSON API (and the probes and docs) answer JSON; every other path is a page."""
    return path.startswith(("/api/", "/healthz", "/openapi.json", "/docs", "/redoc"))


class MethodsMiddleware:
    """OPTIONS: 204 with `Allow`; a method the path does not allow: 405 with `Allow`."""

    def __init__(self, app: ASGIApp, *, page_error: PageError) -> None:
        self.app = app
        self.page_error = page_error
        self.table: RouteMethods | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.table is None:  # the routes are all in place by the first request
            self.table = RouteMethods(list(scope["app"].routes))
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        allowed = self.table.allowed(path)
        method = scope["method"]
        if allowed is None or (method in allowed and method != "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {"Allow": allow_header(allowed)}
        if method == "OPTIONS":
            response = Response(status_code=204, headers=headers)
        else:
            message = said(
                "%(method)s is not allowed here; allowed: %(allowed)s",
                method=method,
                allowed=headers["Allow"],
            )
            response = self._not_allowed(Request(scope), path, message)
            response.headers.update(headers)
        await response(scope, receive, send)

    def _not_allowed(self, request: Request, path: str, message: str) -> Response:
        if is_api(path):
            code = error_words.language(request.headers.get("accept-language"))
            detail = translate(message, code)
            body = json.dumps({"type": "method_not_allowed", "detail": detail})
            worded = error_words.language_headers(code)
            return Response(body, status_code=405, media_type="application/json", headers=worded)
        return self.page_error(request, 405, message)
