"""The coordinator's follow-ups page (issue 19): who is due, due soon, overdue or has missed
a questionnaire's window, and each program's follow-up rate against its target
(assessments/followups.py, by the program's follow-up settings). Names and windows only: no
answers, no scores."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from mentormatch.assessments import followups, outcomes, report
from mentormatch.assessments.followups import Standing
from mentormatch.audit import service as audit
from mentormatch.deps import ClientDep, NowDep, SessionDep, SettingsDep
from mentormatch.errors import Invalid
from mentormatch.i18n import N_
from mentormatch.programs.models import SLUG_PATTERN
from mentormatch.spreadsheets import export as exports
from mentormatch.spreadsheets.files import attachment
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, WebRoute, render

router = APIRouter(prefix="/coordinator/follow-ups", route_class=WebRoute, include_in_schema=False)
PER_PAGE = 50
EXPORT = "followups_export"  # audit: one row per program a download covers
ORDER = {Standing.overdue: 0, Standing.due: 1, Standing.due_soon: 2, Standing.missed: 3}
WORDS = {
    Standing.overdue: N_("overdue"),
    Standing.due: N_("due now"),
    Standing.due_soon: N_("due soon"),
    Standing.missed: N_("missed"),
}
ProgramSlug = Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=40)]
# The page's own filter form sends empty fields for an open period.
Day = Annotated[str | None, Query(max_length=10)]


# Each field's own words, so a language can name it as the form's label does.
_NOT_A_DAY: Final = {
    "since": N_("since: give a day as YYYY-MM-DD"),
    "until": N_("until: give a day as YYYY-MM-DD"),
}


def _day(value: str | None, field: str) -> date | None:
    """A YYYY-MM-DD day from the filter form; empty: none; else a 422 naming the field."""
    if not value:
        return None
    try:
        day: date | None = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or len(value) != len("YYYY-MM-DD"):
        raise Invalid(_NOT_A_DAY[field], field=field)
    return day


@router.get("")
def followups_page(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    program: forms.ChosenProgram = None,
    page: str | None = None,
    since: Day = None,
    until: Day = None,
) -> Response:
    """Windows overdue first, then due now (each closing soonest first), due soon, missed;
    each program's rate and the outcome figures, for the windows opening and questionnaires
    taken from `since` to `until`."""
    program = program or None
    first, last = _day(since, "since"), _day(until, "until")
    if first is not None and last is not None and first > last:
        raise Invalid(N_("since: the first day comes after the last day"), field="since")
    number = forms.page_number(page)
    chosen = exports.programs_for(session, me, program)
    today = now.date()
    plans = followups.schedules(session, [p.id for p in chosen], settings)
    people = followups.of_programs(session, plans, today)
    open_items = sorted(
        (
            (person, f)
            for person in people
            for f in person.followups
            if f.standing is not Standing.done
        ),
        key=lambda pf: (ORDER[pf[1].standing], pf[1].window.closes, pf[0].newcomer_id),
    )
    rates = followups.rates(people, chosen, plans, since=first, until=last)
    pages = forms.page_count(number, len(open_items), PER_PAGE)
    offset = (number - 1) * PER_PAGE
    return render(
        request,
        "coordinator/followups.html",
        {
            "programs": exports.programs_for(session, me, None),
            "chosen": program,
            "rows": open_items[offset : offset + PER_PAGE],
            "total": len(open_items),
            "counts": {s: sum(1 for _, f in open_items if f.standing is s) for s in ORDER},
            "words": WORDS,
            "page": number,
            "pages": pages,
            "first_shown": offset + 1,
            "rates": rates,
            "since": first,
            "until": last,
            "figures": outcomes.figures(session, people, plans, since=first, until=last),
            "followup_names": sorted({plan.followup_name for plan in plans.values()}),
            "min_answers": outcomes.MIN_ANSWERS,
        },
    )


@router.get("/download")
def download(
    me: CoordinatorPage,
    session: SessionDep,
    client: ClientDep,
    now: NowDep,
    settings: SettingsDep,
    format: Literal["csv", "xlsx"] = "xlsx",
    sheet: Literal["questionnaires", "follow-ups"] = "questionnaires",
    program: ProgramSlug = None,
    since: date | None = None,
    until: date | None = None,
) -> Response:
    """The funder's report: one row per person per questionnaire and per window (`.xlsx`:
    both tabs; CSV: the `sheet` chosen), for the dates chosen; audited per program."""
    if since is not None and until is not None and since > until:
        raise Invalid(N_("since: the first day comes after the last day"), field="since")
    chosen = exports.programs_for(session, me, program)
    taken, windows = report.sheets(
        session, chosen, today=now.date(), since=since, until=until, settings=settings
    )
    for p in chosen:
        audit.record(
            session, actor=me, action=EXPORT, object_type="program", object_id=p.id, client=client
        )
    session.commit()
    name = f"follow-ups-{program or 'all'}-{now:%Y-%m-%d}.{format}"
    return attachment([taken, windows], format, name, csv_sheet=int(sheet == "follow-ups"))
