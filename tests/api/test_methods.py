"""Methods: OPTIONS lists what a path allows (204 + Allow); any other method is 405 + Allow.

Every path the app serves is walked (API, pages, static files), from the app's own routes.
The answer comes before any sign-in or input check, so it is the same for every caller.
"""

from __future__ import annotations

from collections import defaultdict

from fastapi.testclient import TestClient

from mentormatch.config import Settings
from mentormatch.main import create_app
from mentormatch.methods import is_api
from tests.reliability.routes import DOCS_PATHS, all_routes

EVERY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _paths() -> dict[str, set[str]]:
    """Each path template the app serves -> the methods its routes declare."""
    app = create_app(Settings(environment="test", database_url="sqlite://", _env_file=None))  # type: ignore[call-arg]
    methods: dict[str, set[str]] = defaultdict(set)
    for route in all_routes(app):
        path = route.path + ("/app.css" if route.endpoint is None else "")
        methods[path].add(route.method)
        if route.endpoint is None or route.path in DOCS_PATHS:
            methods[path].add("HEAD")  # Starlette's own routes answer HEAD as GET
    return dict(methods)


PATHS = _paths()


def concrete(path: str) -> str:
    """The template with every parameter filled (an id, or a token for the private link)."""
    parts = [("x" if "token" in p else "1") if p.startswith("{") else p for p in path.split("/")]
    return "/".join(parts)


def allow(response: object) -> set[str]:
    return {m.strip() for m in response.headers["allow"].split(",")}  # type: ignore[attr-defined]


def test_options_lists_every_method_each_path_allows(client: TestClient) -> None:
    for path, methods in PATHS.items():
        response = client.options(concrete(path))
        assert response.status_code == 204, (path, response.text)
        assert allow(response) == methods | {"OPTIONS"}, path
        assert response.content == b""


def test_a_wrong_method_is_405_with_allow_everywhere(client: TestClient) -> None:
    for path, methods in PATHS.items():
        for method in sorted(set(EVERY_METHOD) - methods):
            response = client.request(method, concrete(path))
            assert response.status_code == 405, (method, path, response.status_code)
            assert allow(response) == methods | {"OPTIONS"}, (method, path)
            kind = response.headers["content-type"]
            if method == "HEAD":
                continue
            if is_api(path):
                assert kind == "application/json", (method, path)
                assert response.json()["type"] == "method_not_allowed"
            else:
                assert kind.startswith("text/html") and "not allowed" in response.text, path


def test_a_literal_path_is_not_taken_for_an_id(client: TestClient) -> None:
    """GET /pairings/proposals once reached GET /pairings/{pairing_id} and answered 422."""
    response = client.get("/api/v1/pairings/proposals")
    assert response.status_code == 405
    assert allow(response) == {"POST", "OPTIONS"}


def test_methods_of_a_path_with_several_routes(client: TestClient) -> None:
    """Starlette named only the first route's method (GET) for /newcomers/me."""
    response = client.put("/api/v1/newcomers/me")
    assert response.status_code == 405
    assert allow(response) == {"GET", "PATCH", "DELETE", "OPTIONS"}


def test_an_unknown_path_is_still_404(client: TestClient) -> None:
    assert client.options("/api/v1/nowhere").status_code == 404
    assert client.delete("/nowhere").status_code == 404
