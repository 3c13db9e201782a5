"""Starting again: a newcomer sets a new recovery start date after a return to use.

A return to use is part of many people's recovery; the page says so without judging. The new
date counts from then on: milestones start again from it, and a mentor who may see the next
milestone sees it from the new date, never that there was an earlier one. The dates it
replaces are kept for the newcomer alone: on their status page and in their export, never on
a mentor's page, never in matching. The change is recorded in the audit trail as a change to
the record ("update"), as a correction of one's answers is, so the trail does not single out
a return to use either.

A date that is not later than the current one is a correction, not a new start: the status
page's "Correct my answers" changes it (and keeps nothing).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.aftercare.models import EarlierRecoveryDate
from mentormatch.audit import service as audit
from mentormatch.errors import Conflict
from mentormatch.i18n import said
from mentormatch.pairings import locking


def start_again(
    session: Session, *, actor: Principal, started_on: date, now: datetime
) -> list[EarlierRecoveryDate]:
    """Set the newcomer's new start, keeping the one it replaces; their earlier dates, newest
    first. 409 naming `started_on` for a date not after the current one (the record's
    state decides it, not the date alone). The caller commits."""
    newcomer = locking.lock_newcomer(session, actor.newcomer_id or 0)
    current = newcomer.recovery_start
    if current is not None and started_on <= current:
        raise Conflict(
            said(
                "started_on: a new start comes after your current date (%(current)s); to "
                "correct that date, use 'Correct my answers'",
                current=current.isoformat(),
            ),
            field="started_on",
        )
    if current is not None:
        session.add(
            EarlierRecoveryDate(newcomer_id=newcomer.id, started_on=current, replaced_at=now)
        )
    newcomer.recovery_start = started_on
    audit.record(
        session, actor=actor, action="update", object_type="newcomer", object_id=newcomer.id
    )
    session.flush()
    return earlier(session, newcomer.id)


def earlier(session: Session, newcomer_id: int) -> list[EarlierRecoveryDate]:
    """The newcomer's replaced start dates, newest first (for them alone)."""
    return list(
        session.scalars(
            select(EarlierRecoveryDate)
            .where(EarlierRecoveryDate.newcomer_id == newcomer_id)
            .order_by(EarlierRecoveryDate.id.desc())
        )
    )
