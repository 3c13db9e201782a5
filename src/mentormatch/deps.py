"""Shared by every domain's routes: the settings, a database session, the client, ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from annotated_types import Interval
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from mentormatch.audit.service import READS
from mentormatch.config import Settings
from mentormatch.db import session_scope


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, from the app's session factory; reads it audits are
    group-committed by the app's `ReadAudit` (see `audit.service.record_read`)."""
    reads = {READS: request.app.state.audit_reads}
    yield from session_scope(request.app.state.sessionmaker, info=reads)


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (async: no worker thread for a lookup)."""
    settings: Settings = request.app.state.settings
    return settings


async def client_address(request: Request) -> str:
    """The client's address, for audit and throttling: the peer, or the address a proxy
    named in `forwarded_allow_ips` forwarded (async: no worker thread for a lookup)."""
    return request.client.host[:64] if request.client else "unknown"


async def current_time(request: Request) -> datetime:
    """Now, by the app's clock (`app.state.clock`; tests move it instead of sleeping)."""
    now: datetime = request.app.state.clock()
    return now


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ClientDep = Annotated[str, Depends(client_address)]
NowDep = Annotated[datetime, Depends(current_time)]

# An id as the API takes it (path, query or body): positive and within the 32-bit integer id
# columns. A larger one names no row, and SQLite cannot even bind one past 64 bits.
RowId = Annotated[int, Interval(ge=1, le=2**31 - 1)]
