"""Coordinator pages: queue, newcomer with suggestions, proposals, pairings, dashboard."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from mentormatch.audit import records
from mentormatch.deps import NowDep, RowId, SessionDep, SettingsDep
from mentormatch.errors import Invalid, MentorMatchError
from mentormatch.matching import service as matching
from mentormatch.matching.service import RankerDep
from mentormatch.mentors import service as mentors
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers import minimal as newcomer_minimal
from mentormatch.newcomers import service as newcomers
from mentormatch.newcomers import urgent
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import attention, queries, requests, whole_pool
from mentormatch.pairings.models import PairingStatus
from mentormatch.pairings.schemas import EndReason, RejectReason
from mentormatch.programs import service as programs
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)

REJECT_REASONS = RejectReason.__args__  # type: ignore[attr-defined]
# Why a coordinator ends a pairing, in the order the page offers them (the API's vocabulary).
END_REASONS = {
    "completed": "Completed: the mentoring reached its end (closes the newcomer's request)",
    "not_a_fit": "Not a good fit",
    "no_contact": "No contact between them",
    "newcomer_request": "The newcomer asked for a different mentor",
    "mentor_unavailable": "The mentor is no longer available",
    "safety": "Safety concern (never pair these two again)",
    "boundary": "A boundary was crossed (never pair these two again)",
    "other": "Other",
}
assert set(END_REASONS) == set(EndReason.__args__)  # type: ignore[attr-defined]


def _names(session: Session, model: type[Newcomer] | type[Mentor], ids: set[int]) -> dict[int, str]:
    """First names by id, for labelling lists."""
    if not ids:
        return {}
    rows = session.execute(select(model.id, model.first_name).where(model.id.in_(ids)))
    return {row_id: name for row_id, name in rows}


@router.get("")
def queue(
    request: Request, me: CoordinatorPage, session: SessionDep, now: NowDep, status: str = "waiting"
) -> Response:
    """Waiting newcomers: urgent first, then those waiting longest."""
    chosen = NewcomerStatus(status) if status in NewcomerStatus.__members__ else None
    rows, total = newcomers.list_newcomers(session, actor=me, status=chosen, limit=100, offset=0)
    return render(
        request,
        "coordinator/queue.html",
        {
            "rows": rows,
            "total": total,
            "status": status,
            "statuses": list(NewcomerStatus),
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
    all_mentors, _ = mentors.list_mentors(session, actor=me, limit=500, offset=0)
    history, _ = queries.list_pairings(
        session,
        actor=me,
        settings=settings,
        status=None,
        newcomer_id=newcomer_id,
        mentor_id=None,
        limit=50,
        offset=0,
    )
    mentor_names = {m.id: m.first_name for m in all_mentors}
    return render(
        request,
        "coordinator/newcomer.html",
        {
            "n": newcomer,
            "programs": programs.names_when_several(session, me),
            "suggestions": suggestions,
            "explanation": explanation,
            "why": why,
            "mentors": all_mentors,
            "mentor_names": mentor_names,
            "history": history,
            "error": error,
            "notice": notice,
            "can_approve": newcomer.status is NewcomerStatus.waiting and not newcomer.minimal,
            "active": next((p for p in history if p.status is PairingStatus.active), None),
            "end_reasons": END_REASONS,
            "end_error": end_error,
            "needs_new_mentor": newcomer_id
            in attention.needing_new_mentor(session, me, [newcomer_id]),
            "not_matched": newcomer_minimal.not_matched_reason(newcomer.id)
            if newcomer.minimal
            else None,
            **urgent.case_context(session, newcomer),
            "trail": records.recent(session, actor=me, kind="newcomer", record_id=newcomer_id),
            **(extra or {}),
        },
        status_code=status_code,
    )


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
) -> Response:
    """One newcomer: profile, ranked suggestions with reasons, 'why not this mentor?'."""
    notice = (
        "Approved: the mentor has been asked and has a few days to answer." if approved else None
    )
    notice = "Contact recorded." if contacted else notice
    if ended:
        notice = "Pairing ended."
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


@router.get("/proposals")
def proposals(
    request: Request, me: CoordinatorPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Open whole-pool proposals to review, approve or reject in bulk."""
    rows, total = queries.list_pairings(
        session,
        actor=me,
        settings=settings,
        status=PairingStatus.proposed,
        newcomer_id=None,
        mentor_id=None,
        limit=200,
        offset=0,
    )
    return render(
        request,
        "coordinator/proposals.html",
        {
            "rows": rows,
            "total": total,
            "newcomer_names": _names(session, Newcomer, {p.newcomer_id for p in rows}),
            "mentor_names": _names(session, Mentor, {p.mentor_id for p in rows}),
            "reject_reasons": REJECT_REASONS,
            "results": request.query_params.get("done"),
            "failed": request.query_params.getlist("failed"),
        },
    )


@router.post("/proposals/run")
def run_proposal(
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
) -> Response:
    """Propose one exact whole-pool assignment of the waiting newcomers."""
    summary = whole_pool.propose(session, actor=me, ranker=ranker, settings=settings)
    return redirect(f"/coordinator/proposals?done=proposed+{summary.placed}")


@router.post("/proposals/decide")
def decide(
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
) -> Response:
    """Approve or reject the ticked proposals; each one is checked by the pairing service."""
    action = forms.text(form, "action")
    reason = forms.text(form, "reason") or "coordinator_judgement"
    if reason not in REJECT_REASONS:
        reason = "other"
    ids = forms.row_ids(form, "pairing_id")
    done, failed = 0, []
    for pairing_id in ids:
        try:
            if action == "approve":
                requests.approve(
                    session, actor=me, ranker=ranker, settings=settings, pairing_id=pairing_id
                )
            elif action == "reject":
                requests.reject(
                    session, actor=me, settings=settings, pairing_id=pairing_id, reason=reason
                )
            else:
                raise Invalid("choose approve or reject")
            done += 1
        except MentorMatchError as exc:
            session.rollback()
            failed.append(f"{pairing_id}: {exc.message}")
    query = "&".join(f"failed={f.replace(' ', '+')}" for f in failed)
    verb = "approved" if action == "approve" else "rejected"
    return redirect(f"/coordinator/proposals?done={verb}+{done}" + (f"&{query}" if query else ""))
