"""Web fixtures: CSRF-aware form posts for TestClient, and a live server for the browser."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy.orm import Session

from mentormatch import migrate
from mentormatch.accounts import service as accounts
from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.config import Settings
from mentormatch.main import create_app
from mentormatch.mentors import service as mentors
from mentormatch.mentors.schemas import MentorCreate
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.factories import PASSWORD, accept_invitation, mentor_body

ROOT = Path(__file__).resolve().parents[2]
AXE_DIR = ROOT / "build" / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_EMAIL = "admin@example.org"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = TOKEN.search(html)
    assert match, "page has no form token"
    return match.group(1)


def post_form(
    client: TestClient, page: str, action: str, data: dict[str, object] | None = None
) -> object:
    """GET `page` (for its CSRF cookie and token), then POST the form to `action`."""
    token = csrf_from(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


# --- live server for the browser tests ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Live:
    """A running server, its settings, and the seeded accounts."""

    url: str
    settings: Settings
    coordinator_email: str
    mentor_email: str
    mentor_password: str


def _seed(settings: Settings) -> tuple[str, str, str]:
    app = create_app(settings)
    session: Session = app.state.sessionmaker()
    try:
        coordinator = accounts.create_user(
            session, email="coordinator@example.org", password=PASSWORD, role=Role.coordinator
        )
        accounts.create_user(session, email=ADMIN_EMAIL, password=PASSWORD, role=Role.admin)
        session.commit()
        actor = Principal(
            Role.coordinator,
            user_id=coordinator.id,
            program_ids=frozenset((DEFAULT_PROGRAM_ID,)),
        )
        body = MentorCreate.model_validate(
            mentor_body(email="alex@example.org", first_name="Alex", phone="+1 312 555 9999")
        )
        mentors.create_mentor(session, actor=actor, body=body, settings=settings)
        accept_invitation(session, "alex@example.org", PASSWORD)
        for name, email in (("Jordan", "jordan@example.org"), ("Riley", "riley@example.org")):
            other = MentorCreate.model_validate(
                mentor_body(email=email, first_name=name, languages=["es"], capacity=1)
            )
            mentors.create_mentor(session, actor=actor, body=other, settings=settings)
    finally:
        session.close()
        app.state.engine.dispose()
    return "coordinator@example.org", "alex@example.org", PASSWORD


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app under uvicorn on a free port, on a fresh migrated SQLite database."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    db_url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    migrate.upgrade(db_url)
    settings = Settings(  # type: ignore[call-arg]
        environment="test", database_url=db_url, public_base_url=url, _env_file=None
    )
    coordinator, mentor, password = _seed(settings)
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "live server did not start"
        time.sleep(0.05)
    yield Live(url, settings, coordinator, mentor, password)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core from the npm registry, installed once into build/axe (git-ignored)."""
    if not AXE_JS.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(AXE_DIR),
                "axe-core@4",
            ],
            check=True,
            timeout=180,
        )
    return AXE_JS


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
