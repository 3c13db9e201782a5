"""Request-scoped dependencies shared by every domain: the settings and a database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from mentormatch.config import Settings
from mentormatch.db import session_scope


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, from the app's session factory."""
    yield from session_scope(request.app.state.sessionmaker)


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The peer address, for audit and throttling."""
    return request.client.host if request.client else "unknown"


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ClientDep = Annotated[str, Depends(client_address)]
