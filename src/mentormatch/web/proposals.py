"""The whole-pool proposals page, per program: run a proposal, review each proposed pair
with its reasons (longest waiting first), see who is left out and why, approve or reject
in bulk, and see which proposals were withdrawn and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.deps import NowDep, RowId, SessionDep, SettingsDep
from mentormatch.errors import Invalid, MentorMatchError
from mentormatch.i18n import N_
from mentormatch.matching.service import RankerDep
from mentormatch.pairings import proposal_lists, requests, stale, whole_pool
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.schemas import RejectReason
from mentormatch.programs import scope
from mentormatch.programs import service as programs
from mentormatch.web import forms, people
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)

PER_PAGE = 50
REJECT_REASONS = RejectReason.__args__  # type: ignore[attr-defined]
Ids = Annotated[list[RowId], Query()]


def _program(session: Session, me: Principal, chosen: int | None) -> int:
    """The program the page is about: the one chosen (404 when not the coordinator's,
    as for a missing one), else the coordinator's first by name."""
    if chosen is not None:
        scope.ensure_visible(me, chosen, N_("no such program"))
        return chosen
    mine = programs.names_of(session, me)
    if not mine:
        raise Invalid(N_("program: you coordinate no program yet"), field="program")
    return mine[0][0]


def _chosen(form: FormData) -> int | None:
    """The program a form names (`program_id`), if it names one."""
    ids = forms.row_ids(form, "program_id")
    if len(ids) > 1:
        raise Invalid(N_("program_id: choose one program"), field="program_id")
    return ids[0] if ids else None


@router.get("/proposals")
def proposals(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    now: NowDep,
    program: RowId | None = None,
    placed: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    approved: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    rejected: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    withdrawn: Ids = [],  # noqa: B006 - FastAPI copies defaults
    failed: Ids = [],  # noqa: B006
) -> Response:
    """One program's open proposals (proposals that no longer hold are withdrawn first),
    those withdrawn this week and why, and who waits with no proposal and why."""
    program_id = _program(session, me, program)
    page = forms.page_number(request.query_params.get("page"))
    lost_page = forms.page_number(request.query_params.get("withdrawn_page"))
    stale.sweep(session, where=Pairing.program_id == program_id)
    rows, total = proposal_lists.open_proposals(
        session, actor=me, program_id=program_id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    lost, lost_total = proposal_lists.withdrawn(
        session, actor=me, program_id=program_id, now=now, limit=PER_PAGE,
        offset=(lost_page - 1) * PER_PAGE,
    )  # fmt: skip
    just_withdrawn, _ = (
        proposal_lists.withdrawn(
            session,
            actor=me,
            program_id=None,
            now=now,
            limit=len(withdrawn),
            offset=0,
            pairing_ids=withdrawn,
        )
        if withdrawn
        else ([], 0)
    )
    left = whole_pool.left_out_now(session, actor=me, ranker=ranker, program_id=program_id, now=now)
    left_page = forms.page_number(request.query_params.get("left_page"))
    return render(
        request,
        "coordinator/proposals.html",
        {
            "program_id": program_id,
            "programs": programs.names_of(session, me),
            "rows": rows,
            "newcomer_people": people.newcomers(session, [r.pairing.newcomer_id for r in rows]),
            "mentor_people": people.mentors(session, [r.pairing.mentor_id for r in rows]),
            "total": total,
            "page": page,
            "pages": forms.page_count(page, total, PER_PAGE),
            "lost": lost,
            "lost_total": lost_total,
            "lost_page": lost_page,
            "lost_pages": forms.page_count(lost_page, lost_total, PER_PAGE),
            "left": left[(left_page - 1) * PER_PAGE : left_page * PER_PAGE],
            "left_total": len(left),
            "left_page": left_page,
            "left_pages": forms.page_count(left_page, len(left), PER_PAGE),
            "longest_left": left[0] if left else None,
            "placed": placed,
            "approved": approved,
            "rejected": rejected,
            "just_withdrawn": just_withdrawn,
            "failed": _failed(session, me, failed),
            "reject_reasons": REJECT_REASONS,
            "now": now,
        },
    )


def _failed(session: Session, me: Principal, ids: list[int]) -> list[str]:
    """Ticked proposals that were already decided, in words (others' ids say nothing)."""
    out = []
    for pairing_id in ids:
        pairing = session.get(Pairing, pairing_id)
        if pairing is not None and not scope.hidden(me, pairing.program_id):
            out.append(f"Proposal {pairing.reference} had already been {pairing.status.value}.")
    return out


@router.post("/proposals/run")
def run_proposal(
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
) -> Response:
    """Propose one exact whole-pool assignment of the program's waiting newcomers."""
    program_id = _program(session, me, _chosen(form))
    summary = whole_pool.propose(
        session, actor=me, ranker=ranker, settings=settings, program_id=program_id
    )
    return redirect(f"/coordinator/proposals?program={program_id}&placed={summary.placed}")


@router.post("/proposals/decide")
def decide(
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
) -> Response:
    """Approve or reject the ticked proposals. Each is checked by the pairing service: one
    that no longer holds is withdrawn, and the page then says which and why."""
    ids = forms.row_ids(form, "pairing_id")
    if not ids:
        raise Invalid(N_("pairing_id: tick at least one proposal"), field="pairing_id")
    action = forms.text(form, "action")
    if action not in ("approve", "reject"):
        raise Invalid(N_("action: choose approve or reject"), field="action")
    reason = forms.text(form, "reason") or "coordinator_judgement"
    if reason not in REJECT_REASONS:
        raise Invalid(N_("reason: choose a reason from the list"), field="reason")
    program_id = _program(session, me, _chosen(form))
    done, withdrawn, failed = 0, list[int](), list[int]()
    for pairing_id in ids:
        try:
            if action == "approve":
                requests.approve(
                    session, actor=me, ranker=ranker, settings=settings, pairing_id=pairing_id
                )
            else:
                requests.reject(
                    session, actor=me, settings=settings, pairing_id=pairing_id, reason=reason
                )
            done += 1
        except MentorMatchError as exc:
            session.rollback()
            if exc.status_code == 404:
                raise
            pairing = session.get(Pairing, pairing_id)
            gone = pairing is not None and pairing.status is PairingStatus.withdrawn
            (withdrawn if gone else failed).append(pairing_id)
    verb = "approved" if action == "approve" else "rejected"
    query = [f"program={program_id}", f"{verb}={done}"]
    query += [f"withdrawn={i}" for i in withdrawn] + [f"failed={i}" for i in failed]
    return redirect("/coordinator/proposals?" + "&".join(query))
