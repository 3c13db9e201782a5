"""Fixtures for tests that commit for real: a fresh migrated database per module and back end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from mentormatch import migrate
from mentormatch.config import Settings
from tests.apps import app_for
from tests.db import BACKENDS, throwaway_database


@pytest.fixture(scope="module", params=BACKENDS)
def live_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database of its own (not the shared rolled-back one): writes really commit."""
    with throwaway_database(request.param, tmp_path_factory.mktemp("live")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def live_app(live_url: str) -> Iterator[FastAPI]:
    """The app on the live database, as it runs in production (its own engine and pool)."""
    app = app_for(Settings(environment="test", database_url=live_url, _env_file=None), "committing")  # type: ignore[call-arg]
    yield app
    app.state.engine.dispose()
