"""Fixtures: every database test runs on SQLite and PostgreSQL, rolled back per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from mentormatch import migrate
from mentormatch.accounts.models import Role, User
from mentormatch.config import Settings
from mentormatch.db import make_engine
from mentormatch.mentors.models import Mentor
from tests.apps import app_for
from tests.db import BACKENDS, throwaway_database
from tests.factories import (
    bearer,
    intake_body,
    make_user,
    mentor_body,
    newcomer_id,
    token_for,
)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per back end, for the whole run."""
    with throwaway_database(request.param, tmp_path_factory.mktemp("db")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def app(settings: Settings, connection: Connection) -> Iterator[FastAPI]:
    """The app with fresh state (`tests.apps`), its sessions joined to the test's
    rolled-back transaction."""
    app = app_for(settings, "rolled back")
    app.state.engine.dispose()
    app.state.sessionmaker = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield app


@pytest.fixture
def db(app: FastAPI) -> Iterator[Session]:
    """A session on the test transaction, for arranging data and checking what was written."""
    session: Session = app.state.sessionmaker()
    yield session
    session.close()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@dataclass
class Actor:
    """A signed-in caller for tests: their headers and ids."""

    headers: dict[str, str]
    user_id: int | None = None
    mentor_id: int | None = None
    newcomer_id: int | None = None


@pytest.fixture
def coordinator(db: Session) -> Actor:
    user = make_user(db, Role.coordinator)
    token = token_for(db, user)
    db.commit()
    return Actor(bearer(token), user_id=user.id)


@pytest.fixture
def admin(db: Session) -> Actor:
    user = make_user(db, Role.admin)
    token = token_for(db, user)
    db.commit()
    return Actor(bearer(token), user_id=user.id)


@pytest.fixture
def make_mentor(client: TestClient, coordinator: Actor, db: Session):
    """Register a mentor through the API and return them signed in."""

    def make(**overrides: object) -> Actor:
        response = client.post(
            "/api/v1/mentors", json=mentor_body(**overrides), headers=coordinator.headers
        )
        assert response.status_code == 201, response.text
        body = response.json()
        user = db.get(User, db.scalar(select(Mentor.user_id).where(Mentor.id == body["id"])))
        assert user is not None
        token = token_for(db, user)
        db.commit()
        return Actor(bearer(token), user_id=user.id, mentor_id=body["id"])

    return make


@pytest.fixture
def make_newcomer(client: TestClient, db: Session):
    """Submit an intake through the API and return the newcomer holding their token."""

    def make(**overrides: object) -> Actor:
        response = client.post("/api/v1/newcomers", json=intake_body(**overrides))
        assert response.status_code == 201, response.text
        body = response.json()
        return Actor(bearer(body["status_token"]), newcomer_id=newcomer_id(db, body))

    return make
