"""The whole-pool proposal: one exact assignment of the waiting newcomers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.matching import service as matching
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import lifecycle
from mentormatch.pairings.assignment import assign
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.schemas import (
    PairingPublic,
    ProposalSummary,
    UnplacedNewcomer,
)
from mentormatch.programs import scope

if TYPE_CHECKING:
    from mentormatch.matching.service import RankerCache

S = PairingStatus
OBJECT = "pairing"


def propose(
    session: Session, *, actor: Principal, ranker: RankerCache, settings: Settings, k: int = 50
) -> ProposalSummary:
    """One exact whole-pool assignment of waiting, non-urgent newcomers who completed the
    intake (never a minimal urgent request), longest waiting first."""
    has_proposal = exists().where(Pairing.newcomer_id == Newcomer.id, Pairing.status == S.proposed)
    pool = list(
        session.execute(
            select(Newcomer.id, Newcomer.waiting_since)
            .where(
                scope.where(actor, Newcomer.program_id),
                Newcomer.status == NewcomerStatus.waiting,
                Newcomer.urgent.is_(False),
                Newcomer.minimal.is_(False),
                ~has_proposal,
            )
            .order_by(Newcomer.waiting_since, Newcomer.id)
        ).all()
    )
    waited = {newcomer_id: since for newcomer_id, since in pool}
    pairings: list[Pairing] = []
    unplaced: list[UnplacedNewcomer] = []
    scores: list[float] = []
    if pool:
        graph = matching.candidate_graph(session, ranker=ranker, newcomer_ids=list(waited), k=k)
        csr, newcomer_ids, mentor_ids = graph.scores, graph.newcomer_ids, graph.mentor_ids
        remaining, blocking = graph.remaining_capacity, graph.blocking_rule
        proposed = dict(
            session.execute(
                select(Pairing.mentor_id, func.count())
                .where(Pairing.status == S.proposed)
                .group_by(Pairing.mentor_id)
            ).all()
        )
        capacity = np.maximum(
            np.asarray(remaining, dtype=np.int64)
            - np.asarray([proposed.get(int(m), 0) for m in mentor_ids], dtype=np.int64),
            0,
        )
        now = utcnow()
        priority = np.asarray(
            [(now - waited[int(n)]).total_seconds() / 86400 for n in newcomer_ids], dtype=float
        )
        result = assign(csr, capacity, priority=priority)
        for (i, j), score in zip(result.pairs, result.scores.tolist(), strict=True):
            newcomer = session.get(Newcomer, int(newcomer_ids[i]))
            assert newcomer is not None
            pairing = Pairing(
                program_id=newcomer.program_id,
                newcomer_id=newcomer.id,
                mentor_id=int(mentor_ids[j]),
                score=float(score),
                components={},
                reasons=[],
            )
            lifecycle.move(
                session,
                pairing=pairing,
                newcomer=newcomer,
                to=S.proposed,
                actor=actor,
                reason="whole_pool",
                at=now,
            )
            pairings.append(pairing)
            scores.append(float(score))
        for i in result.unplaced.tolist():
            newcomer_id = int(newcomer_ids[i])
            unplaced.append(
                UnplacedNewcomer(
                    newcomer_id=newcomer_id, blocking_rule=blocking.get(newcomer_id, "capacity")
                )
            )
    audit.record(session, actor=actor, action="propose", object_type=OBJECT)
    session.commit()
    total = float(sum(scores))
    return ProposalSummary(
        placed=len(pairings),
        total_score=total,
        mean_score=total / len(pairings) if pairings else 0.0,
        pairings=[PairingPublic.model_validate(p) for p in pairings],
        unplaced=unplaced,
    )
