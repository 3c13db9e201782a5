"""The coordinator's outcomes page: pairing outcomes per month for their programs, and the
same table as a CSV or Excel download for a funder's report (aftercare/outcomes.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.aftercare import outcomes
from mentormatch.audit import service as audit
from mentormatch.deps import ClientDep, NowDep, SessionDep
from mentormatch.pairings.schemas import EndReason
from mentormatch.programs.models import SLUG_PATTERN, Program
from mentormatch.spreadsheets import export as exports
from mentormatch.spreadsheets.files import Sheet, attachment
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, WebRoute, render
from mentormatch.web.labels import FIT_ANSWERS, label

router = APIRouter(prefix="/coordinator/outcomes", route_class=WebRoute, include_in_schema=False)

ACTION = "outcomes_export"  # audit: one row per program a download covers
# Early endings by reason: every end reason but the planned one, and the mentor leaving.
EARLY = (*(r for r in EndReason.__args__ if r != "completed"), "mentor_left")  # type: ignore[attr-defined]
Months = Annotated[int, Query(ge=1, le=outcomes.MAX_MONTHS, description="How many months")]
ProgramSlug = Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=40)]


def _percent(share: int | None) -> str:
    return "—" if share is None else f"{share} %"


def columns() -> list[str]:
    return [
        "Month", "Pairings begun",
        "Reached 30 days", "Active at 30 days", "Share active at 30 days",
        "Reached 90 days", "Active at 90 days", "Share active at 90 days",
        "Ended as planned", "Ended early",
        *(f"Ended early: {label(r, 'reason')}" for r in EARLY),
        *(f"Fit check: {words}" for words in FIT_ANSWERS.values()),
        "Contacts logged", "Pairings in touch", "Contacts per pairing in touch", "Went quiet",
    ]  # fmt: skip


def row(m: outcomes.Month) -> list[Any]:
    per_pairing = round(m.contacts / m.pairings_in_touch, 1) if m.pairings_in_touch else 0
    return [
        m.first_day.strftime("%Y-%m"), m.began,
        m.reached[30], m.still_active[30], _percent(m.share_active(30)),
        m.reached[90], m.still_active[90], _percent(m.share_active(90)),
        m.completed, m.early_total,
        *(m.ended_early[r] for r in EARLY),
        *(m.fit[answer] for answer in FIT_ANSWERS),
        m.contacts, m.pairings_in_touch, per_pairing, m.went_quiet,
    ]  # fmt: skip


def _report(
    session: Session, me: Principal, program: str | None, months: int, now: datetime
) -> tuple[list[Program], list[outcomes.Month]]:
    chosen = exports.programs_for(session, me, program)
    figures = outcomes.report(session, program_ids=[p.id for p in chosen], now=now, months=months)
    return chosen, figures


@router.get("")
def outcomes_page(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    now: NowDep,
    program: forms.ChosenProgram = None,
    months: Months = 12,
) -> Response:
    """Outcomes per month, newest first, for one of the coordinator's programs or all."""
    program = program or None
    chosen, figures = _report(session, me, program, months, now)
    return render(
        request,
        "coordinator/outcomes.html",
        {
            "programs": exports.programs_for(session, me, None),
            "chosen": program,
            "covered": chosen,
            "months": months,
            "max_months": outcomes.MAX_MONTHS,
            "figures": list(reversed(figures)),
            "early": EARLY,
            "fit_answers": FIT_ANSWERS,
        },
    )


@router.get("/download")
def download(
    me: CoordinatorPage,
    session: SessionDep,
    client: ClientDep,
    now: NowDep,
    format: Literal["csv", "xlsx"] = "xlsx",
    program: ProgramSlug = None,
    months: Months = 12,
) -> Response:
    """The outcomes table as a file, oldest month first (audited per program covered)."""
    chosen, figures = _report(session, me, program, months, now)
    for p in chosen:
        audit.record(
            session, actor=me, action=ACTION, object_type="program", object_id=p.id, client=client
        )
    session.commit()
    sheet = Sheet("Outcomes", columns(), [row(m) for m in figures])
    return attachment([sheet], format, f"outcomes-{program or 'all'}-{now:%Y-%m}.{format}")
