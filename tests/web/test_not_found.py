"""A missing address: a browser gets the HTML 404 page, an API client JSON, on both back
ends; under /api/ the answer is always JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
API_CLIENT = {"Accept": "application/json"}


def test_a_browser_gets_the_not_found_page(client: TestClient) -> None:
    for path in ("/no-such-page", "/coordinator/no-such-page", "/p/main/no-such-page"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in response.text and 'href="/"' in response.text


def test_an_api_client_gets_json(client: TestClient) -> None:
    for path, headers in (
        ("/no-such-page", API_CLIENT),
        ("/api/v1/no-such-thing", API_CLIENT),
        ("/api/v1/no-such-thing", BROWSER),  # /api/ is always JSON
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json", path
        assert response.json()["type"] == "not_found"
