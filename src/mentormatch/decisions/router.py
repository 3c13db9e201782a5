"""The admin's learned-weights API: how many decisions teach, a proposal, adopt or dismiss."""

from __future__ import annotations

from fastapi import APIRouter

from mentormatch.accounts.dependencies import AdminDep
from mentormatch.decisions import learn
from mentormatch.decisions.models import WeightProposal
from mentormatch.decisions.schemas import (
    CriterionWeight,
    Held,
    LearnedWeightsPublic,
    OutcomeCount,
    ProposalPublic,
)
from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.errors import error_responses
from mentormatch.matching.program import CRITERIA
from mentormatch.programs import admin

router = APIRouter(
    prefix="/api/v1/programs", tags=["learned weights"], responses=error_responses(401, 403)
)


def public(row: WeightProposal) -> ProposalPublic:
    """A stored proposal as the API and the page show it."""
    weights = [
        CriterionWeight(
            criterion=c, current=row.current[c], proposed=row.weights[c], std=row.std[c]
        )
        for c in CRITERIA
    ]
    return ProposalPublic(
        id=row.id,
        program_id=row.program_id,
        created_at=row.created_at,
        status=row.status,
        decided_at=row.decided_at,
        weights=weights,
        decisions=row.decisions,
        held_out=row.held_out,
        current=Held.model_validate(row.comparison["current"]),
        proposed=Held.model_validate(row.comparison["proposed"]),
        labels=list(row.labels),
    )


@router.get(
    "/{program_id}/learned-weights",
    response_model=LearnedWeightsPublic,
    responses=error_responses(404, 422),
)
def read_learned(
    program_id: RowId, me: AdminDep, session: SessionDep, settings: SettingsDep
) -> LearnedWeightsPublic:
    """How many decisions about fit the program has, how many a proposal needs, the
    weights in force and the latest proposal."""
    program = admin.get(session, program_id)
    now = learn.state(session, program=program, settings=settings)
    return LearnedWeightsPublic(
        program_id=program.id,
        decisions=now.decisions,
        recorded=now.recorded,
        needed=now.needed,
        current=now.current,
        outcomes=[
            OutcomeCount(label=label, count=n, teaches=n >= now.outcomes_needed)
            for label, n in now.outcomes.items()
        ],
        outcomes_needed=now.outcomes_needed,
        proposal=public(now.latest) if now.latest is not None else None,
    )


@router.post(
    "/{program_id}/learned-weights",
    response_model=ProposalPublic,
    status_code=201,
    responses=error_responses(404, 409, 422),
)
def make_proposal(
    program_id: RowId, me: AdminDep, session: SessionDep, settings: SettingsDep
) -> ProposalPublic:
    """Learn weights from the program's decisions and propose them, compared with those in
    force on the latest decisions (held out). Nothing changes until an admin adopts them;
    fewer decisions than the program's learn_min_decisions is a 409."""
    program = admin.get(session, program_id)
    return public(learn.propose(session, actor=me, program=program, settings=settings))


@router.post(
    "/{program_id}/learned-weights/{proposal_id}/adopt",
    response_model=ProposalPublic,
    responses=error_responses(404, 409, 422),
)
def adopt_proposal(
    program_id: RowId,
    proposal_id: RowId,
    me: AdminDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ProposalPublic:
    """Put the proposed weights in force: recorded as a settings change by you. Hard rules
    and every other setting stay. 409 if already decided or the weights changed since."""
    program = admin.get(session, program_id)
    row = learn.adopt(
        session, actor=me, program=program, proposal_id=proposal_id, settings=settings
    )
    return public(row)


@router.post(
    "/{program_id}/learned-weights/{proposal_id}/dismiss",
    response_model=ProposalPublic,
    responses=error_responses(404, 409, 422),
)
def dismiss_proposal(
    program_id: RowId, proposal_id: RowId, me: AdminDep, session: SessionDep
) -> ProposalPublic:
    """Record that the proposal is not adopted (the weights stay). 409 if already decided."""
    program = admin.get(session, program_id)
    return public(learn.dismiss(session, actor=me, program=program, proposal_id=proposal_id))
