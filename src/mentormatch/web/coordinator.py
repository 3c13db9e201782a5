"""Coordinator pages: queue, newcomer with suggestions, mentors (proposals: web.proposals)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from mentormatch import vocabulary
from mentormatch.aftercare import checkins, graduation
from mentormatch.assessments import service as assessments
from mentormatch.audit import records
from mentormatch.deps import NowDep, RowId, SessionDep, SettingsDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import N_
from mentormatch.matching import service as matching
from mentormatch.matching.service import RankerDep
from mentormatch.newcomers import minimal as newcomer_minimal
from mentormatch.newcomers import search, urgent
from mentormatch.newcomers import service as newcomers
from mentormatch.newcomers.models import NewcomerStatus
from mentormatch.newcomers.search import NewcomerFilters
from mentormatch.pairings import attention, queries, requests
from mentormatch.pairings.models import PairingStatus
from mentormatch.pairings.schemas import EndReason
from mentormatch.programs import service as programs
from mentormatch.web import forms, notes, people
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)

# Why a coordinator ends a pairing, in the order the page offers them (the API's vocabulary).
END_REASONS = {
    "completed": N_("Completed: the mentoring reached its end (closes the newcomer's request)"),
    "not_a_fit": N_("Not a good fit"),
    "no_contact": N_("No contact between them"),
    "newcomer_request": N_("The newcomer asked for a different mentor"),
    "mentor_unavailable": N_("The mentor is no longer available"),
    "safety": N_("Safety concern (never pair these two again)"),
    "boundary": N_("A boundary was crossed (never pair these two again)"),
    "other": N_("Other"),
}
assert set(END_REASONS) == set(EndReason.__args__)  # type: ignore[attr-defined]


# The queue's status filter, as it writes each status.
STATUSES = {
    "waiting": N_("Waiting"),
    "pending": N_("Pending"),
    "paired": N_("Paired"),
    "closed": N_("Closed"),
}
assert set(STATUSES) == {s.value for s in NewcomerStatus}

QUEUE_PAGE = 50
CHECK_INS_SHOWN = 10  # the newcomer page's check-ins, a page
HISTORY_SHOWN = 50  # the newcomer page's pairing history: the latest, and the true total


def _listing(chosen: NewcomerFilters) -> dict[str, str]:
    """The queue's search and filters as its form shows them and its page links carry
    (status "" is "any status": absent, the queue shows those waiting)."""
    values = {
        "q": chosen.q or "",
        "status": chosen.status.value if chosen.status else "",
        "urgent": "" if chosen.urgent is None else str(chosen.urgent).lower(),
        "substance_family": chosen.substance_family or "",
        "language": chosen.language or "",
        "pathway": chosen.pathway or "",
        "meeting_mode": chosen.meeting_mode or "",
        "waited_days": "" if chosen.waited_days is None else str(chosen.waited_days),
        "sort": chosen.sort,
    }
    return values


@router.get("")
def queue(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    now: NowDep,
    chosen: Annotated[NewcomerFilters, Depends(search.filters)],
    page: str | None = None,
) -> Response:
    """The newcomers of the coordinator's programs, 50 a page with the true total: found by
    name, email, phone or reference (`q`) and filtered; those waiting unless a status is
    chosen; urgent first, then waiting longest, unless sorted otherwise."""
    if "status" not in request.query_params:
        chosen = replace(chosen, status=NewcomerStatus.waiting)
    number = forms.page_number(page)
    rows, total = newcomers.list_newcomers(
        session,
        actor=me,
        chosen=chosen,
        now=now,
        limit=QUEUE_PAGE,
        offset=(number - 1) * QUEUE_PAGE,
    )
    pages = forms.page_count(number, total, QUEUE_PAGE)
    listing = _listing(chosen)
    return render(
        request,
        "coordinator/queue.html",
        {
            "rows": rows,
            "people": {n.id: people.newcomer(n) for n in rows},
            "total": total,
            "page": number,
            "pages": pages,
            "first_shown": (number - 1) * QUEUE_PAGE + 1,
            "listing": listing,
            "link": urlencode(listing),
            "narrowed": any(v for k, v in listing.items() if k not in ("status", "sort")),
            "statuses": list(STATUSES.items()),
            "sorts": search.SORTS,
            "families": [(t.code, t.label) for t in vocabulary.SUBSTANCE_FAMILIES],
            "languages": [(t.code, t.label) for t in vocabulary.LANGUAGES],
            "pathways": [(t.code, t.label) for t in vocabulary.PATHWAYS],
            "modes": [(t.code, t.label) for t in vocabulary.MEETING_MODES],
            "needs_new_mentor": attention.needing_new_mentor(session, me, [n.id for n in rows]),
            "programs": programs.names_when_several(session, me),
            **urgent.open_context(session, actor=me, now=now),
        },
    )


def _newcomer_page(
    request: Request,
    me: Any,
    session: Session,
    ranker: Any,
    settings: Any,
    newcomer_id: int,
    *,
    why: int | None = None,
    error: str | None = None,
    notice: str | None = None,
    end_error: str | None = None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
    history_page: int = 1,
    check_ins_page: int = 1,
) -> Response:
    newcomer = newcomers.get_for_coordinator(session, actor=me, newcomer_id=newcomer_id)
    suggestions = matching.suggestions(
        session, actor=me, ranker=ranker, newcomer_id=newcomer_id, limit=5
    )
    explanation = None
    if why and not newcomer.minimal:  # a minimal request is not matched: nothing to explain
        explanation = matching.explain(
            session, ranker=ranker, newcomer_id=newcomer_id, mentor_id=why, actor=me
        )
    history, history_total = queries.list_pairings(
        session,
        actor=me,
        settings=settings,
        status=None,
        newcomer_id=newcomer_id,
        mentor_id=None,
        limit=HISTORY_SHOWN,
        offset=(history_page - 1) * HISTORY_SHOWN,
    )
    history_pages = forms.page_count(history_page, history_total, HISTORY_SHOWN, "history_page")
    active = _active_pairing(session, me, settings, newcomer_id, history)
    named = people.mentors(
        session,
        [p.mentor_id for p in history]
        + ([active.mentor_id] if active else [])
        + [s.mentor_id for s in suggestions]
        + ([why] if why else []),
    )
    return render(
        request,
        "coordinator/newcomer.html",
        {
            "n": newcomer,
            "programs": programs.names_when_several(session, me),
            "suggestions": suggestions,
            "explanation": explanation,
            "why": why,
            "mentors": people.mentors_of_program(session, newcomer.program_id),
            "named": named,
            "history": history,
            "history_total": history_total,
            "history_page": history_page,
            "history_pages": history_pages,
            "history_first": (history_page - 1) * HISTORY_SHOWN + 1,
            "error": error,
            "notice": notice,
            "can_approve": newcomer.status is NewcomerStatus.waiting and not newcomer.minimal,
            "active": active,
            "planned_end": graduation.planned_end_of(session, active, settings) if active else None,
            "end_reasons": END_REASONS,
            "end_error": end_error,
            "needs_new_mentor": newcomer_id
            in attention.needing_new_mentor(session, me, [newcomer_id]),
            "not_matched": newcomer_minimal.not_matched_reason(newcomer.id)
            if newcomer.minimal
            else None,
            **urgent.case_context(session, newcomer),
            **notes.section(session, me, newcomer),
            **_check_ins(session, me, newcomer_id, check_ins_page),
            "assessments": assessments.scored(session, newcomer_id),
            "trail": records.recent(session, actor=me, kind="newcomer", record_id=newcomer_id),
            **(extra or {}),
        },
        status_code=status_code,
    )


def _check_ins(session: Session, me: Any, newcomer_id: int, page: int) -> dict[str, Any]:
    """A page of the check-ins, newest first, and their total: part of the page's one
    audited read of the newcomer."""
    rows, total = checkins.for_coordinator(
        session, actor=me, newcomer_id=newcomer_id, limit=CHECK_INS_SHOWN,
        offset=(page - 1) * CHECK_INS_SHOWN, audited=False,
    )  # fmt: skip
    return {
        "check_ins": rows,
        "check_ins_total": total,
        "check_ins_page": page,
        "check_ins_pages": forms.page_count(page, total, CHECK_INS_SHOWN, "check_ins_page"),
        "check_ins_first": (page - 1) * CHECK_INS_SHOWN + 1,
        "feelings": checkins.FEELINGS,
    }


def _active_pairing(
    session: Session, me: Any, settings: Any, newcomer_id: int, history: list[Any]
) -> Any:
    """The newcomer's active pairing, which the page can end, whichever history page shows."""
    shown = next((p for p in history if p.status is PairingStatus.active), None)
    if shown is not None:
        return shown
    active, _ = queries.list_pairings(
        session,
        actor=me,
        settings=settings,
        status=PairingStatus.active,
        newcomer_id=newcomer_id,
        mentor_id=None,
        limit=1,
        offset=0,
    )
    return active[0] if active else None


