"""Ending as planned: a pairing graduates after the program's `pairing_months`.

A pairing's planned end is `pairing_months` calendar months after the day its mentor
accepted (in the mentor's time zone; a start on 31 August ends on the last day of
February, as with milestones). All three people see the date ahead of time: the newcomer
on their status page, the mentor on the pairing's page, coordinators on the newcomer's
page. On that day `mentormatch pairings graduate` (cron-able) ends it with reason
`completed`, as a coordinator's "Completed" does: the newcomer's request closes as done,
not back to the queue; the mentor's place frees; both get a congratulation through the
outbox (a link, nothing else). Running it twice graduates nothing twice: an ended pairing
is no longer active.

A program with `pairing_months` 0 sets no length: its pairings run until a coordinator
ends them. An early end (a coordinator's "Ended early", "Not a fit", a safety end, the
newcomer withdrawing) is never a graduation: the newcomer goes back to waiting, as before.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from mentormatch.aftercare import contacts
from mentormatch.aftercare.milestones import add_months
from mentormatch.config import Settings
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings import lifecycle, locking, outbox
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus
from mentormatch.pairings.outbox import MessageKind
from mentormatch.programs import settings as program_settings

NOTE = "graduated: the program's {months} months are over"


def planned_end(began: date, months: int) -> date | None:
    """The day a pairing that began on `began` graduates (none when `months` is 0)."""
    return add_months(began, months) if months else None


def planned_ends(session: Session, pairings: list[Pairing], settings: Settings) -> dict[int, date]:
    """Each active pairing's planned end, by id (none in a program without a set length)."""
    active = [p for p in pairings if p.status is PairingStatus.active]
    began = contacts.began_on(session, [p.id for p in active])
    months = {
        program_id: program_settings.of_program(session, program_id, settings).pairing_months
        for program_id in {p.program_id for p in active}
    }
    ends = {}
    for pairing in active:
        end = (
            planned_end(began[pairing.id], months[pairing.program_id])
            if pairing.id in began
            else None
        )
        if end is not None:
            ends[pairing.id] = end
    return ends


def planned_end_of(session: Session, pairing: Pairing, settings: Settings) -> date | None:
    return planned_ends(session, [pairing], settings).get(pairing.id)


def _graduations() -> Select[Any]:
    """When pairings ended as planned, newest first (narrowed by the caller)."""
    return (
        select(PairingEvent.at)
        .join(Pairing, Pairing.id == PairingEvent.pairing_id)
        .where(
            PairingEvent.to_status == PairingStatus.ended.value,
            PairingEvent.reason == lifecycle.COMPLETED,
        )
        .order_by(PairingEvent.id.desc())
        .limit(1)
    )


def graduated_on(session: Session, newcomer_id: int, zone: str | None) -> date | None:
    """The day the newcomer's latest pairing ended as planned, if it did (their own day)."""
    at = session.scalar(_graduations().where(Pairing.newcomer_id == newcomer_id))
    return at.astimezone(ZoneInfo(zone or "UTC")).date() if at is not None else None


def graduated(session: Session, pairing: Pairing) -> bool:
    """Whether this pairing ended as planned (completed), not early."""
    if pairing.status is not PairingStatus.ended:
        return False
    return session.scalar(_graduations().where(Pairing.id == pairing.id)) is not None


def _congratulate(
    session: Session, settings: Settings, pairing: Pairing, newcomer: Newcomer
) -> None:
    mentor = session.get(Mentor, pairing.mentor_id)
    for kind, recipient, path in (
        (MessageKind.mentor_graduated, locking.mentor_email(session, mentor) if mentor else None,
         f"/mentor/pairings/{pairing.id}"),
        (MessageKind.newcomer_graduated, newcomer.email, "/"),
    ):  # fmt: skip
        outbox.enqueue(
            session,
            kind=kind,
            recipient=recipient,
            link=locking.link(settings, path),
            program_id=pairing.program_id,
            pairing_id=pairing.id,
            # the newcomer's language; the mentor's account's (outbox.enqueue's default)
            language=newcomer.interface_language
            if kind is MessageKind.newcomer_graduated
            else None,
        )


def run(session: Session, *, settings: Settings, now: datetime) -> int:
    """Graduate every active pairing whose planned end has come (in its mentor's time zone);
    how many (commits)."""
    active = list(
        session.scalars(
            select(Pairing).where(Pairing.status == PairingStatus.active).order_by(Pairing.id)
        )
    )
    ends = planned_ends(session, active, settings)
    zones = dict(
        session.execute(
            select(Mentor.id, Mentor.timezone).where(
                Mentor.id.in_(list({p.mentor_id for p in active}))
            )
        ).all()
    )
    graduated = 0
    for pairing in active:
        end = ends.get(pairing.id)
        if end is None or now.astimezone(ZoneInfo(zones[pairing.mentor_id])).date() < end:
            continue
        locked = locking.lock_row(session, Pairing, pairing.id)
        if locked is None or locked.status is not PairingStatus.active:
            continue  # ended meanwhile
        newcomer = locking.lock_newcomer(session, locked.newcomer_id)
        months = program_settings.of_program(session, locked.program_id, settings).pairing_months
        lifecycle.move(
            session,
            pairing=locked,
            newcomer=newcomer,
            to=PairingStatus.ended,
            actor=lifecycle.SYSTEM,
            reason=lifecycle.COMPLETED,
            note=NOTE.format(months=months),
            at=now,
        )
        _congratulate(session, settings, locked, newcomer)
        session.commit()
        graduated += 1
    return graduated
