"""Follow-up windows (issue 19): when a newcomer's questionnaires are due, and whether they
were taken in time. One definition, parameterised by each program's follow-up settings
(`programs/settings.py`: `followup_*`), read by the coordinator's follow-ups page, the
funder's report, the reminders and the outcomes dashboard.

The defaults are the SAMHSA client-outcome schedule (docs/assessments.md), counted in days
from the start of an episode (the intake; or the day a closed request was reopened, which
starts a new episode and a new baseline under the same person):

- baseline: from the start to `followup_baseline_days` (30) after;
- the follow-up: `followup_day` (180) after, give or take `followup_tolerance_days` (30);
- every year: 365, 730… days after, give or take `followup_yearly_tolerance_days` (30);
- closeout: up to `followup_closeout_days` (30) after the episode's care ended (its request
  closed: the day its latest pairing ended or was withdrawn, else the record's last change).

Each kind of window has its own questionnaires (`followup_baseline_instruments`,
`followup_day_instruments`, `followup_yearly_instruments`, `followup_closeout_instruments`;
BARC-10 at each by default); a kind with none is not followed up and never shown.
A window is **done** when each of its questionnaires was taken inside it;
**due soon** in the 14 days before it opens; **due** while it is open and not done;
**overdue** once past its middle (the follow-up's or the year's own day) and still open;
**missed** once it has closed without them; windows further ahead are not shown. The
follow-up rate is the share of the windows that have closed which were done: what a
funder's target (`followup_target_percent`, 80 %) counts.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.assessments import episodes as episode_rows
from mentormatch.assessments.models import Assessment, Instrument
from mentormatch.config import Settings
from mentormatch.i18n import said, said_n
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.programs import settings as program_settings
from mentormatch.programs.settings import ProgramSettings

SOON = timedelta(days=14)
# The kinds of window, and the program setting naming the questionnaires due at each.
BASELINE, FOLLOW_UP, YEARLY, CLOSEOUT = "baseline", "follow_up", "yearly", "closeout"
KINDS = (BASELINE, FOLLOW_UP, YEARLY, CLOSEOUT)
_DEFAULT_DUE = dict.fromkeys(KINDS, ("barc10",))


class Standing(enum.StrEnum):
    done = "done"
    due = "due"
    due_soon = "due_soon"
    overdue = "overdue"
    missed = "missed"


@dataclass(frozen=True)
class Schedule:
    """A program's follow-up settings (the defaults: SAMHSA's schedule and target)."""

    due: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(_DEFAULT_DUE))
    baseline_days: int = 30
    day: int = 180
    tolerance_days: int = 30
    yearly_tolerance_days: int = 30
    closeout_days: int = 30
    target_percent: int = 80

    @classmethod
    def of(cls, chosen: ProgramSettings) -> Schedule:
        return cls(
            due={
                kind: tuple(getattr(chosen, name))
                for kind, name in zip(KINDS, program_settings.FOLLOWUP_INSTRUMENTS, strict=True)
            },
            baseline_days=chosen.followup_baseline_days,
            day=chosen.followup_day,
            tolerance_days=chosen.followup_tolerance_days,
            yearly_tolerance_days=chosen.followup_yearly_tolerance_days,
            closeout_days=chosen.followup_closeout_days,
            target_percent=chosen.followup_target_percent,
        )

    @property
    def followup_name(self) -> str:
        """`6 months` for day 180, `3 months` for 90, else `day 200` (words a page
        translates; the report and the reminders keep the English)."""
        months, rest = divmod(self.day, 30)
        if rest:
            return said("day %(day)s", day=self.day)
        return said_n("%(count)s month", "%(count)s months", months)


@dataclass(frozen=True)
class Window:
    name: str  # "baseline", "6 months", "1 year", "closeout" (i18n.Words: shown translated)
    opens: date
    closes: date
    episode: int = 1
    kind: str = BASELINE  # one of KINDS

    @property
    def middle(self) -> date:
        return self.opens + (self.closes - self.opens) / 2


@dataclass(frozen=True)
class Followup:
    window: Window
    standing: Standing
    taken_on: date | None  # the day the last of its questionnaires was taken, when done


def windows(
    start: date, today: date, closed: date | None, schedule: Schedule | None = None,
    episode: int = 1,
) -> list[Window]:  # fmt: skip
    """Every window of an episode that has opened or opens within `SOON` of `today` (and the
    closeout, if its care ended), in order. Nothing falls due after the closeout."""
    s = schedule or Schedule()
    found = [Window(said("baseline"), start, start + timedelta(days=s.baseline_days), episode)]
    middle = start + timedelta(days=s.day)
    tolerance = timedelta(days=s.tolerance_days)
    found.append(
        Window(s.followup_name, middle - tolerance, middle + tolerance, episode, FOLLOW_UP)
    )
    yearly = timedelta(days=s.yearly_tolerance_days)
    year = 1
    while start + timedelta(days=365 * year) - yearly <= today + SOON:
        mark = start + timedelta(days=365 * year)
        name = said_n("%(count)s year", "%(count)s years", year)
        found.append(Window(name, mark - yearly, mark + yearly, episode, YEARLY))
        year += 1
    if closed is not None:
        found = [w for w in found if w.opens <= closed]
        ends = closed + timedelta(days=s.closeout_days)
        found.append(Window(said("closeout"), closed, ends, episode, CLOSEOUT))
    return [w for w in found if w.opens <= today + SOON and s.due.get(w.kind)]


def standing_of(
    window: Window, taken: Iterable[tuple[str, date]], today: date,
    instruments: Iterable[str] = ("barc10",),
) -> Followup:  # fmt: skip
    """Done once every questionnaire due was taken inside the window; else by the day."""
    firsts: dict[str, date] = {}
    for code, day in sorted(taken, key=lambda t: t[1]):
        if window.opens <= day <= window.closes:
            firsts.setdefault(code, day)
    needed = list(instruments)
    if needed and all(code in firsts for code in needed):
        return Followup(window, Standing.done, max(firsts[code] for code in needed))
    if today > window.closes:
        return Followup(window, Standing.missed, None)
    if today > window.middle:
        return Followup(window, Standing.overdue, None)
    if today >= window.opens:
        return Followup(window, Standing.due, None)
    return Followup(window, Standing.due_soon, None)


def followups(
    start: date, taken: list[tuple[str, date]], today: date, closed: date | None,
    schedule: Schedule | None = None, episode: int = 1,
) -> list[Followup]:  # fmt: skip
    """Each window of one episode with its standing, in order."""
    s = schedule or Schedule()
    return [
        standing_of(w, taken, today, s.due[w.kind])
        for w in windows(start, today, closed, s, episode)
    ]


def within(day: date, since: date | None, until: date | None) -> bool:
    """Whether a day falls in a period (either end open)."""
    return (since is None or day >= since) and (until is None or day <= until)


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
    # each episode's (number, first day, care ended on or None while it runs), oldest first
    episodes: list[tuple[int, date, date | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Rate:
    """A program's follow-up rate over the windows that have closed, against its target."""

    program: Any  # programs.models.Program
    done: int
    closed: int
    target_percent: int

    @property
    def share(self) -> int | None:
        """Percent done (rounded); none while no window has closed."""
        return round(100 * self.done / self.closed) if self.closed else None


