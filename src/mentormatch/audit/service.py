"""Recording audit events; reads, changes, logins and refusals all go through here."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from mentormatch.audit.models import AuditEvent
from mentormatch.db import utcnow

# Where a request's session finds the app's `ReadAudit` (set by `deps.get_session`).
READS = "mentormatch.audit.reads"

# A plain INSERT of the table, not the ORM's bulk insert of the entity: the same rows for a
# fifth of the CPU (0.1 against 0.5 ms for one row, SQLite).
_INSERT = insert(cast(Table, AuditEvent.__table__))


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def actor_id(self) -> int | None: ...


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    outcome: str = "ok",
    client: str | None = None,
) -> None:
    """Add an audit event to the session's transaction (commits with the change it records)."""
    session.add(AuditEvent(**_row(actor, action, object_type, object_id, outcome, client)))


def _row(actor: Actor | None, action: str, object_type: str, object_id: int | None,
         outcome: str, client: str | None) -> dict[str, Any]:  # fmt: skip
    """An audit event's columns (its time aside)."""
    return {
        "actor_role": str(actor.role) if actor else "anonymous",
        "actor_id": actor.actor_id if actor else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "outcome": outcome,
        "client": client,
    }


def record_refusal(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    outcome: str = "denied",
    client: str | None = None,
) -> None:
    """Record a refused access and commit it at once: the request itself writes nothing else."""
    session.rollback()
    record(
        session,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        client=client,
    )
    session.commit()


def record_read(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    object_ids: Sequence[int] | None = None,
    client: str | None = None,
) -> None:
    """Record a read and return once the record is committed.

    A read showing several records at once (a mentor's inbox) passes their `object_ids`: one
    row per record shown, so each person's accounting of accesses holds it; with an empty
    list, one row without an object. The read's own transaction is committed first (it
    wrote nothing, or only what it committed on its own, such as overdue requests it
    expired). In the app the rows are then group-committed with the reads of concurrent
    requests (`ReadAudit`); elsewhere they are added and committed in this session.
    """
    ids: Sequence[int | None] = [object_id] if object_ids is None else (object_ids or [None])
    rows = [_row(actor, action, object_type, i, "ok", client) for i in ids]
    reads: ReadAudit | None = session.info.get(READS)
    if reads is None:
        session.add_all(AuditEvent(**row) for row in rows)
        session.commit()
        return
    session.commit()
    at = utcnow()
    reads.write(session, [{"at": at, **row} for row in rows])


class AuditNotWritten(RuntimeError):
    """A read's audit row could not be committed: the read must not be answered."""


class _Ticket:
    __slots__ = ("done", "error", "rows")

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.done = False
        self.error: BaseException | None = None


class ReadAudit:
    """Group commit for the audit rows of reads: one transaction for concurrent requests.

    Every read (a profile, a queue page, suggestions…) is audited, and its row must be
    committed before the answer leaves. Committed one by one, each read was a write
    transaction of its own — on SQLite a turn at the database's one write lock, taken
    between intakes — and an ORM flush. Here each caller queues its rows and waits; one
    of the waiting callers (the leader) inserts every queued row in one statement and
    commits, then wakes the others; rows queued meanwhile go in the next batch. Nobody
    returns before their own rows are committed; if the commit fails, every caller in the
    batch raises `AuditNotWritten` and the read fails with it.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queued: list[_Ticket] = []
        self._writing = False

    def write(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Queue one read's audit rows and return once they are committed.

        `session` is the caller's, with nothing uncommitted: if the caller leads the
        batch, it writes through it (no second connection, no second pool check-out).
        """
        ticket = _Ticket(rows)
        batch: list[_Ticket] = []
        with self._cond:
            self._queued.append(ticket)
            while not ticket.done and self._writing:
                self._cond.wait()
            if not ticket.done:  # nobody is writing: lead the next batch
                self._writing = True
                batch, self._queued = self._queued, []
        if batch:
            self._commit(session, batch)
        if ticket.error is not None:
            raise AuditNotWritten("the audit trail could not be written") from ticket.error

    def _commit(self, session: Session, batch: list[_Ticket]) -> None:
        error: BaseException | None = None
        try:
            session.execute(_INSERT, [row for t in batch for row in t.rows])
            session.commit()
        except BaseException as exc:  # every waiting read fails with it, then re-raised
            session.rollback()
            error = exc
        with self._cond:
            for t in batch:
                t.done, t.error = True, error
            self._writing = False
            self._cond.notify_all()
