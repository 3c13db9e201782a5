"""What the page fuzz reads from the app: its page routes, their parameters, and their forms.

Routes come from the app itself (every route that is not the JSON API, the docs or static
files), so a page added later is fuzzed without editing a list. Path and query parameters
come from each route's dependencies; form fields from the forms the pages really render
(every `<form method="post">` on every page, as every role), with the values they offer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.routing import compile_path

from mentormatch.methods import is_api
from tests.reliability.routes import RouteInfo, all_routes


@dataclass
class Page:
    """One page route: method, path template and the parameters it reads."""

    route: RouteInfo
    path_params: list[str]
    query_params: list[str]
    regex: re.Pattern[str]
    # name -> the values the rendered forms offer for it ("" for free text)
    fields: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @property
    def label(self) -> str:
        return f"{self.route.method} {self.route.path}"


def _params(dependant: Any, kind: str) -> list[str]:
    """The names of a route's path or query parameters, its dependencies' included."""
    names = [p.name for p in getattr(dependant, kind)]
    for sub in dependant.dependencies:
        names += [n for n in _params(sub, kind) if n not in names]
    return names


def page_routes(app: FastAPI) -> list[Page]:
    """Every page route the app serves, with its path and query parameter names."""
    pages = []
    for route in all_routes(app):
        if route.dependant is None or is_api(route.path) or route.path == "/healthz":
            continue
        regex, _, _ = compile_path(route.path)
        pages.append(
            Page(
                route,
                path_params=_params(route.dependant, "path_params"),
                query_params=_params(route.dependant, "query_params"),
                regex=regex,
            )
        )
    return pages


class _Forms(HTMLParser):
    """The forms on a page: action, method, and each field with the values it offers."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, set[str]]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("method", "get").upper(), a.get("action", ""), {}))
            return
        if not self.forms:
            return
        fields = self.forms[-1][2]
        name = a.get("name")
        if tag in ("input", "button", "textarea") and name:
            free = tag == "textarea" or a.get("type", "text") in ("text", "email", "tel", "date")
            fields.setdefault(name, set()).add("" if free else a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, set())
        elif tag == "option" and self._select:
            fields[self._select].add(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def read_forms(pages: list[Page], html: str) -> None:
    """Add the fields of every form on `html` to the page route its action goes to."""
    parser = _Forms()
    parser.feed(html)
    for method, action, fields in parser.forms:
        path = urlsplit(action).path
        for page in pages:
            if page.route.method == method and page.regex.match(path):
                for name, values in fields.items():
                    page.fields[name] |= values
