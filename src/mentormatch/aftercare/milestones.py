"""Recovery milestones: the days a person's recovery time is celebrated, counted from their
recovery start date (issue 15). One definition, read by the newcomer's status page and
the mentor's own pages.

24 hours, 30, 60 and 90 days, 6 and 9 months, 1 year, 18 months, then every year. Months
and years are calendar ones: a start on 31 August reaches 6 months on 28 (or 29) February,
the month's last day, as people count them.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from mentormatch.i18n import N_, said_n

# (words, days) and (words, months) before the yearly ones, in order.
_BY_DAYS = ((N_("24 hours"), 1), (N_("30 days"), 30), (N_("60 days"), 60), (N_("90 days"), 90))
_BY_MONTHS = ((N_("6 months"), 6), (N_("9 months"), 9), (N_("1 year"), 12), (N_("18 months"), 18))


@dataclass(frozen=True)
class Milestone:
    words: str  # "90 days", "2 years"
    on: date
    years: int = 0  # the yearly ones from 2 years on (their words in another language)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def schedule(start: date) -> Iterator[Milestone]:
    """Every milestone from `start`, in order, without end."""
    for words, days in _BY_DAYS:
        yield Milestone(words, start + timedelta(days=days))
    for words, months in _BY_MONTHS:
        yield Milestone(words, add_months(start, months))
    for years in count(2):
        words = said_n("%(num)d year", "%(num)d years", years, num=years)
        yield Milestone(words, add_months(start, 12 * years), years)


@dataclass(frozen=True)
class Milestones:
    """Where someone stands on `today`: the last milestone reached (none in the first day)
    and the next one, with the days until it."""

    latest: Milestone | None
    next: Milestone
    days_to_next: int
    reached_today: bool


def standing(start: date, today: date) -> Milestones | None:
    """Milestones on `today` for a recovery that began on `start` (none before it began)."""
    if start > today:
        return None
    latest = None
    for milestone in schedule(start):
        if milestone.on > today:
            reached = latest is not None and latest.on == today
            return Milestones(latest, milestone, (milestone.on - today).days, reached)
        latest = milestone
    raise AssertionError("the schedule has no end")  # pragma: no cover


def standing_now(start: date | None, now: datetime, zone: str | None) -> Milestones | None:
    """Milestones on the person's own day (`zone`, else UTC) at `now`; none without a start."""
    if start is None:
        return None
    return standing(start, now.astimezone(ZoneInfo(zone or "UTC")).date())
