"""Reminders of follow-up windows (issue 19), through the outbox.

Each newcomer with an email whose latest consent covers follow-up reminders
(`sharing.FOLLOWUP_REMINDERS`: given at intake, withdrawn by unticking it on the status page)
is sent, for each of their follow-up windows (`followups.py`, by their program's settings):
one message when the window is open and not yet done (`opened`), and once more when it is
overdue, past its middle, before it closes (`closing`). A window whose time has passed
while the job did not run gets only the message its standing calls for now. A message is a
link to `/status/questionnaire` in the newcomer's interface language, nothing else: no
window, no questionnaire, no health detail. One `FollowupReminder` row per newcomer,
episode, window and kind makes `mentormatch pairings follow-ups` (cron-able, daily) send
nothing twice; the rows go with the newcomer at erasure.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mentormatch.assessments import followups
from mentormatch.assessments.followups import Standing
from mentormatch.assessments.models import FollowupReminder
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.newcomers import sharing
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings import lifecycle, locking, outbox
from mentormatch.pairings.outbox import MessageKind
from mentormatch.programs.models import Program

SENT = "followup_reminder"
PATH = "/status/questionnaire"
KINDS = {Standing.due: ("opened", MessageKind.followup_due),
         Standing.overdue: ("closing", MessageKind.followup_closing)}  # fmt: skip


def run(session: Session, *, settings: Settings, now: datetime) -> int:
    """Send the reminders due on `now`'s day; how many were sent (commits)."""
    today = now.date()
    program_ids = list(session.scalars(select(Program.id).order_by(Program.id)))
    waiting = [
        (person, f)
        for person in followups.of_programs(
            session, followups.schedules(session, program_ids, settings), today
        )
        for f in person.followups
        if f.standing in KINDS
    ]
    ids = sorted({person.newcomer_id for person, _ in waiting})
    reachable = {
        n.id: n
        for n in session.scalars(
            select(Newcomer)
            .where(Newcomer.id.in_(ids), Newcomer.email.is_not(None))
            .options(selectinload(Newcomer.consents))
        )
        if sharing.consents_to(n, sharing.FOLLOWUP_REMINDERS)
    }
    sent = 0
    for person, f in waiting:
        newcomer = reachable.get(person.newcomer_id)
        if newcomer is None:
            continue
        kind, message = KINDS[f.standing]
        try:
            with session.begin_nested():
                session.add(
                    FollowupReminder(
                        newcomer_id=newcomer.id, program_id=newcomer.program_id,
                        episode=f.window.episode, window_name=f.window.name, kind=kind,
                        opens_on=f.window.opens,
                    )
                )  # fmt: skip
        except IntegrityError:
            continue  # sent already (an earlier or concurrent run)
        outbox.enqueue(
            session,
            kind=message,
            recipient=newcomer.email,
            link=locking.link(settings, PATH),
            program_id=newcomer.program_id,
            language=newcomer.interface_language,
        )
        audit.record(
            session, actor=lifecycle.SYSTEM, action=SENT, object_type="newcomer",
            object_id=newcomer.id,
        )  # fmt: skip
        sent += 1
    session.commit()
    return sent
