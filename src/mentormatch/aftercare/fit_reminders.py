"""The fit check by email: when a pairing's fit check comes due (`fit.due`), its mentor and
its newcomer are each sent one message asking them to answer (a link, nothing else),
unless they already have. One `Nudge` of kind `fit_check_reminder` per pairing (named by
the day it began) makes `mentormatch pairings fit-checks` (cron-able) send nothing twice.
The question is asked on the pages whether or not the message goes out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.aftercare import contacts, fit
from mentormatch.aftercare.models import FitCheck, Nudge, NudgeKind
from mentormatch.aftercare.quiet import record_nudge
from mentormatch.config import Settings
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings import locking, outbox
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.outbox import MessageKind
from mentormatch.programs import settings as program_settings

KIND = NudgeKind.fit_check_reminder


def run(session: Session, *, settings: Settings, now: datetime) -> int:
    """Ask, by email, the people of each active pairing whose fit check is due and not yet
    answered; how many pairings were asked (commits)."""
    reminded = set(session.scalars(select(Nudge.pairing_id).where(Nudge.kind == KIND)))
    active = [
        p
        for p in session.scalars(
            select(Pairing).where(Pairing.status == PairingStatus.active).order_by(Pairing.id)
        )
        if p.id not in reminded
    ]
    began = contacts.began_on(session, [p.id for p in active])
    answered: dict[int, set[str]] = {}
    for pairing_id, side in session.execute(
        select(FitCheck.pairing_id, FitCheck.side).where(
            FitCheck.pairing_id.in_([p.id for p in active])
        )
    ):
        answered.setdefault(pairing_id, set()).add(side)
    asked = 0
    for pairing in active:
        sides = {"mentor", "newcomer"} - answered.get(pairing.id, set())
        if pairing.id not in began or not sides:
            continue
        if not fit.due(session, pairing=pairing, settings=settings, now=now):
            continue
        days = program_settings.of_program(session, pairing.program_id, settings).fit_check_days
        if not record_nudge(session, pairing, KIND, began[pairing.id], days, now):
            continue
        if "mentor" in sides:
            mentor = session.get(Mentor, pairing.mentor_id)
            _send(session, settings, pairing, MessageKind.fit_check_mentor,
                  locking.mentor_email(session, mentor) if mentor else None,
                  f"/mentor/pairings/{pairing.id}#fit")  # fmt: skip
        newcomer = session.get(Newcomer, pairing.newcomer_id)
        if "newcomer" in sides and newcomer is not None and newcomer.email:
            _send(session, settings, pairing, MessageKind.fit_check_newcomer, newcomer.email, "/",
                  language=newcomer.interface_language)  # fmt: skip
        asked += 1
    session.commit()
    return asked


def _send(session: Session, settings: Settings, pairing: Pairing, kind: MessageKind,
          recipient: str | None, path: str, language: str | None = None) -> None:  # fmt: skip
    outbox.enqueue(
        session,
        kind=kind,
        recipient=recipient,
        link=locking.link(settings, path),
        program_id=pairing.program_id,
        pairing_id=pairing.id,
        language=language,
    )
