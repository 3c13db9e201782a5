"""Database plumbing: declarative base, engines for SQLite (WAL) and PostgreSQL, sessions."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_PLAIN_READS = frozenset({"SELECT", "PRAGMA", "EXPLAIN"})


def _takes_write_lock(statement: str, context: Any) -> bool:
    """Whether a statement writes (or reads FOR UPDATE) and so needs the write lock first."""
    words = statement.lstrip().split(None, 1)
    if not words or words[0].upper() not in _PLAIN_READS:
        return True  # INSERT/UPDATE/DELETE, DDL, SAVEPOINT, WITH …: lock conservatively
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None


BUSY_TIMEOUT_S = 30


def _gated_connection(gate: threading.Lock) -> type[sqlite3.Connection]:
    """sqlite3 connections whose write transactions first queue on `gate`, one per engine.

    SQLite's busy handler polls for the write lock with growing sleeps (1, 2, 5, 10, 15,
    20, 25, 25, 25, 50, 50, 100 ms…), so a writer that finds the lock taken a few times in a
    row sleeps tens of milliseconds after it has come free. Threads of one process queue
    here instead and the next one starts the moment the last one commits or rolls back;
    only a writer from another process still meets the busy handler. The gate only orders
    writers: SQLite's own lock still protects the data (a gate released early, e.g. after
    a failed commit, costs a wait, never correctness).
    """

    class GatedConnection(sqlite3.Connection):
        holds_gate = False

        def begin_immediate(self) -> None:
            if not self.holds_gate:
                if not gate.acquire(timeout=BUSY_TIMEOUT_S):
                    raise sqlite3.OperationalError("database is locked")
                self.holds_gate = True
            try:
                self.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._release()
                raise

        def _release(self) -> None:
            if self.holds_gate:
                self.holds_gate = False
                gate.release()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self._release()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self._release()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self._release()

    return GatedConnection


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE at a transaction's first write.

    Plain reads run outside any transaction (WAL readers never block or wait). The first
    write, or a locking read (``SELECT … FOR UPDATE``, which SQLite itself ignores), starts
    ``BEGIN IMMEDIATE``: writers queue (on the engine's gate, then on the busy timeout)
    instead of failing with "database is locked", and a count-then-write after a locking
    read runs alone — SQLite's write lock stands where PostgreSQL takes row locks. The
    lock is held from that statement to the commit, not from a request's first query:
    taken at the sign-in lookup, a request then waiting for a worker thread held every
    other writer up, and under 50 concurrent clients every thread was soon waiting on the
    busy timeout (the load test found it).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN; see _before_execute
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(
        _conn: Any, cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        connection = cursor.connection
        if not connection.in_transaction and _takes_write_lock(statement, context):
            connection.begin_immediate()


class _NoRowLogging(logging.Filter):
    """Drop SQLAlchemy's DEBUG result-row records: rows hold health data."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Row ")


_engine_logger = logging.getLogger("sqlalchemy.engine.Engine")
if not any(isinstance(f, _NoRowLogging) for f in _engine_logger.filters):
    _engine_logger.addFilter(_NoRowLogging())


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for the URL, with SQLite configured for concurrent use.

    Statement parameters are never logged (they hold health data), even at DEBUG.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={
                "timeout": BUSY_TIMEOUT_S,
                "check_same_thread": False,
                "factory": _gated_connection(threading.Lock()),
            },
            hide_parameters=True,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True, **kwargs
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def session_scope(
    factory: sessionmaker[Session], info: dict[str, Any] | None = None
) -> Iterator[Session]:
    """Yield a session (with `info`, if given); roll back on error, always close."""
    session = factory(info=info) if info else factory()
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