# The newcomer's page, re-rendered by other forms on it with their errors (web.urgent).
newcomer_page_response = _newcomer_page


@router.get("/newcomers/{newcomer_id}")
def newcomer_page(
    request: Request,
    newcomer_id: RowId,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
    why: RowId | None = None,
    approved: RowId | None = None,
    ended: RowId | None = None,
    contacted: RowId | None = None,
    episode: RowId | None = None,
    history_page: str | None = None,
    check_ins_page: str | None = None,
) -> Response:
    """One newcomer: profile, ranked suggestions with reasons, 'why not this mentor?', and
    their pairings newest first, 50 a page (`history_page`) with the true total."""
    notice = (
        N_("Approved: the mentor has been asked and has a few days to answer.")
        if approved
        else None
    )
    notice = N_("Contact recorded.") if contacted else notice
    if ended:
        notice = N_("Pairing ended.")
    if episode:
        notice = N_(
            "New episode started: they are back in the queue, with a new follow-up baseline."
        )
    return _newcomer_page(
        request,
        me,
        session,
        ranker,
        settings,
        newcomer_id,
        why=why,
        notice=notice,
        extra={"just_ended": bool(ended)},
        history_page=forms.page_number(history_page, "history_page"),
        check_ins_page=forms.page_number(check_ins_page, "check_ins_page"),
    )


@router.post("/newcomers/{newcomer_id}/approve")
def approve_for_newcomer(
    request: Request,
    newcomer_id: RowId,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
) -> Response:
    """One-click approve of a suggested mentor: the pairing service rechecks every rule."""
    try:
        pairing = requests.create_approved(
            session,
            actor=me,
            ranker=ranker,
            settings=settings,
            newcomer_id=newcomer_id,
            mentor_id=forms.row_id(form, "mentor_id"),
            note=forms.text(form, "note"),
        )
    except MentorMatchError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        return _newcomer_page(
            request,
            me,
            session,
            ranker,
            settings,
            newcomer_id,
            error=exc.message,
            status_code=exc.status_code,
        )
    return redirect(f"/coordinator/newcomers/{newcomer_id}?approved={pairing.id}")
