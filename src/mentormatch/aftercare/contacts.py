"""Logging contacts and reading them back: who may, which days count, the recent rhythm.

A mentor logs a contact on their own active pairing; the day may be neither in the
future nor before the pairing began, both judged in the mentor's time zone (the day the
mentor lives in). The pairing's mentor and its program's coordinators list them (only
coordinators read the notes); the newcomer sees the rhythm — counts and dates — and
nothing else. Another program's or another mentor's pairing answers like a missing one.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.aftercare.models import Contact
from mentormatch.aftercare.schemas import ContactCreate, Rhythm, WeekCount
from mentormatch.audit import service as audit
from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.mentors.models import Mentor
from mentormatch.pairings import locking
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus

OBJECT = "pairing"
LOGGED = "contact_logged"
READ = "contacts"
# How many weeks the rhythm shows, the current one included.
WEEKS = 8


def accepted_at(session: Session, pairing_id: int) -> datetime | None:
    """When the mentor accepted the pairing (its latest move to active)."""
    return session.scalar(
        select(func.max(PairingEvent.at)).where(
            PairingEvent.pairing_id == pairing_id,
            PairingEvent.to_status == PairingStatus.active.value,
        )
    )


def began_on(session: Session, pairing_ids: list[int]) -> dict[int, date]:
    """The day each pairing began (its latest move to active), in its mentor's time zone;
    pairings never active are left out."""
    if not pairing_ids:
        return {}
    rows = session.execute(
        select(PairingEvent.pairing_id, func.max(PairingEvent.at), Mentor.timezone)
        .join(Pairing, Pairing.id == PairingEvent.pairing_id)
        .join(Mentor, Mentor.id == Pairing.mentor_id)
        .where(
            PairingEvent.pairing_id.in_(pairing_ids),
            PairingEvent.to_status == PairingStatus.active.value,
        )
        .group_by(PairingEvent.pairing_id, Mentor.timezone)
    )
    return {pid: at.astimezone(ZoneInfo(zone)).date() for pid, at, zone in rows}


def zone_of(session: Session, pairing: Pairing) -> ZoneInfo:
    """The time zone a pairing's days are counted in: its mentor's."""
    zone = session.scalar(select(Mentor.timezone).where(Mentor.id == pairing.mentor_id))
    return ZoneInfo(zone or "UTC")


def today_of(session: Session, pairing: Pairing, now: datetime) -> date:
    return now.astimezone(zone_of(session, pairing)).date()


def visible_pairing(session: Session, *, actor: Principal, pairing_id: int) -> Pairing:
    """The pairing if the actor may see it (its mentor once asked, its program's
    coordinators); otherwise 404 with the words of a missing one."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or locking.hidden_from(actor, pairing):
        raise NotFound(N_("no such pairing"))
    return pairing


def ensure_active(pairing: Pairing) -> None:
    """Conflict (409) naming the pairing's state unless it is active."""
    if pairing.status is not PairingStatus.active:
        raise Conflict(
            said(
                "pairing %(pairing_id)s is %(status)s; contacts are logged while it is active",
                pairing_id=pairing.id,
                status=pairing.status.value,
            ),
            field="status",
        )


def log_contact(
    session: Session, *, actor: Principal, pairing_id: int, body: ContactCreate, now: datetime
) -> Contact:
    """Record a contact on the mentor's active pairing (audited; commits)."""
    pairing = locking.lock_pairing(session, pairing_id, actor=actor)
    ensure_active(pairing)
    zone = zone_of(session, pairing)
    if body.contacted_on > now.astimezone(zone).date():
        raise Invalid(N_("contacted_on: the day cannot be in the future"), field="contacted_on")
    began = accepted_at(session, pairing.id)
    if began is not None and body.contacted_on < began.astimezone(zone).date():
        raise Invalid(
            said(
                "contacted_on: the day cannot be before the pairing began (%(day)s)",
                day=began.astimezone(zone).strftime("%d %b %Y"),
            ),
            field="contacted_on",
        )
    contact = Contact(
        pairing_id=pairing.id,
        program_id=pairing.program_id,
        logged_by=actor.user_id,
        contacted_on=body.contacted_on,
        mode=body.mode,
        minutes=body.minutes,
        note=body.note or None,
        created_at=now,
    )
    session.add(contact)
    session.flush()
    audit.record(session, actor=actor, action=LOGGED, object_type=OBJECT, object_id=pairing.id)
    session.commit()
    return contact


def recent(
    session: Session, *, pairing_id: int, limit: int, offset: int = 0
) -> tuple[list[Contact], int]:
    """A page of a pairing's contacts, latest day first, and how many there are."""
    mine = Contact.pairing_id == pairing_id
    total = session.scalar(select(func.count()).where(mine)) or 0
    rows = list(
        session.scalars(
            select(Contact)
            .where(mine)
            .order_by(Contact.contacted_on.desc(), Contact.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    return rows, total


def list_contacts(
    session: Session, *, actor: Principal, pairing_id: int, limit: int, offset: int
) -> tuple[Pairing, list[Contact], int]:
    """A page of the contacts of a pairing the actor may see, and their total (audited)."""
    pairing = visible_pairing(session, actor=actor, pairing_id=pairing_id)
    rows, total = recent(session, pairing_id=pairing.id, limit=limit, offset=offset)
    audit.record_read(session, actor=actor, action=READ, object_type=OBJECT, object_id=pairing.id)
    return pairing, rows, total


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rhythm(session: Session, *, pairing: Pairing, now: datetime, weeks: int = WEEKS) -> Rhythm:
    """Contacts per week over the last `weeks` weeks (this one included), counts and dates."""
    first = week_start(today_of(session, pairing, now)) - timedelta(weeks=weeks - 1)
    mine = Contact.pairing_id == pairing.id
    days = list(
        session.scalars(
            select(Contact.contacted_on)
            .where(mine, Contact.contacted_on >= first)
            .order_by(Contact.contacted_on.desc())
        )
    )
    total, last = session.execute(
        select(func.count(), func.max(Contact.contacted_on)).where(mine)
    ).one()
    per_week = Counter((day - first).days // 7 for day in days)
    return Rhythm(
        weeks=[
            WeekCount(week_of=first + timedelta(weeks=i), contacts=per_week[i])
            for i in range(weeks)
        ],
        in_window=len(days),
        total=total or 0,
        last_contact_on=last,
        dates=days,
    )


def newcomer_rhythm(session: Session, *, actor: Principal, now: datetime) -> Rhythm | None:
    """The rhythm of the newcomer's active pairing, or None without one."""
    if actor.role is not Role.newcomer:
        return None
    pairing = locking.open_pairing(
        session, actor.newcomer_id or 0, statuses=(PairingStatus.active,)
    )
    return None if pairing is None else rhythm(session, pairing=pairing, now=now)
