"""Enumerating the app's real routes, including those of lazily included routers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount, Route

# FastAPI's own documentation routes: served without a dependency tree of ours.
DOCS_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


@dataclass(frozen=True)
class RouteInfo:
    """One method + path the app answers, with its FastAPI dependant when it has one."""

    path: str
    method: str
    endpoint: Callable[..., Any] | None
    dependant: Any | None
    body_model: type | None = None

    @property
    def id_params(self) -> list[str]:
        """The path parameters (object ids) in the path, in order."""
        return [part[1:-1].split(":")[0] for part in self.path.split("/") if part.startswith("{")]


def _body_model(context: Any) -> type | None:
    field = getattr(context, "body_field", None)
    if field is None:
        return None
    annotation = getattr(getattr(field, "field_info", None), "annotation", None)
    return annotation if isinstance(annotation, type) else getattr(field, "type_", None)


def _from_context(context: Any) -> Iterator[RouteInfo]:
    for method in sorted(context.methods or ()):
        if method == "HEAD":
            continue
        yield RouteInfo(
            context.path, method, context.endpoint, context.dependant, _body_model(context)
        )


def _walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[RouteInfo]:
    for route in routes:
        if hasattr(route, "effective_route_contexts"):  # fastapi.routing._IncludedRouter
            for context in route.effective_route_contexts():
                yield from _from_context(context)
        elif isinstance(route, APIRoute):
            yield from _from_context(route)
        elif isinstance(route, Mount):
            if route.routes:
                yield from _walk(list(route.routes), prefix + route.path)
            else:  # static files and other mounted apps
                yield RouteInfo(prefix + route.path, "GET", None, None)
        elif isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    yield RouteInfo(prefix + route.path, method, route.endpoint, None)


def all_routes(app: FastAPI) -> list[RouteInfo]:
    """Every (method, path) the app serves: API routes, page routes, mounts, docs."""
    return list(_walk(list(app.routes)))


def api_routes(app: FastAPI) -> list[RouteInfo]:
    """Every route under /api/ (the JSON API)."""
    return [r for r in all_routes(app) if r.path.startswith("/api/")]