def rates(
    people: list[Person], programs: list[Any], plans: dict[int, Schedule], *,
    since: date | None = None, until: date | None = None,
) -> list[Rate]:  # fmt: skip
    """Each program's rate, over the windows opening from `since` to `until`."""
    found = []
    for p in programs:
        done, closed = rate(
            f
            for person in people
            if person.program_id == p.id
            for f in person.followups
            if within(f.window.opens, since, until)
        )
        found.append(Rate(p, done, closed, plans[p.id].target_percent))
    return found


def schedules(session: Session, program_ids: list[int], settings: Settings) -> dict[int, Schedule]:
    """Each program's follow-up schedule, read from its settings now."""
    return {
        pid: Schedule.of(program_settings.of_program(session, pid, settings)) for pid in program_ids
    }


def of_programs(session: Session, plans: dict[int, Schedule], today: date) -> list[Person]:
    """Every newcomer of the programs `plans` holds (`schedules`) who finished their intake,
    with their windows (of every episode, oldest first)."""
    program_ids = list(plans)
    people = session.execute(
        select(Newcomer.id, Newcomer.program_id, Newcomer.first_name, Newcomer.reference,
               Newcomer.external_id, Newcomer.created_at, Newcomer.status, Newcomer.updated_at)
        .where(Newcomer.program_id.in_(program_ids), Newcomer.minimal.is_(False))
        .order_by(Newcomer.id)
    ).all()  # fmt: skip
    ids = [row[0] for row in people]
    taken: dict[int, list[tuple[str, date]]] = {}
    for newcomer_id, code, at in session.execute(
        select(Assessment.newcomer_id, Instrument.code, Assessment.taken_at)
        .join(Instrument, Instrument.id == Assessment.instrument_id)
        .where(Assessment.newcomer_id.in_(ids))
    ):
        taken.setdefault(newcomer_id, []).append((code, at.date()))
    ended = episode_rows.last_pairing_ends(session, ids)
    later = episode_rows.of_newcomers(session, ids)
    found = []
    for newcomer_id, program_id, first_name, reference, external_id, created_at, status, \
            updated_at in people:  # fmt: skip
        spans = episode_rows.spans(created_at.date(), later.get(newcomer_id, []))
        number, last_start, _ = spans[-1]
        if status is NewcomerStatus.closed:
            closed = episode_rows.care_ended_on(ended.get(newcomer_id), last_start, updated_at)
            spans[-1] = (number, last_start, closed)
        windows_of: list[Followup] = []
        own = taken.get(newcomer_id, [])
        for i, (number, start, care_ended) in enumerate(spans):
            until = spans[i + 1][1] if i + 1 < len(spans) else None
            inside = [(c, d) for c, d in own if d >= start and (until is None or d < until)]
            windows_of += followups(start, inside, today, care_ended, plans[program_id], number)
        found.append(
            Person(newcomer_id, program_id, first_name, reference, external_id, windows_of, spans)
        )
    return found
