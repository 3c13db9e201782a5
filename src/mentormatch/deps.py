"""Shared by every domain's routes: the settings, a database session, the client, ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from annotated_types import Interval
from fastapi import Depends, Query, Request
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from mentormatch.audit.service import READS
from mentormatch.config import Settings
from mentormatch.db import session_scope
from mentormatch.i18n import N_


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

# The id columns are 32-bit integers on both back ends: a larger id names no row, and
# SQLite cannot even bind one past 64 bits.
ROW_ID_MAX = 2**31 - 1


def digits(value: str) -> bool:
    """Whether text is a whole number written with the ASCII digits 0-9 and nothing else
    (not a superscript or Arabic-Indic digit, which str.isdigit admits; not '+1' or '1_0')."""
    return value.isascii() and value.isdigit()


def _id_as_written(value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, str) and not digits(value)):
        raise ValueError(N_("must be a whole number written with the digits 0-9"))
    return value


# An id wherever it is taken (a path, a query, a JSON body, a page's form): a positive
# whole number within the id columns' range; text holds the ASCII digits 0-9 only.
RowId = Annotated[int, Interval(ge=1, le=ROW_ID_MAX), BeforeValidator(_id_as_written)]

# A page of a list over the API: 1 to PAGE_MAX items, after skipping at most OFFSET_MAX.
PAGE_MAX = 100
OFFSET_MAX = 1_000_000
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX)]
Offset = Annotated[int, Query(ge=0, le=OFFSET_MAX)]
