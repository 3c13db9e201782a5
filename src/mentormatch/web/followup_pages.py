"""The coordinator's follow-ups page (issue 19): who is due, due soon or has missed a
questionnaire's window, and the program's follow-up rate against the 80 % target
(assessments/followups.py). Names and windows only: no answers, no scores."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from mentormatch.assessments import followups
from mentormatch.assessments.followups import Standing
from mentormatch.deps import NowDep, SessionDep
from mentormatch.programs.models import SLUG_PATTERN
from mentormatch.spreadsheets import export as exports
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, WebRoute, render

router = APIRouter(prefix="/coordinator/follow-ups", route_class=WebRoute, include_in_schema=False)
PER_PAGE = 50
ORDER = {Standing.due: 0, Standing.due_soon: 1, Standing.missed: 2}
WORDS = {Standing.due: "due now", Standing.due_soon: "due soon", Standing.missed: "missed"}
ProgramSlug = Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=40)]


@router.get("")
def followups_page(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    now: NowDep,
    program: ProgramSlug = None,
    page: str | None = None,
) -> Response:
    """Windows due now first (closing soonest first), then due soon, then missed."""
    number = forms.page_number(page)
    chosen = exports.programs_for(session, me, program)
    today = now.date()
    people = followups.of_programs(session, [p.id for p in chosen], today)
    open_items = sorted(
        (
            (person, f)
            for person in people
            for f in person.followups
            if f.standing is not Standing.done
        ),
        key=lambda pf: (ORDER[pf[1].standing], pf[1].window.closes, pf[0].newcomer_id),
    )
    done, closed = followups.rate(f for person in people for f in person.followups)
    pages = forms.page_count(number, len(open_items), PER_PAGE)
    first = (number - 1) * PER_PAGE
    return render(
        request,
        "coordinator/followups.html",
        {
            "programs": exports.programs_for(session, me, None),
            "chosen": program,
            "rows": open_items[first : first + PER_PAGE],
            "total": len(open_items),
            "counts": {s: sum(1 for _, f in open_items if f.standing is s) for s in ORDER},
            "words": WORDS,
            "page": number,
            "pages": pages,
            "first_shown": first + 1,
            "done": done,
            "closed": closed,
            "rate": round(100 * done / closed) if closed else None,
            "target": followups.TARGET_PERCENT,
        },
    )
