"""Suggestion routes: ranked mentors for a newcomer and the why (or why not) of one pair."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from mentormatch.accounts.dependencies import CoordinatorDep
from mentormatch.audit import service as audit
from mentormatch.deps import SessionDep
from mentormatch.matching import service
from mentormatch.matching.schemas import ExplanationOut, FailedRuleOut, MentorRef, SuggestionOut
from mentormatch.matching.service import RankerDep

router = APIRouter(prefix="/api/v1/newcomers", tags=["suggestions"])


@router.get("/{newcomer_id}/suggestions", response_model=list[SuggestionOut])
def list_suggestions(
    newcomer_id: int,
    coordinator: CoordinatorDep,
    session: SessionDep,
    ranker: RankerDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[SuggestionOut]:
    """The best feasible mentors for this newcomer, with scores and reasons."""
    found = service.suggestions(session, ranker=ranker, newcomer_id=newcomer_id, limit=limit)
    audit.record(
        session, actor=coordinator, action="suggest", object_type="newcomer", object_id=newcomer_id
    )
    session.commit()
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


@router.get("/{newcomer_id}/suggestions/{mentor_id}", response_model=ExplanationOut)
def explain_pair(
    newcomer_id: int,
    mentor_id: int,
    coordinator: CoordinatorDep,
    session: SessionDep,
    ranker: RankerDep,
) -> ExplanationOut:
    """Why this mentor is suggested for this newcomer — or which hard rules exclude them."""
    e = service.explain(session, ranker=ranker, newcomer_id=newcomer_id, mentor_id=mentor_id)
    audit.record(
        session, actor=coordinator, action="explain", object_type="newcomer", object_id=newcomer_id
    )
    session.commit()
    return ExplanationOut(
        mentor=MentorRef(id=e.mentor_id, display_name=e.display_name),
        feasible=e.feasible,
        rank=e.rank,
        score=e.score,
        components=e.components,
        reasons=e.reasons,
        failed_rules=[FailedRuleOut(code=c, message=m) for c, m in e.failed_rules],
    )
