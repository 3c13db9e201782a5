"""The short note on a newcomer's milestone day, for those who asked for one.

A newcomer who ticked "send me a short note on my milestone days" (`sharing`) and gave an
email gets, on each milestone day (counted in their own time zone, from their current
recovery start), one message through the outbox: that there is something to celebrate on
their page, with the link, and nothing else: no milestone, no recovery, no health detail in
an email. Their status page says which milestone it is. A `MilestoneMessage` row per
newcomer and day makes `mentormatch pairings milestones` (cron-able, daily) send nothing
twice. Closed requests (withdrawn, completed) get none: the person has left the service.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mentormatch.aftercare import milestones
from mentormatch.aftercare.models import MilestoneMessage
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.newcomers import sharing
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import lifecycle, locking, outbox
from mentormatch.pairings.outbox import MessageKind

SENT = "milestone_message"


def run(session: Session, *, settings: Settings, now: datetime) -> int:
    """Send today's notes (each newcomer's own day); how many were sent (commits)."""
    candidates = session.scalars(
        select(Newcomer)
        .where(
            Newcomer.recovery_start.is_not(None),
            Newcomer.email.is_not(None),
            Newcomer.status != NewcomerStatus.closed,
        )
        .options(selectinload(Newcomer.consents))
        .order_by(Newcomer.id)
    ).all()
    sent = 0
    for newcomer in candidates:
        if not sharing.consents_to(newcomer, sharing.MILESTONE_MESSAGES):
            continue
        standing = milestones.standing_now(newcomer.recovery_start, now, newcomer.timezone)
        if standing is None or not standing.reached_today or standing.latest is None:
            continue
        reached = standing.latest
        try:
            with session.begin_nested():
                session.add(
                    MilestoneMessage(
                        newcomer_id=newcomer.id,
                        program_id=newcomer.program_id,
                        words=reached.words,
                        reached_on=reached.on,
                        at=now,
                    )
                )
        except IntegrityError:
            continue  # sent already (an earlier or concurrent run)
        outbox.enqueue(
            session,
            kind=MessageKind.milestone_reached,
            recipient=newcomer.email,
            link=locking.link(settings, "/"),
            program_id=newcomer.program_id,
        )
        audit.record(
            session, actor=lifecycle.SYSTEM, action=SENT, object_type="newcomer",
            object_id=newcomer.id,
        )  # fmt: skip
        sent += 1
    session.commit()
    return sent
