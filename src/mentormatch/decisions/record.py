"""Recording what a coordinator was shown and every decision taken on it.

Called from the places they happen, after the ranker has answered (never inside it): the
suggestion service (the newcomer page and the API both ask it), the pairing state machine
(`lifecycle.move`: approvals, rejections, acceptances, declines, ends) and the fit check
("not a fit"). A decision belongs to the list it was taken on: the list its pairing's
approval was linked to, else the newcomer's latest list. A decision on a
newcomer nobody was shown a list for compares nothing and is not recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.audit.service import Actor
from mentormatch.db import utcnow
from mentormatch.decisions.models import MatchDecision, ShownList
from mentormatch.matching.explain import Suggestion
from mentormatch.matching.learning import PROPOSAL, teaches
from mentormatch.pairings.models import COMPLETED, Pairing, PairingStatus

S = PairingStatus


def shown(
    session: Session,
    *,
    user_id: int | None,
    program_id: int,
    newcomer_id: int,
    suggestions: Sequence[Suggestion],
    weights: dict[str, float],
) -> None:
    """Record a ranked list a coordinator sees (commits). The same mentors in the same order
    under the same weights as the newcomer's latest list are that list again: no new row."""
    if not suggestions:
        return
    mentors = [{"mentor_id": s.mentor_id, "rank": s.rank, "score": round(s.score, 6),
                "components": s.components} for s in suggestions]  # fmt: skip
    last = _latest(session, newcomer_id, program_id)
    if last is not None and last.weights == weights and _ids(last.mentors) == _ids(mentors):
        return
    session.add(ShownList(program_id=program_id, newcomer_id=newcomer_id, user_id=user_id,
                          shown_at=utcnow(), mentors=mentors, weights=dict(weights)))  # fmt: skip
    session.commit()


def _ids(mentors: list[dict[str, Any]]) -> list[int]:
    return [int(m["mentor_id"]) for m in mentors]


def _latest(session: Session, newcomer_id: int, program_id: int) -> ShownList | None:
    """The newcomer's latest list (decisions are recorded as they happen: it was shown
    before; the app's clock, which tests move, plays no part)."""
    query = select(ShownList).where(
        ShownList.newcomer_id == newcomer_id, ShownList.program_id == program_id
    )
    return session.scalars(query.order_by(ShownList.id.desc()).limit(1)).first()


def kind_of(before: PairingStatus | None, to: PairingStatus, reason: str) -> str | None:
    """The decision a pairing's move is (`learning.KINDS`), or None when it is none."""
    if to is S.ended:
        return None if reason == COMPLETED else "ended_early"
    return {S.approved: "approved", S.rejected: "rejected", S.active: "accepted",
            S.declined: "declined"}.get(to)  # fmt: skip


def decided(
    session: Session,
    *,
    pairing: Pairing,
    kind: str,
    reason: str,
    actor: Actor,
    at: datetime,
) -> MatchDecision | None:
    """Record a decision on the pairing's shown list (added; the caller commits)."""
    linked = session.scalars(
        select(MatchDecision.shown_list_id)
        .where(MatchDecision.pairing_id == pairing.id)
        .order_by(MatchDecision.id)
        .limit(1)
    ).first()
    if linked is None:
        found = _latest(session, pairing.newcomer_id, pairing.program_id)
        if found is None:
            return None
        linked = found.id
    decision = MatchDecision(
        shown_list_id=linked,
        program_id=pairing.program_id,
        pairing_id=pairing.id,
        mentor_id=pairing.mentor_id,
        kind=kind,
        reason=reason,
        teaches=teaches(kind, reason),
        components={k: float(v) for k, v in (pairing.components or {}).items()},
        actor_role=str(actor.role),
        decided_at=at,
    )
    session.add(decision)
    return decision


def moved(
    session: Session,
    *,
    pairing: Pairing,
    before: PairingStatus | None,
    reason: str,
    actor: Actor,
    at: datetime,
) -> None:
    """Record the decision a pairing's move is, if it is one (`lifecycle.move` calls this)."""
    kind = kind_of(before, pairing.status, reason)
    if kind is None:
        return
    if kind == "approved" and before is S.proposed:
        reason = PROPOSAL  # the assignment chose; the coordinator agreed
    decided(session, pairing=pairing, kind=kind, reason=reason, actor=actor, at=at)
