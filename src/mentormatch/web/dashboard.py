"""The coordinator's dashboard: waiting time, mentor load, pairing outcomes per week and
what needs attention — for the coordinator's programs only."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.assessments import followups
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.deps import NowDep, SessionDep, SettingsDep
from mentormatch.i18n import N_, format_day, translate
from mentormatch.mentors import capacity
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers import urgent
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import attention
from mentormatch.pairings.models import Pairing, PairingEvent
from mentormatch.programs import scope
from mentormatch.spreadsheets import export as exports
from mentormatch.web import charts, people
from mentormatch.web.core import CoordinatorPage, WebRoute, render
from mentormatch.web.labels import label
from mentormatch.web.templating import page_locale

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)

WAIT_BUCKETS = (
    (N_("<1 day"), 1),
    (N_("1-3 d"), 3),
    (N_("3-7 d"), 7),
    (N_("1-2 wk"), 14),
    (N_("2-4 wk"), 28),
    (N_("4+ wk"), None),
)
OUTCOMES = ("active", "declined", "expired", "rejected", "ended", "withdrawn")


def waiting_histogram(session: Session, actor: Principal) -> list[int]:
    """How many of the actor's programs' waiting newcomers fall in each waiting-time bucket."""
    now = utcnow()
    since = session.scalars(
        select(Newcomer.waiting_since).where(
            Newcomer.status == NewcomerStatus.waiting, scope.where(actor, Newcomer.program_id)
        )
    ).all()
    counts = [0] * len(WAIT_BUCKETS)
    for started in since:
        days = (now - started).total_seconds() / 86400
        index = next(
            i for i, (_, upper) in enumerate(WAIT_BUCKETS) if upper is None or days < upper
        )
        counts[index] += 1
    return counts


def weekly_outcomes(
    session: Session, actor: Principal, weeks: int = 8, code: str = "en"
) -> tuple[list[str], dict[str, list[int]]]:
    """The actor's programs' pairing transitions per ISO week (last `weeks`), by the status
    they moved to; each week named by its Monday in the language `code` ("03 Dec")."""
    now = utcnow()
    start = (now - timedelta(days=now.weekday(), weeks=weeks - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    rows = session.execute(
        select(PairingEvent.at, PairingEvent.to_status)
        .join(Pairing, Pairing.id == PairingEvent.pairing_id)
        .where(
            PairingEvent.at >= start,
            PairingEvent.to_status.in_(OUTCOMES),
            scope.where(actor, Pairing.program_id),
        )
    ).all()
    counts: Counter[tuple[int, str]] = Counter()
    for at, to in rows:
        counts[((at - start).days // 7, to)] += 1
    labels = [format_day(start + timedelta(weeks=i), "dd MMM", code) for i in range(weeks)]
    series = {s: [counts[(i, s)] for i in range(weeks)] for s in OUTCOMES}
    return labels, series


def _attention(session: Session, actor: Principal) -> dict[str, int]:
    """The 'needs action' count, split: requests to follow up, quiet pairings, pairings
    found not a fit."""
    counts = attention.tab_counts(session, actor)
    quiet, unfit = counts[attention.QUIET], counts[attention.NOT_A_FIT]
    requests = counts[attention.NEEDS_ACTION] - quiet - unfit
    return {"needs_action": requests, "quiet": quiet, "not_a_fit": unfit}


BUSIEST = 16  # mentors drawn in the load chart; the page says of how many


def mentor_loads(session: Session, actor: Principal) -> tuple[list[Any], int, int]:
    """The actor's programs' busiest active, vetted mentors (first name, load, capacity,
    paused), how many such mentors there are, and their free places — counted in SQL."""
    held = capacity.load_by_mentor()
    load = func.coalesce(held.c.load, 0)
    pool = (
        select(Mentor.id)
        .outerjoin(held, held.c.mentor_id == Mentor.id)
        .where(scope.where(actor, Mentor.program_id), Mentor.active, Mentor.vetted)
    )
    busiest = session.execute(
        pool.with_only_columns(
            Mentor.id, Mentor.first_name, load.label("load"), Mentor.capacity, Mentor.paused
        )
        .order_by(load.desc(), Mentor.id)
        .limit(BUSIEST)
    ).all()
    count, free = session.execute(
        pool.with_only_columns(
            func.count(), func.coalesce(func.sum(capacity.free_places_column(load)), 0)
        )
    ).one()
    return list(busiest), int(count), int(free)


def followup_summary(
    session: Session, actor: Principal, today: date, settings: Settings
) -> dict[str, Any]:
    """Each of the actor's programs' follow-up rate, and how many windows are overdue or
    due now (the follow-ups page has the people and the figures)."""
    chosen = exports.programs_for(session, actor, None)
    plans = followups.schedules(session, [p.id for p in chosen], settings)
    people = followups.of_programs(session, plans, today)
    standings = Counter(f.standing for person in people for f in person.followups)
    return {
        "followup_rates": followups.rates(people, chosen, plans),
        "followups_overdue": standings[followups.Standing.overdue],
        "followups_due": standings[followups.Standing.due],
    }


@router.get("/dashboard")
def dashboard(
    request: Request, me: CoordinatorPage, session: SessionDep, now: NowDep, settings: SettingsDep
) -> Response:
    """Waiting time, mentor load against capacity, pairings per week by outcome, and the
    follow-up rate."""
    waiting = waiting_histogram(session, me)
    busiest, mentor_count, free_slots = mentor_loads(session, me)
    code = page_locale(request)
    week_labels, series = weekly_outcomes(session, me, code=code)
    labels = [name for name, _ in WAIT_BUCKETS]

    def words(text: str) -> str:
        return translate(text, code)

    return render(
        request,
        "coordinator/dashboard.html",
        {
            "wait_chart": charts.bars(
                "chart-wait",
                words(N_("Newcomers waiting, by time waited")),
                [words(name) for name in labels],
                waiting,
                empty=words(N_("Nobody is waiting for a mentor")),
            ),
            "wait_rows": list(zip(labels, waiting, strict=True)),
            "load_chart": charts.load_vs_capacity(
                "chart-load",
                words(N_("Mentor load against capacity")),
                [m.first_name for m in busiest],
                [m.load for m in busiest],
                [m.capacity for m in busiest],
                empty=words(N_("No mentor is taking requests yet")),
                of=words(N_("%(load)s of %(capacity)s")),
            ),
            "load_rows": [
                (people.named_mentor(m.id, m.first_name), m.load, m.capacity, m.paused)
                for m in busiest
            ],
            "mentor_count": mentor_count,
            "week_chart": charts.stacked(
                "chart-weeks",
                words(N_("Pairing outcomes per week")),
                week_labels,
                series,
                names={s: words(label(s, "pairing_status")) for s in series},
                empty=words(N_("No pairing started, ended or was turned down in the last 8 weeks")),
            ),
            "week_labels": week_labels,
            "series": series,
            "total_waiting": sum(waiting),
            "needs_new_mentor": len(attention.needing_new_mentor(session, me)),
            **_attention(session, me),
            "free_slots": free_slots,
            **urgent.open_context(session, actor=me, now=now),
            **followup_summary(session, me, now.date(), settings),
        },
    )
