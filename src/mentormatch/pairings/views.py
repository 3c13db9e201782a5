"""What a mentor sees of a newcomer: one view, driven by the newcomer's consent.

Every mentor-facing answer (the API's mentor routes, the mentor's pages) is built here.
Without the intake's "a mentor who is asked may see my first name and the answers we
matched on" (consent scope `share_with_mentor`), a mentor sees nothing health-related —
only a reference instead of the name, the languages, meeting modes and hours in common,
and the request itself; with it, also the first name and the answers matched on. Contact
details follow their own consent (`share_contact`), once the mentor has accepted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from mentormatch.aftercare import milestones
from mentormatch.db import utcnow
from mentormatch.i18n import N_
from mentormatch.matching import schedule
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.newcomers.sharing import SHARE_MILESTONES, SHARE_WITH_MENTOR, consents_to
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.schemas import (
    MilestoneForMentor,
    NewcomerContact,
    NewcomerForMentor,
    PairingForMentor,
)
from mentormatch.profiles import hours_of_week
from mentormatch.vocabulary import FAMILY_OF

# The NewcomerForMentor fields that hold health-related answers: null without consent.
HEALTH_FIELDS = (
    "shared_substances",
    "shared_substance_families",
    "pathway",
    "pathways",
    "wanted_experience",
    "gender_pref",
)
REDISCLOSURE_NOTICE = (
    "This information has been disclosed to you from records protected by federal "
    "confidentiality rules (42 CFR part 2). You may not share it further without the "
    "written consent of the person it is about, or as otherwise permitted by those rules."
)

# What a mentor who is asked sees, in the newcomer's words: the intake form shows these
# next to the consent box (web/templates/newcomer/intake.html).
MENTOR_SEES_ALWAYS = (
    N_("the languages, ways of meeting and weekly hours you have in common"),
    N_("the request itself: when it was sent and by when to answer"),
)
MENTOR_SEES_WITH_CONSENT = (
    N_("your first name"),
    N_("the substances (and kinds of substance) you both have experience with"),
    N_("your recovery pathways"),
    N_("the lived experience you hope to share"),
    N_("the gender you asked your mentor to be"),
    *MENTOR_SEES_ALWAYS,
)
MENTOR_SEES_WITHOUT_CONSENT = (
    N_('"Newcomer" and a reference such as K7QX2MPA instead of your name'),
    *MENTOR_SEES_ALWAYS,
)


def shares_with_mentor(newcomer: Newcomer) -> bool:
    """Whether the newcomer agreed that a mentor who is asked may see their answers."""
    return consents_to(newcomer, SHARE_WITH_MENTOR)


def _answers(newcomer: Newcomer, mentor: Mentor) -> dict[str, Any]:
    """Everything a consenting newcomer shares: the overlap with this mentor."""
    start = schedule.week_start(utcnow())
    zone = newcomer.timezone or "UTC"  # always set: a minimal record is never paired
    a = schedule.encode([hours_of_week(newcomer.availability)], [zone], start)
    b = schedule.encode([hours_of_week(mentor.availability)], [mentor.timezone], start)
    hours = int(schedule.overlap_hours(a, b)[0])
    families = {FAMILY_OF.get(s, s) for s in newcomer.substances} & {
        FAMILY_OF.get(s, s) for s in mentor.substances
    }
    return {
        "shared_substances": [s for s in newcomer.substances if s in mentor.substances],
        "shared_substance_families": sorted(families),
        "pathway": newcomer.pathway,
        "pathways": list(newcomer.pathways),
        "schedule_overlap_hours": hours,
        "schedule_overlap": (
            schedule.describe(np.bitwise_and(a, b), mentor.timezone, start) if hours else ""
        ),
        "shared_languages": [x for x in newcomer.languages if x in mentor.languages],
        "shared_meeting_modes": [x for x in newcomer.meeting_modes if x in mentor.meeting_modes],
        "wanted_experience": list(newcomer.wanted_experience),
        "gender_pref": list(newcomer.gender_pref),
    }


def newcomer_for_mentor(pairing: Pairing, newcomer: Newcomer, mentor: Mentor) -> NewcomerForMentor:
    """The newcomer as this pairing's mentor may see them, as their consent allows."""
    answers = _answers(newcomer, mentor)
    shared = shares_with_mentor(newcomer)
    if not shared:
        answers.update(dict.fromkeys(HEALTH_FIELDS))
    name = newcomer.first_name if shared else f"Newcomer {pairing.reference}"
    return NewcomerForMentor(name=name, shares_answers=shared, **answers)


def next_milestone(newcomer: Newcomer, now: datetime) -> MilestoneForMentor | None:
    """The newcomer's next milestone (today's, on the day) if they agreed to share it."""
    if not consents_to(newcomer, SHARE_MILESTONES):
        return None
    standing = milestones.standing_now(newcomer.recovery_start, now, newcomer.timezone)
    if standing is None:
        return None
    if standing.reached_today and standing.latest is not None:
        return MilestoneForMentor(words=standing.latest.words, on=standing.latest.on, days_to_go=0)
    return MilestoneForMentor(
        words=standing.next.words, on=standing.next.on, days_to_go=standing.days_to_next
    )


def for_mentor(
    session: Session, *, pairing: Pairing, now: datetime | None = None
) -> PairingForMentor:
    """A request or pairing as its mentor sees it; contact and the next milestone only once
    active and if shared."""
    newcomer = session.get(Newcomer, pairing.newcomer_id)
    mentor = session.get(Mentor, pairing.mentor_id)
    assert newcomer is not None and mentor is not None
    contact = milestone = None
    if pairing.status is PairingStatus.active and newcomer.share_contact:
        contact = NewcomerContact(
            email=newcomer.email, phone=newcomer.phone, preferred_contact=newcomer.preferred_contact
        )
    if pairing.status is PairingStatus.active:
        milestone = next_milestone(newcomer, now or utcnow())
    return PairingForMentor(
        id=pairing.id,
        reference=pairing.reference,
        status=pairing.status,
        created_at=pairing.created_at,
        expires_at=pairing.expires_at,
        newcomer=newcomer_for_mentor(pairing, newcomer, mentor),
        contact=contact,
        next_milestone=milestone,
        redisclosure_notice=REDISCLOSURE_NOTICE,
    )
