"""The follow-ups dashboard's outcome figures (issue 19): recovery capital at baseline and at
the follow-up, and its change by pairing status, for the programs and period chosen.
Totals only, and never a figure about fewer than `MIN_ANSWERS` people.

For each person's episode (`followups.of_programs`): their **baseline** BARC-10 total is the
first BARC-10 taken inside the episode's baseline window, their **follow-up** total the
first taken inside its follow-up window (180 days by default: the program's
`followup_day`). The **change** is follow-up minus baseline, for those with both. An
episode counts as **paired** when the newcomer's mentor had accepted (a pairing became
active) in the episode on or before the follow-up questionnaire, else as **waiting**. A
period keeps the questionnaires taken in it (for the change: the follow-up's).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.assessments.definitions import BARC10_CODE
from mentormatch.assessments.followups import Person, Schedule, Window, within
from mentormatch.assessments.models import Assessment, Instrument
from mentormatch.pairings.models import Pairing, PairingEvent

MIN_ANSWERS = 5  # below this, "not enough answers" instead of a number


@dataclass(frozen=True)
class Median:
    n: int
    value: float | None  # None when n < MIN_ANSWERS

    @classmethod
    def of(cls, values: list[int]) -> Median:
        n = len(values)
        return cls(n, float(statistics.median(values)) if n >= MIN_ANSWERS else None)


@dataclass(frozen=True)
class Figures:
    baseline: Median
    followup: Median
    change_paired: Median
    change_waiting: Median


def figures(
    session: Session, people: list[Person], plans: dict[int, Schedule], *,
    since: date | None, until: date | None,
) -> Figures:  # fmt: skip
    """The medians for these people (of the programs whose `plans` are given)."""
    ids = [p.newcomer_id for p in people]
    totals: dict[int, list[tuple[date, int]]] = {}
    for newcomer_id, at, total in session.execute(
        select(Assessment.newcomer_id, Assessment.taken_at, Assessment.total)
        .join(Instrument, Instrument.id == Assessment.instrument_id)
        .where(Assessment.newcomer_id.in_(ids), Instrument.code == BARC10_CODE)
        .order_by(Assessment.taken_at, Assessment.id)
    ):
        totals.setdefault(newcomer_id, []).append((at.date(), total))
    accepted: dict[int, list[date]] = {}
    for newcomer_id, at in session.execute(
        select(Pairing.newcomer_id, PairingEvent.at)
        .join(PairingEvent, PairingEvent.pairing_id == Pairing.id)
        .where(Pairing.newcomer_id.in_(ids), PairingEvent.to_status == "active")
    ):
        accepted.setdefault(newcomer_id, []).append(at.date())
    baseline: list[int] = []
    followup: list[int] = []
    change: dict[bool, list[int]] = {True: [], False: []}
    for person in people:
        name = plans[person.program_id].followup_name
        own = totals.get(person.newcomer_id, [])
        for number, start, _ended in person.episodes:
            windows = {f.window.name: f.window for f in person.followups
                       if f.window.episode == number}  # fmt: skip
            first = _first(own, windows.get("baseline"))
            later = _first(own, windows.get(name))
            if first is not None and within(first[0], since, until):
                baseline.append(first[1])
            if later is None or not within(later[0], since, until):
                continue
            followup.append(later[1])
            if first is not None:
                paired = any(start <= d <= later[0] for d in accepted.get(person.newcomer_id, []))
                change[paired].append(later[1] - first[1])
    return Figures(
        Median.of(baseline), Median.of(followup), Median.of(change[True]),
        Median.of(change[False]),
    )  # fmt: skip


def _first(taken: Iterable[tuple[date, int]], window: Window | None) -> tuple[date, int] | None:
    """The first (day, total) taken inside the window."""
    if window is None:
        return None
    return next(((d, t) for d, t in taken if window.opens <= d <= window.closes), None)
