"""The interactive API docs render with no internet access: every asset is served here."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Route, expect

from tests.web.conftest import Live

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_pages_name_only_assets_this_app_serves(path: str, client: TestClient) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assets = ASSET.findall(page.text)
    assert assets, page.text
    for asset in assets:
        assert asset.startswith("/"), asset  # no CDN, no other host
        assert client.get(asset).status_code == 200, asset
    assert "http://" not in page.text and "https://" not in page.text
    policy = page.headers["content-security-policy"]
    assert "http" not in policy  # the policy allows no other host either


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_the_docs_render_with_the_network_cut_off(live_server: Live, browser: Browser) -> None:
    """With the pages' own security policy in force (ReDoc's footer names a logo on its CDN;
    the policy refuses it before any request is made)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    laptop = context.new_page()
    outside: list[str] = []

    def only_this_server(route: Route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    laptop.route("**/*", only_this_server)
    laptop.goto(f"{live_server.url}/docs")
    expect(laptop.locator(".swagger-ui .info .title")).to_contain_text("MentorMatch")
    expect(laptop.locator(".opblock").first).to_be_visible(timeout=30_000)
    laptop.goto(f"{live_server.url}/redoc")
    # ReDoc lays the whole schema out in script before its first heading: on a busy
    # 2-core machine that takes longer than Playwright's default 5 s.
    expect(laptop.locator("h1").first).to_contain_text("MentorMatch", timeout=30_000)
    context.close()
    assert outside == []
