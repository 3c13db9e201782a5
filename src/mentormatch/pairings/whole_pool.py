"""The whole-pool proposal: one exact assignment of the waiting newcomers per program."""

from __future__ import annotations

from datetime import datetime
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
from mentormatch.programs import settings as program_settings
from mentormatch.programs.models import Program

if TYPE_CHECKING:
    from mentormatch.matching.service import RankerCache

S = PairingStatus
OBJECT = "pairing"


def propose(
    session: Session,
    *,
    actor: Principal,
    ranker: RankerCache,
    settings: Settings,
    program_id: int | None = None,
    k: int = 50,
) -> ProposalSummary:
    """Exact whole-pool assignments of waiting, non-urgent newcomers who completed the intake
    (never a minimal urgent request), longest waiting first: one per program among the
    actor's (or `program_id` alone, 404 outside them), each among that program's mentors
    with its own `wait_weight`, so no proposal crosses programs."""
    if program_id is not None:
        scope.ensure_visible(actor, program_id, "no such program")
    programs = [program_id] if program_id is not None else sorted(actor.program_ids)
    now = utcnow()
    pairings: list[Pairing] = []
    unplaced: list[UnplacedNewcomer] = []
    for pid in programs:
        program = session.get(Program, pid)
        if program is None:
            continue
        wait_weight = program_settings.effective(program, settings).wait_weight
        _propose_in(session, actor, ranker, program.id, wait_weight, now, k, pairings, unplaced)
    audit.record(session, actor=actor, action="propose", object_type=OBJECT)
    session.commit()
    total = float(sum(p.score or 0.0 for p in pairings))
    return ProposalSummary(
        placed=len(pairings),
        total_score=total,
        mean_score=total / len(pairings) if pairings else 0.0,
        pairings=[PairingPublic.model_validate(p) for p in pairings],
        unplaced=unplaced,
    )


def _propose_in(
    session: Session,
    actor: Principal,
    ranker: RankerCache,
    program_id: int,
    wait_weight: float,
    now: datetime,
    k: int,
    pairings: list[Pairing],
    unplaced: list[UnplacedNewcomer],
) -> None:
    """One program's assignment: proposed pairings into `pairings`, the rest into `unplaced`."""
    has_proposal = exists().where(Pairing.newcomer_id == Newcomer.id, Pairing.status == S.proposed)
    pool = list(
        session.execute(
            select(Newcomer.id, Newcomer.waiting_since)
            .where(
                Newcomer.program_id == program_id,
                Newcomer.status == NewcomerStatus.waiting,
                Newcomer.urgent.is_(False),
                Newcomer.minimal.is_(False),
                ~has_proposal,
            )
            .order_by(Newcomer.waiting_since, Newcomer.id)
        ).all()
    )
    if not pool:
        return
    waited = {newcomer_id: since for newcomer_id, since in pool}
    graph = matching.candidate_graph(
        session, ranker=ranker, program_id=program_id, newcomer_ids=list(waited), k=k
    )
    csr, newcomer_ids, mentor_ids = graph.scores, graph.newcomer_ids, graph.mentor_ids
    proposed = dict(
        session.execute(
            select(Pairing.mentor_id, func.count())
            .where(Pairing.status == S.proposed)
            .group_by(Pairing.mentor_id)
        ).all()
    )
    capacity = np.maximum(
        np.asarray(graph.remaining_capacity, dtype=np.int64)
        - np.asarray([proposed.get(int(m), 0) for m in mentor_ids], dtype=np.int64),
        0,
    )
    priority = np.asarray(
        [(now - waited[int(n)]).total_seconds() / 86400 for n in newcomer_ids], dtype=float
    )
    result = assign(csr, capacity, priority=priority, wait_weight=wait_weight)
    for (i, j), score in zip(result.pairs, result.scores.tolist(), strict=True):
        newcomer = session.get(Newcomer, int(newcomer_ids[i]))
        assert newcomer is not None
        pairing = Pairing(
            program_id=program_id,
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
    for i in result.unplaced.tolist():
        newcomer_id = int(newcomer_ids[i])
        unplaced.append(
            UnplacedNewcomer(
                newcomer_id=newcomer_id,
                blocking_rule=graph.blocking_rule.get(newcomer_id, "capacity"),
            )
        )
