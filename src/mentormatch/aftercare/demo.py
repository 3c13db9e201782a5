"""Demo pairings after acceptance, so a new user sees a pairing's life at once.

In each demo program the first mentor (the one `mentormatch demo` prints) is paired with
a waiting newcomer about six weeks ago, has logged a contact most weeks since, and both
have called it a good fit; the next mentor was paired a month ago and has logged none, so
the quiet-pairing job has reminded them and put the pairing in front of the coordinator;
the third was paired seven months ago, met every few weeks, and the pairing has graduated
at the end of the program's six months. Each pair shares a language and a way to meet and
respects both gender preferences.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.aftercare import graduation, quiet
from mentormatch.aftercare.models import Contact, ContactMode, FitAnswer, FitCheck
from mentormatch.config import Settings
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus

# Days after acceptance on which the first demo mentor logged a contact, and how.
CONTACTS = (
    (2, ContactMode.phone, 20, "First call: talked about what a mentor is and is not."),
    (6, ContactMode.in_person, 60, None),
    (13, ContactMode.video, 30, None),
    (19, ContactMode.text, 5, None),
    (22, ContactMode.phone, 30, "Rough week at work; we agreed to talk again on Sunday."),
    (28, ContactMode.in_person, 90, None),
    (35, ContactMode.video, 30, None),
)
CONTACTED_DAYS_AGO = 42
QUIET_DAYS_AGO = 30
GRADUATED_DAYS_AGO = 200
# The graduated pairing: a call every three weeks or so, until its planned end.
GRADUATED_CONTACTS = tuple((after, ContactMode.phone, 30, None) for after in range(3, 180, 21))


def _suits(mentor: Mentor, newcomer: Newcomer) -> bool:
    """A shared language and way to meet; each one's gender preference respected."""
    return (
        bool(set(mentor.languages) & set(newcomer.languages))
        and bool(set(mentor.meeting_modes) & set(newcomer.meeting_modes))
        and (not mentor.mentee_genders or newcomer.gender in mentor.mentee_genders)
        and (not newcomer.gender_pref or mentor.gender in newcomer.gender_pref)
    )


def _pair(session: Session, mentor: Mentor, newcomer: Newcomer, accepted: datetime) -> Pairing:
    asked = accepted - timedelta(days=1)
    pairing = Pairing(
        program_id=mentor.program_id,
        newcomer_id=newcomer.id,
        mentor_id=mentor.id,
        status=PairingStatus.active,
        created_at=asked,
        updated_at=accepted,
        expires_at=asked + timedelta(days=3),
    )
    pairing.events.extend(
        [
            PairingEvent(to_status="approved", actor_role="coordinator", reason="demo", at=asked),
            PairingEvent(
                from_status="approved",
                to_status="active",
                actor_role="mentor",
                actor_id=mentor.user_id,
                reason="accepted",
                at=accepted,
            ),
        ]
    )
    newcomer.status = NewcomerStatus.paired
    session.add(pairing)
    session.flush()
    return pairing


def seed(session: Session, *, settings: Settings, now: datetime) -> int:
    """Pair the first three mentors of each program (one with contacts, one quiet, one that
    graduates), run the quiet-pairing and graduation jobs as of `now`; commits. Returns how
    many pairings were made."""
    made = 0
    program_ids = session.scalars(select(Mentor.program_id).distinct()).all()
    for program_id in sorted(program_ids):
        mentors = session.scalars(
            select(Mentor)
            .where(Mentor.program_id == program_id, Mentor.active, Mentor.vetted)
            .order_by(Mentor.user_id)
        ).all()[:3]
        waiting = session.scalars(
            select(Newcomer)
            .where(
                Newcomer.program_id == program_id,
                Newcomer.status == NewcomerStatus.waiting,
                Newcomer.minimal.is_(False),
            )
            .order_by(Newcomer.id)
        ).all()
        taken: set[int] = set()
        ages = (CONTACTED_DAYS_AGO, QUIET_DAYS_AGO, GRADUATED_DAYS_AGO)
        for mentor, days_ago in zip(mentors, ages, strict=False):
            newcomer = next((n for n in waiting if n.id not in taken and _suits(mentor, n)), None)
            if newcomer is None or mentor.capacity < 1:
                continue
            taken.add(newcomer.id)
            accepted = now - timedelta(days=days_ago)
            pairing = _pair(session, mentor, newcomer, accepted)
            made += 1
            if days_ago == QUIET_DAYS_AGO:
                continue
            contacts = CONTACTS if days_ago == CONTACTED_DAYS_AGO else GRADUATED_CONTACTS
            zone = ZoneInfo(mentor.timezone)
            session.add_all(
                Contact(
                    pairing_id=pairing.id,
                    program_id=program_id,
                    logged_by=mentor.user_id,
                    contacted_on=(accepted + timedelta(days=after)).astimezone(zone).date(),
                    mode=mode,
                    minutes=minutes,
                    note=note,
                    created_at=accepted + timedelta(days=after),
                )
                for after, mode, minutes, note in contacts
            )
            first_call = accepted + timedelta(days=contacts[0][0])
            session.add_all(
                FitCheck(
                    pairing_id=pairing.id,
                    program_id=program_id,
                    side=side,
                    answer=FitAnswer.good_fit,
                    answered_at=first_call,
                )
                for side in ("mentor", "newcomer")
            )
    session.commit()
    graduation.run(session, settings=settings, now=now)
    quiet.run(session, settings=settings, now=now)
    return made
