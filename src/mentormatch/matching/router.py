"""Suggestion routes: ranked mentors for a newcomer and the why (or why not) of one pair."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from mentormatch.accounts.dependencies import CoordinatorDep
from mentormatch.audit import service as audit
from mentormatch.deps import RowId, SessionDep
from mentormatch.errors import error_responses
from mentormatch.matching import service
from mentormatch.matching.schemas import ExplanationOut, FailedRuleOut, MentorRef, SuggestionOut
from mentormatch.matching.service import RankerDep
from mentormatch.openapi import link

router = APIRouter(
    prefix="/api/v1/newcomers", tags=["suggestions"], responses=error_responses(401, 403)
)

_SAME_NEWCOMER = "$request.path.newcomer_id"
_BEST_MENTOR = "$response.body#/0/mentor/id"
SUGGESTION_LINKS = {
    "PairWithBest": link(
        "pairings_create_pairing",
        "Approve the best suggestion: the mentor is asked",
        body={"newcomer_id": _SAME_NEWCOMER, "mentor_id": _BEST_MENTOR},
    ),
    "ExplainBest": link(
        "suggestions_explain_pair",
        "Why the best suggestion ranks where it does",
        parameters={"path.newcomer_id": _SAME_NEWCOMER, "path.mentor_id": _BEST_MENTOR},
    ),
}


@router.get(
    "/{newcomer_id}/suggestions",
    response_model=list[SuggestionOut],
    responses={200: {"links": SUGGESTION_LINKS}, **error_responses(404, 422)},
)
def list_suggestions(
    newcomer_id: RowId,
    coordinator: CoordinatorDep,
    session: SessionDep,
    ranker: RankerDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[SuggestionOut]:
    """The best feasible mentors for this newcomer, with scores and reasons."""
    found = service.suggestions(
        session, actor=coordinator, ranker=ranker, newcomer_id=newcomer_id, limit=limit
    )
    audit.record_read(
        session, actor=coordinator, action="suggest", object_type="newcomer", object_id=newcomer_id
    )
    return [
        SuggestionOut(
            mentor=MentorRef(id=s.mentor_id, display_name=s.display_name),
            rank=s.rank,
            score=s.score,
            components=s.components,
            reasons=s.reasons,
        )
        for s in found
    ]


@router.get(
    "/{newcomer_id}/suggestions/{mentor_id}",
    response_model=ExplanationOut,
    responses=error_responses(404, 422),
)
def explain_pair(
    newcomer_id: RowId,
    mentor_id: RowId,
    coordinator: CoordinatorDep,
    session: SessionDep,
    ranker: RankerDep,
) -> ExplanationOut:
    """Why this mentor is suggested for this newcomer — or which hard rules exclude them."""
    e = service.explain(
        session, ranker=ranker, newcomer_id=newcomer_id, mentor_id=mentor_id, actor=coordinator
    )
    audit.record_read(
        session, actor=coordinator, action="explain", object_type="newcomer", object_id=newcomer_id
    )
    return ExplanationOut(
        mentor=MentorRef(id=e.mentor_id, display_name=e.display_name),
        feasible=e.feasible,
        rank=e.rank,
        score=e.score,
        components=e.components,
        reasons=e.reasons,
        failed_rules=[FailedRuleOut(code=c, message=m) for c, m in e.failed_rules],
    )
