"""Apps for tests: built once per run and settings, with fresh state for each test.

FastAPI prepares each of an app's ~150 routes on its first request (0.3-0.9 s an app), which
every test paid when each built its own app. The routes and middleware do not change between
tests; the state does (`main.fresh_state`: engine and sessions, rankers, clock, read audit).
"""

from __future__ import annotations

from fastapi import FastAPI

from mentormatch.config import Settings
from mentormatch.main import create_app, fresh_state

_built: dict[str, FastAPI] = {}


def app_for(settings: Settings, use: str) -> FastAPI:
    """The app for these settings with fresh state; its routes built on first use. Apps
    for different uses (the rolled-back one, one committing for real) are never the same
    app, so a test can hold both."""
    key = use + settings.model_dump_json()
    app = _built.get(key)
    if app is None:
        app = _built[key] = create_app(settings)
    else:
        fresh_state(app, settings)
    return app
