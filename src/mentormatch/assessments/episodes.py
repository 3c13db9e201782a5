"""Episodes of care (issue 19): a newcomer who returns after their care ended starts a new
episode under the same person, with a new baseline.

"Returns" is a coordinator reopening the closed request (`PATCH /api/v1/newcomers/{id}`
with `status: waiting`, or "Start a new episode" on the newcomer's page): the reopening is
recorded as an `Episode` (numbered from 2; the intake began the first) with the day the
previous episode's care ended, and the newcomer waits in the queue from that moment. The
follow-up windows (`followups.py`) restart from the episode's first day; each earlier
episode keeps its own windows, closeout included, and every questionnaire stays under the
same person, counted in the episode it was taken in.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.assessments.models import Episode
from mentormatch.audit import service as audit
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import Pairing, PairingEvent

STARTED = "new_episode"
# (number, first day, the day its care ended or None while it runs)
Span = tuple[int, date, date | None]


def care_ended_on(last_pairing_end: datetime | None, since: date, changed: datetime) -> date:
    """The day an episode's care ended, for a closed request: its latest pairing's end or
    withdrawal within the episode, else the record's last change."""
    if last_pairing_end is not None and last_pairing_end.date() >= since:
        return last_pairing_end.date()
    return changed.date()


def last_pairing_ends(session: Session, newcomer_ids: list[int]) -> dict[int, datetime]:
    """Each newcomer's latest pairing end or withdrawal."""
    return dict(
        session.execute(
            select(Pairing.newcomer_id, func.max(PairingEvent.at))
            .join(PairingEvent, PairingEvent.pairing_id == Pairing.id)
            .where(
                Pairing.newcomer_id.in_(newcomer_ids),
                PairingEvent.to_status.in_(("ended", "withdrawn")),
            )
            .group_by(Pairing.newcomer_id)
        ).all()
    )


def of_newcomers(session: Session, newcomer_ids: list[int]) -> dict[int, list[Episode]]:
    """Each newcomer's later episodes, oldest first."""
    found: dict[int, list[Episode]] = {}
    for row in session.scalars(
        select(Episode).where(Episode.newcomer_id.in_(newcomer_ids)).order_by(Episode.number)
    ):
        found.setdefault(row.newcomer_id, []).append(row)
    return found


def spans(intake: date, later: list[Episode]) -> list[Span]:
    """Every episode of one newcomer, oldest first; the last one's end is left to the caller."""
    starts = [(1, intake), *((e.number, e.started_at.date()) for e in later)]
    ends: list[date | None] = [e.previous_ended_on for e in later] + [None]
    return [(number, start, end) for (number, start), end in zip(starts, ends, strict=True)]


def number_on(spans_of: list[Span], day: date) -> int:
    """The episode a day falls in (the intake's before any later one began)."""
    return max((number for number, first, _ in spans_of if first <= day), default=1)


def start(session: Session, *, actor: Principal, newcomer: Newcomer, now: datetime) -> Episode:
    """Record a closed request's reopening as a new episode (the caller moves the newcomer
    back to the queue and commits)."""
    assert newcomer.status is NewcomerStatus.closed
    earlier = of_newcomers(session, [newcomer.id]).get(newcomer.id, [])
    since = earlier[-1].started_at.date() if earlier else newcomer.created_at.date()
    ended = care_ended_on(
        last_pairing_ends(session, [newcomer.id]).get(newcomer.id), since, newcomer.updated_at
    )
    episode = Episode(
        newcomer_id=newcomer.id, program_id=newcomer.program_id, number=len(earlier) + 2,
        started_at=now, previous_ended_on=ended, started_by=actor.user_id,
    )  # fmt: skip
    session.add(episode)
    audit.record(
        session, actor=actor, action=STARTED, object_type="newcomer", object_id=newcomer.id
    )
    return episode
