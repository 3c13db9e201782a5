"""Pairing outcomes per calendar month (UTC), for a program's coordinators and its funders:
how many pairings began and how many were still active 30 and 90 days on, how they ended
(as planned, or early and why), the first-meeting fit answers, the contacts logged and the
pairings that went quiet. Counts only: no person is named, so a report can leave the
service as a spreadsheet.

A pairing began when its mentor accepted (its event to `active`) and ended at its first
event out of `active`. "Active at 30 days" counts only pairings that began at least 30 days
ago (`reached_30`); a younger one is not yet a figure either way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.aftercare.milestones import add_months
from mentormatch.aftercare.models import Contact, FitCheck, Nudge, NudgeKind
from mentormatch.pairings.lifecycle import COMPLETED
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus

MAX_MONTHS = 60
RETENTION_DAYS = (30, 90)


@dataclass
class Month:
    """One calendar month's figures."""

    first_day: date
    began: int = 0
    reached: Counter[int] = field(default_factory=Counter)  # days -> pairings old enough
    still_active: Counter[int] = field(default_factory=Counter)  # days -> still active then
    completed: int = 0  # ended as planned
    ended_early: Counter[str] = field(default_factory=Counter)  # reason -> count
    fit: Counter[str] = field(default_factory=Counter)  # answer -> count
    contacts: int = 0
    pairings_in_touch: int = 0  # distinct pairings with a contact logged that month
    went_quiet: int = 0  # quiet pairings escalated to the coordinators that month

    @property
    def early_total(self) -> int:
        return sum(self.ended_early.values())

    def share_active(self, days: int) -> int | None:
        """Of the pairings begun this month and `days` old, the percentage still active
        then (rounded to a whole number); None while none is that old."""
        reached = self.reached[days]
        return round(100 * self.still_active[days] / reached) if reached else None


def months_ending(now: datetime, count: int) -> list[date]:
    """The first days of the `count` calendar months up to `now`'s, oldest first."""
    this = now.astimezone(UTC).date().replace(day=1)
    return [add_months(this, -back) for back in range(count - 1, -1, -1)]


def _month_of(at: datetime | date) -> date:
    day = at.astimezone(UTC).date() if isinstance(at, datetime) else at
    return day.replace(day=1)


def _start(first_day: date) -> datetime:
    return datetime(first_day.year, first_day.month, 1, tzinfo=UTC)


def report(session: Session, *, program_ids: list[int], now: datetime, months: int) -> list[Month]:
    """The figures of the last `months` calendar months (oldest first) for these programs."""
    firsts = months_ending(now, months)
    by_month = {first: Month(first) for first in firsts}
    since = _start(firsts[0])
    in_programs = Pairing.program_id.in_(program_ids)
    _beginnings(session, by_month, in_programs, since, now)
    _endings(session, by_month, in_programs, since)
    for answer, at in session.execute(
        select(FitCheck.answer, FitCheck.answered_at).where(
            FitCheck.program_id.in_(program_ids), FitCheck.answered_at >= since
        )
    ):
        if (month := by_month.get(_month_of(at))) is not None:
            month.fit[answer.value] += 1
    _contacts(session, by_month, program_ids, since)
    for (at,) in session.execute(
        select(Nudge.at).where(
            Nudge.program_id.in_(program_ids),
            Nudge.kind == NudgeKind.quiet_escalation,
            Nudge.at >= since,
        )
    ):
        if (month := by_month.get(_month_of(at))) is not None:
            month.went_quiet += 1
    return [by_month[first] for first in firsts]


def _first_event(session: Session, in_programs: object, which: object) -> dict:
    """Each pairing's first event matching `which` (programs chosen): id -> (at, reason)."""
    rows = session.execute(
        select(PairingEvent.pairing_id, PairingEvent.at, PairingEvent.reason)
        .join(Pairing, Pairing.id == PairingEvent.pairing_id)
        .where(in_programs, which)  # type: ignore[arg-type]
        .order_by(PairingEvent.id)
    )
    first: dict[int, tuple[datetime, str]] = {}
    for pairing_id, at, reason in rows:
        first.setdefault(pairing_id, (at, reason))
    return first


def _to(status: PairingStatus) -> object:
    return PairingEvent.to_status == status.value


# A pairing left `active`: ended, or withdrawn while active.
_LEFT_ACTIVE = PairingEvent.from_status == PairingStatus.active.value


def _beginnings(
    session: Session, by_month: dict[date, Month], in_programs: object, since: datetime,
    now: datetime,
) -> None:  # fmt: skip
    left = {i: at for i, (at, _) in _first_event(session, in_programs, _LEFT_ACTIVE).items()}
    for pairing_id, (began, _) in _first_event(
        session, in_programs, _to(PairingStatus.active)
    ).items():
        if began < since:
            continue
        month = by_month.get(_month_of(began))
        if month is None:  # after `now` (a clock moved back)
            continue
        month.began += 1
        ended = left.get(pairing_id)
        for days in RETENTION_DAYS:
            mark = began + timedelta(days=days)
            if mark <= now:
                month.reached[days] += 1
                if ended is None or ended >= mark:
                    month.still_active[days] += 1


def _endings(
    session: Session, by_month: dict[date, Month], in_programs: object, since: datetime
) -> None:
    for at, reason in _first_event(session, in_programs, _to(PairingStatus.ended)).values():
        month = by_month.get(_month_of(at))
        if at < since or month is None:
            continue
        if reason == COMPLETED:
            month.completed += 1
        else:
            month.ended_early[reason] += 1


def _contacts(
    session: Session, by_month: dict[date, Month], program_ids: list[int], since: datetime
) -> None:
    """Contacts logged per month, and how many distinct pairings they were for."""
    in_touch: dict[date, set[int]] = {}
    for pairing_id, day in session.execute(
        select(Contact.pairing_id, Contact.contacted_on).where(
            Contact.program_id.in_(program_ids), Contact.contacted_on >= since.date()
        )
    ):
        if (month := by_month.get(_month_of(day))) is not None:
            month.contacts += 1
            in_touch.setdefault(month.first_day, set()).add(pairing_id)
    for first, pairings in in_touch.items():
        by_month[first].pairings_in_touch = len(pairings)
