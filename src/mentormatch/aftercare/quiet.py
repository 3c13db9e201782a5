"""Quiet pairings: a reminder to the mentor, then the coordinators' attention.

An active pairing is quiet from the day of its latest logged contact, or from the day it
began when none is logged (days counted in the mentor's time zone). After the program's
`quiet_pairing_days` the mentor gets one reminder through the outbox (a link to the
pairing, nothing about the newcomer); after `quiet_escalation_days` more, the pairing
needs a coordinator (`pairings.attention`), until a contact after that day is logged.
Each reminder and escalation is a `Nudge` row for that silence (unique per pairing, kind
and first quiet day) and an audit record, so running the job twice sends nothing twice
and a pairing that goes quiet again later is reminded again. Runs from
`mentormatch pairings quiet` (cron-able).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mentormatch.aftercare import contacts
from mentormatch.aftercare.models import Contact, Nudge, NudgeKind
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.mentors.models import Mentor
from mentormatch.pairings import lifecycle, locking, outbox
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.outbox import MessageKind
from mentormatch.programs import settings as program_settings

OBJECT = "pairing"


@dataclass(frozen=True)
class Report:
    reminded: int
    escalated: int


def silences(session: Session, pairing_ids: list[int]) -> dict[int, date]:
    """The day each active pairing's current silence began: its latest contact, else the
    day it began (in its mentor's time zone)."""
    if not pairing_ids:
        return {}
    last = dict(
        session.execute(
            select(Contact.pairing_id, func.max(Contact.contacted_on))
            .where(Contact.pairing_id.in_(pairing_ids))
            .group_by(Contact.pairing_id)
        ).all()
    )
    since = {}
    for pairing_id, start in contacts.began_on(session, pairing_ids).items():
        contact = last.get(pairing_id)
        since[pairing_id] = max(start, contact) if contact else start
    return since


def record_nudge(session: Session, pairing: Pairing, kind: NudgeKind, since: date, days: int,
            now: datetime) -> bool:  # fmt: skip
    """Write the nudge unless this silence (or, for a fit check, this pairing's start)
    already has one (a concurrent run): whether new."""
    try:
        with session.begin_nested():
            session.add(
                Nudge(
                    pairing_id=pairing.id,
                    program_id=pairing.program_id,
                    kind=kind,
                    quiet_since=since,
                    after_days=days,
                    at=now,
                )
            )
    except IntegrityError:
        return False
    audit.record(
        session, actor=lifecycle.SYSTEM, action=kind.value, object_type=OBJECT, object_id=pairing.id
    )
    return True


def _remind(session: Session, settings: Settings, pairing: Pairing) -> None:
    """The mentor's reminder: a link to the pairing's page, nothing about the newcomer."""
    mentor = session.get(Mentor, pairing.mentor_id)
    outbox.enqueue(
        session,
        kind=MessageKind.quiet_reminder,
        recipient=locking.mentor_email(session, mentor) if mentor else None,
        link=locking.link(settings, f"/mentor/pairings/{pairing.id}#contacts"),
        program_id=pairing.program_id,
        pairing_id=pairing.id,
    )


def run(session: Session, *, settings: Settings, now: datetime) -> Report:
    """Remind the mentors of pairings quiet for `quiet_pairing_days`, escalate those quiet
    `quiet_escalation_days` longer; each once per silence (commits)."""
    active = list(
        session.scalars(
            select(Pairing).where(Pairing.status == PairingStatus.active).order_by(Pairing.id)
        )
    )
    since = silences(session, [p.id for p in active])
    done = {
        tuple(row)
        for row in session.execute(
            select(Nudge.pairing_id, Nudge.kind, Nudge.quiet_since).where(
                Nudge.pairing_id.in_(list(since))
            )
        )
    }
    rules = {
        program_id: program_settings.of_program(session, program_id, settings)
        for program_id in {p.program_id for p in active}
    }
    zones = dict(
        session.execute(
            select(Mentor.id, Mentor.timezone).where(
                Mentor.id.in_(list({p.mentor_id for p in active}))
            )
        ).all()
    )
    reminded = escalated = 0
    for pairing in active:
        if pairing.id not in since:
            continue
        quiet_since = since[pairing.id]
        today = now.astimezone(ZoneInfo(zones[pairing.mentor_id])).date()
        days = (today - quiet_since).days
        remind_after = rules[pairing.program_id].quiet_pairing_days
        escalate_after = remind_after + rules[pairing.program_id].quiet_escalation_days
        reminder = (pairing.id, NudgeKind.quiet_reminder, quiet_since)
        if (
            days >= remind_after
            and reminder not in done
            and record_nudge(
                session, pairing, NudgeKind.quiet_reminder, quiet_since, remind_after, now
            )
        ):
            _remind(session, settings, pairing)
            reminded += 1
        escalation = (pairing.id, NudgeKind.quiet_escalation, quiet_since)
        if days >= escalate_after and escalation not in done:
            kind = NudgeKind.quiet_escalation
            escalated += record_nudge(session, pairing, kind, quiet_since, escalate_after, now)
    session.commit()
    return Report(reminded=reminded, escalated=escalated)
