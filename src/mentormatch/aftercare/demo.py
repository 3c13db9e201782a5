"""Demo pairings at every stage, so a new user sees a pairing's life at once.

In each demo program, the first mentors (the first is the one `mentormatch demo` prints)
are each paired with a waiting newcomer:

1. six weeks ago; a contact most weeks since; both called it a good fit;
2. a month ago; no contact logged, so the quiet-pairing job has reminded the mentor and
   put the pairing in front of the coordinator;
3. seven months ago; a call every three weeks; graduated at the end of the program's six
   months;
4. asked yesterday: the request waits for the mentor's answer;
5. three weeks ago; one contact, after which the mentor answered "not a fit": it waits for
   a coordinator's decision;
6. two months ago; ended early by a coordinator (no contact), the newcomer back in the
   queue with their waiting time.

Each pair shares a language and a way to meet and respects both gender preferences.
"""

from __future__ import annotations

from dataclasses import dataclass
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

# Days after acceptance on which a mentor logged a contact, and how.
CONTACTS = (
    (2, ContactMode.phone, 20, "First call: talked about what a mentor is and is not."),
    (6, ContactMode.in_person, 60, None),
    (13, ContactMode.video, 30, None),
    (19, ContactMode.text, 5, None),
    (22, ContactMode.phone, 30, "Rough week at work; we agreed to talk again on Sunday."),
    (28, ContactMode.in_person, 90, None),
    (35, ContactMode.video, 30, None),
)
Contacts = tuple[tuple[int, ContactMode, int, str | None], ...]


@dataclass(frozen=True)
class Stage:
    days_ago: int  # accepted (asked, for a request) this many days before `now`
    contacts: Contacts = ()
    fit: tuple[FitAnswer, FitAnswer] | None = None  # the mentor's, the newcomer's
    status: PairingStatus = PairingStatus.active
    end_reason: str | None = None


STAGES = (
    Stage(42, CONTACTS, (FitAnswer.good_fit, FitAnswer.good_fit)),
    Stage(30),
    Stage(
        200,
        tuple((after, ContactMode.phone, 30, None) for after in range(3, 180, 21)),
        (FitAnswer.good_fit, FitAnswer.good_fit),
    ),
    Stage(1, status=PairingStatus.approved),
    Stage(
        21,
        ((4, ContactMode.video, 15, "Hard to find a time that suits us both."),),
        (FitAnswer.not_a_fit, FitAnswer.not_sure),
    ),
    Stage(60, status=PairingStatus.ended, end_reason="no_contact"),
)


def _suits(mentor: Mentor, newcomer: Newcomer) -> bool:
    """A shared language and way to meet; each one's gender preference respected."""
    return (
        bool(set(mentor.languages) & set(newcomer.languages))
        and bool(set(mentor.meeting_modes) & set(newcomer.meeting_modes))
        and (not mentor.mentee_genders or newcomer.gender in mentor.mentee_genders)
        and (not newcomer.gender_pref or mentor.gender in newcomer.gender_pref)
    )


def _pair(session: Session, mentor: Mentor, newcomer: Newcomer, stage: Stage, now: datetime
          ) -> Pairing:  # fmt: skip
    accepted = now - timedelta(days=stage.days_ago)
    asked = accepted - timedelta(days=1)
    if stage.status is PairingStatus.approved:
        asked = accepted
    pairing = Pairing(
        program_id=mentor.program_id,
        newcomer_id=newcomer.id,
        mentor_id=mentor.id,
        status=stage.status,
        created_at=asked,
        updated_at=accepted,
        expires_at=asked + timedelta(days=3),
    )
    pairing.events.append(
        PairingEvent(to_status="approved", actor_role="coordinator", reason="demo", at=asked)
    )
    newcomer.status = NewcomerStatus.pending
    if stage.status is not PairingStatus.approved:
        pairing.events.append(
            PairingEvent(
                from_status="approved",
                to_status="active",
                actor_role="mentor",
                actor_id=mentor.user_id,
                reason="accepted",
                at=accepted,
            )
        )
        newcomer.status = NewcomerStatus.paired
    if stage.end_reason is not None:
        ended = accepted + timedelta(days=stage.days_ago // 2)
        pairing.events.append(
            PairingEvent(from_status="active", to_status="ended", actor_role="coordinator",
                         reason=stage.end_reason, note="Never managed to talk", at=ended)
        )  # fmt: skip
        pairing.updated_at = ended
        newcomer.status = NewcomerStatus.waiting
    session.add(pairing)
    session.flush()
    zone = ZoneInfo(mentor.timezone)
    session.add_all(
        Contact(
            pairing_id=pairing.id,
            program_id=pairing.program_id,
            logged_by=mentor.user_id,
            contacted_on=(accepted + timedelta(days=after)).astimezone(zone).date(),
            mode=mode,
            minutes=minutes,
            note=note,
            created_at=accepted + timedelta(days=after),
        )
        for after, mode, minutes, note in stage.contacts
    )
    if stage.fit is not None:
        first_call = accepted + timedelta(days=stage.contacts[0][0])
        session.add_all(
            FitCheck(
                pairing_id=pairing.id,
                program_id=pairing.program_id,
                side=side,
                answer=answer,
                answered_at=first_call,
            )
            for side, answer in zip(("mentor", "newcomer"), stage.fit, strict=True)
        )
    return pairing


def seed(session: Session, *, settings: Settings, now: datetime) -> int:
    """Pair the first mentors of each program, one at each of `STAGES`, then run the
    graduation and quiet-pairing jobs as of `now`; commits. Returns how many pairings were
    made."""
    made = 0
    program_ids = session.scalars(select(Mentor.program_id).distinct()).all()
    for program_id in sorted(program_ids):
        mentors = session.scalars(
            select(Mentor)
            .where(Mentor.program_id == program_id, Mentor.active, Mentor.vetted)
            .order_by(Mentor.user_id)
        ).all()[: len(STAGES)]
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
        for mentor, stage in zip(mentors, STAGES, strict=False):
            newcomer = next((n for n in waiting if n.id not in taken and _suits(mentor, n)), None)
            if newcomer is None or mentor.capacity < 1:
                continue
            taken.add(newcomer.id)
            _pair(session, mentor, newcomer, stage, now)
            made += 1
    session.commit()
    graduation.run(session, settings=settings, now=now)
    quiet.run(session, settings=settings, now=now)
    return made
