"""Requests the mentor did not answer: one reminder, expiry when due (per program:
`request_expiry_days`, `reminder_after_days`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.errors import Conflict
from mentormatch.i18n import said
from mentormatch.mentors.models import Mentor
from mentormatch.pairings import lifecycle, locking, outbox
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.outbox import MessageKind
from mentormatch.programs import settings as program_settings

S = PairingStatus
OBJECT = "pairing"


def expire_if_due(session: Session, pairing: Pairing, *, settings: Settings) -> None:
    """Expire an overdue request now and tell the caller it is gone (409)."""
    if pairing.status is S.approved and pairing.expires_at and pairing.expires_at <= utcnow():
        expire_due(session, settings=settings, pairing_ids=[pairing.id])
        raise Conflict(
            said(
                "pairing %(pairing_id)s is expired; it was not answered in time",
                pairing_id=pairing.id,
            )
        )


def expire_due(
    session: Session,
    *,
    settings: Settings,
    now: datetime | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> int:
    """Expire requests the mentor did not answer in time; returns how many (commits).

    A plain read looks for due requests first: the mentor's inbox and the coordinators'
    list call this on every read, and the locking read (on SQLite, the write lock) is
    needed only when something is due.
    """
    now = now or utcnow()
    is_due: list[ColumnElement[bool]] = [Pairing.status == S.approved, Pairing.expires_at <= now]
    if pairing_ids is not None:
        is_due.append(Pairing.id.in_(pairing_ids))
    if session.scalar(select(Pairing.id).where(*is_due).limit(1)) is None:
        return 0
    query = (
        select(Pairing)
        .where(*is_due)
        .order_by(Pairing.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    due = list(session.scalars(query))
    for pairing in due:
        newcomer = locking.lock_newcomer(session, pairing.newcomer_id)
        lifecycle.move(
            session,
            pairing=pairing,
            newcomer=newcomer,
            to=S.expired,
            actor=lifecycle.SYSTEM,
            reason="no_answer",
            at=now,
        )
        mentor = session.get(Mentor, pairing.mentor_id)
        outbox.enqueue(
            session,
            kind=MessageKind.pairing_expired,
            recipient=locking.mentor_email(session, mentor) if mentor else None,
            link=locking.link(settings, f"/mentor/pairings/{pairing.id}"),
            program_id=pairing.program_id,
            pairing_id=pairing.id,
        )
    if due:
        session.commit()
    return len(due)


def remind_due(session: Session, *, settings: Settings, now: datetime | None = None) -> int:
    """Remind mentors once, `reminder_after_days` after they were asked (their program's
    setting); returns how many."""
    now = now or utcnow()
    already = exists().where(
        outbox.OutboxMessage.pairing_id == Pairing.id,
        outbox.OutboxMessage.kind == MessageKind.mentor_reminder,
    )
    due = list(
        session.scalars(
            select(Pairing)
            .where(Pairing.status == S.approved, Pairing.expires_at > now, ~already)
            .order_by(Pairing.id)
        )
    )
    windows: dict[int, timedelta] = {}
    for program_id in {p.program_id for p in due}:
        rules = program_settings.of_program(session, program_id, settings)
        windows[program_id] = timedelta(days=rules.request_expiry_days - rules.reminder_after_days)
    due = [p for p in due if p.expires_at and p.expires_at <= now + windows[p.program_id]]
    for pairing in due:
        mentor = session.get(Mentor, pairing.mentor_id)
        outbox.enqueue(
            session,
            kind=MessageKind.mentor_reminder,
            recipient=locking.mentor_email(session, mentor) if mentor else None,
            link=locking.link(settings, f"/mentor/pairings/{pairing.id}"),
            program_id=pairing.program_id,
            pairing_id=pairing.id,
        )
    session.commit()
    return len(due)
