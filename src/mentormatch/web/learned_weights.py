"""The admin's learned-weights page of a program: the weights in force and those learned
from decisions side by side, with their uncertainty, the held-out comparison, how many
decisions there are and what they were; make a proposal, adopt it or dismiss it."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.decisions import learn
from mentormatch.decisions.router import public
from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import N_
from mentormatch.programs import admin as programs
from mentormatch.web.core import AdminPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/admin/programs", route_class=WebRoute, include_in_schema=False)

# What weights are learned from (`matching.learning.KINDS`, `decisions.outcomes.LABELS`),
# after a count: "3 suggestions turned down as not a fit".
LABELS = {
    "approved": N_("coordinators' approvals among the shown suggestions"),
    "rejected": N_("suggestions turned down as not a fit"),
    "accepted": N_("mentors' acceptances of a request"),
    "declined": N_("mentors' declines for a reason about fit"),
    "ended_early": N_("pairings ended early as not a fit"),
    "not_a_fit": N_("'not a fit' answers"),
    "retained": N_("pairings held to their planned end"),
    "recovery_capital": N_("recovery-capital changes while paired"),
}
# Where a proposal stands (`decisions.learn`).
STATUSES = {
    learn.OPEN: N_("open"),
    learn.ADOPTED: N_("adopted"),
    learn.DISMISSED: N_("dismissed"),
}
NOTICES = {
    "proposed": N_("Weights learned and proposed below. Nothing changes until you adopt them."),
    "adopted": N_("Adopted: the learned weights are in force, recorded as a settings change."),
    "dismissed": N_("Dismissed: the weights in force stay."),
}


def _page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    program_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    program = programs.get(session, program_id)
    now = learn.state(session, program=program, settings=settings)
    proposal = public(now.latest) if now.latest is not None else None
    return render(
        request,
        "admin/learned_weights.html",
        {
            "program": program,
            "state": now,
            "proposal": proposal,
            "labels": LABELS,
            "statuses": STATUSES,
            "learned_from": [LABELS.get(k, k) for k in proposal.labels] if proposal else [],
            "error": error,
            "notice": NOTICES.get(request.query_params.get("done") or ""),
        },
        status_code=status_code,
    )


@router.get("/{program_id}/learned-weights")
def learned_page(
    program_id: RowId, request: Request, me: AdminPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Current and learned weights side by side, and the decisions behind them."""
    return _page(request, session, settings, program_id)


def _act(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    program_id: int,
    action: str,
    run: Callable[[], object],
) -> Response:
    """Run the action; its refusal (409) is shown on the page (the template leaves out the
    field it names, after translating it), a missing record is a 404."""
    try:
        run()
    except MentorMatchError as exc:
        session.rollback()
        if exc.status_code == 404:
            raise
        return _page(request, session, settings, program_id, error=exc.message,
                     status_code=exc.status_code)  # fmt: skip
    return redirect(f"/admin/programs/{program_id}/learned-weights?done={action}")


@router.post("/{program_id}/learned-weights")
def make_proposal(
    program_id: RowId,
    request: Request,
    form: FormDep,
    me: AdminPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Learn weights from the program's decisions and show them as a proposal."""
    program = programs.get(session, program_id)
    return _act(
        request, session, settings, program_id, "proposed",
        lambda: learn.propose(session, actor=me, program=program, settings=settings),
    )  # fmt: skip


@router.post("/{program_id}/learned-weights/{proposal_id}/adopt")
def adopt(
    program_id: RowId,
    proposal_id: RowId,
    request: Request,
    form: FormDep,
    me: AdminPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Put the proposal's weights in force (a recorded settings change)."""
    program = programs.get(session, program_id)
    return _act(request, session, settings, program_id, "adopted",
                lambda: learn.adopt(session, actor=me, program=program, proposal_id=proposal_id,
                                    settings=settings))  # fmt: skip


@router.post("/{program_id}/learned-weights/{proposal_id}/dismiss")
def dismiss(
    program_id: RowId,
    proposal_id: RowId,
    request: Request,
    form: FormDep,
    me: AdminPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Record that the proposal is not adopted."""
    program = programs.get(session, program_id)
    return _act(
        request, session, settings, program_id, "dismissed",
        lambda: learn.dismiss(session, actor=me, program=program, proposal_id=proposal_id),
    )  # fmt: skip
