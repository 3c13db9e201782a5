"""Follow-up windows (issue 19): when a newcomer's questionnaire is due, and whether it was
taken in time. One definition, read by the coordinator's follow-ups page.

The windows are the SAMHSA client-outcome schedule (docs/assessments.md), counted in days
from the day the newcomer's record was made (their intake):

- baseline: from the intake to 30 days after;
- 6 months: 180 days after, give or take 30;
- every year: 365, 730… days after, give or take 30;
- closeout: up to 30 days after their care ended (their request closed: the day their
  latest pairing ended or was withdrawn, else the record's last change), when it has.

A window is **done** when a questionnaire was taken inside it; **due** while it is open and
not done; **due soon** in the 14 days before it opens; **missed** once it has closed without
one; windows further ahead are not shown. The follow-up rate is the share of the windows
that have closed which were done: what a funder's 80 % target counts.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.assessments.models import Assessment
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings.models import Pairing, PairingEvent

SOON = timedelta(days=14)
GRACE = timedelta(days=30)
TARGET_PERCENT = 80  # a SAMHSA grant's follow-up target


class Standing(enum.StrEnum):
    done = "done"
    due = "due"
    due_soon = "due_soon"
    missed = "missed"


@dataclass(frozen=True)
class Window:
    name: str  # "baseline", "6 months", "1 year", "closeout"
    opens: date
    closes: date


@dataclass(frozen=True)
class Followup:
    window: Window
    standing: Standing
    taken_on: date | None  # the questionnaire that made it done


def windows(intake: date, today: date, closed: date | None) -> list[Window]:
    """Every window that has opened or opens within `SOON` of `today` (and the closeout, if
    care ended), in order. Nothing falls due after the closeout."""
    end = closed + GRACE if closed is not None else None
    found = [Window("baseline", intake, intake + GRACE)]
    middle = intake + timedelta(days=180)
    found.append(Window("6 months", middle - GRACE, middle + GRACE))
    year = 1
    while intake + timedelta(days=365 * year) - GRACE <= today + SOON:
        mark = intake + timedelta(days=365 * year)
        found.append(Window(f"{year} year{'s' if year > 1 else ''}", mark - GRACE, mark + GRACE))
        year += 1
    if closed is not None:
        found = [w for w in found if w.opens <= closed]
        found.append(Window("closeout", closed, closed + GRACE))
    return [w for w in found if w.opens <= today + SOON and (end is None or w.opens <= end)]


def standing_of(window: Window, taken: Iterable[date], today: date) -> Followup:
    inside = sorted(d for d in taken if window.opens <= d <= window.closes)
    if inside:
        return Followup(window, Standing.done, inside[0])
    if today > window.closes:
        return Followup(window, Standing.missed, None)
    if today >= window.opens:
        return Followup(window, Standing.due, None)
    return Followup(window, Standing.due_soon, None)


def followups(intake: date, taken: list[date], today: date, closed: date | None) -> list[Followup]:
    """Each window of one newcomer with its standing, in order."""
    return [standing_of(w, taken, today) for w in windows(intake, today, closed)]


def rate(all_followups: Iterable[Followup]) -> tuple[int, int]:
    """(done, closed): the windows that have closed, and how many of them were done."""
    done = closed = 0
    for f in all_followups:
        if f.standing in (Standing.done, Standing.missed):
            closed += 1
            done += f.standing is Standing.done
    return done, closed


@dataclass(frozen=True)
class Person:
    newcomer_id: int
    program_id: int
    first_name: str
    reference: str
    external_id: str | None
    followups: list[Followup]


def of_programs(session: Session, program_ids: list[int], today: date) -> list[Person]:
    """Every newcomer of these programs who finished their intake, with their windows."""
    people = session.execute(
        select(Newcomer.id, Newcomer.program_id, Newcomer.first_name, Newcomer.reference,
               Newcomer.external_id, Newcomer.created_at, Newcomer.status, Newcomer.updated_at)
        .where(Newcomer.program_id.in_(program_ids), Newcomer.minimal.is_(False))
        .order_by(Newcomer.id)
    ).all()  # fmt: skip
    ids = [row[0] for row in people]
    taken: dict[int, list[date]] = {}
    for newcomer_id, at in session.execute(
        select(Assessment.newcomer_id, Assessment.taken_at).where(Assessment.newcomer_id.in_(ids))
    ):
        taken.setdefault(newcomer_id, []).append(at.date())
    ended = dict(
        session.execute(
            select(Pairing.newcomer_id, func.max(PairingEvent.at))
            .join(PairingEvent, PairingEvent.pairing_id == Pairing.id)
            .where(
                Pairing.newcomer_id.in_(ids),
                PairingEvent.to_status.in_(("ended", "withdrawn")),
            )
            .group_by(Pairing.newcomer_id)
        ).all()
    )
    found = []
    for newcomer_id, program_id, first_name, reference, external_id, created_at, status, \
            updated_at in people:  # fmt: skip
        closed = None
        if status is NewcomerStatus.closed:
            closed = (ended.get(newcomer_id) or updated_at).date()
        windows_of = followups(created_at.date(), taken.get(newcomer_id, []), today, closed)
        found.append(
            Person(newcomer_id, program_id, first_name, reference, external_id, windows_of)
        )
    return found
