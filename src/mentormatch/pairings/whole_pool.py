"""The whole-pool proposal: one exact assignment of the waiting newcomers per program."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from sqlalchemy import Row, exists, func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.i18n import N_
from mentormatch.matching import service as matching
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import left_out, lifecycle, stale
from mentormatch.pairings.assignment import assign, wait_weight_for
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

    # one waiting newcomer: id, waiting_since, first_name, reference
    Waiting = Row[int, datetime, str, str]

S = PairingStatus
OBJECT = "pairing"
WHOLE_POOL = "whole_pool"  # the reason of a proposal's first event


@dataclass
class _Outcome:
    pairings: list[Pairing] = field(default_factory=list)
    unplaced: list[UnplacedNewcomer] = field(default_factory=list)


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
    (never a minimal urgent request): one per program among the actor's (or `program_id`
    alone, 404 outside them), each among that program's mentors with its own `wait_weight`
    (score points per 30 days waited), so no proposal crosses programs. Proposals that no
    longer hold are withdrawn first (`stale`), so their places count as free again."""
    if program_id is not None:
        scope.ensure_visible(actor, program_id, N_("no such program"))
    programs = [program_id] if program_id is not None else sorted(actor.program_ids)
    stale.sweep(session, where=Pairing.program_id.in_(programs))
    now = utcnow()
    out = _Outcome()
    for pid in programs:
        program = session.get(Program, pid)
        if program is None:
            continue
        points = program_settings.effective(program, settings).wait_weight
        _propose_in(session, actor, ranker, program.id, points, now, k, out)
    audit.record(session, actor=actor, action="propose", object_type=OBJECT)
    session.commit()
    total = float(sum(p.score or 0.0 for p in out.pairings))
    unplaced = sorted(out.unplaced, key=lambda u: (-u.waited_days, u.newcomer_id))
    return ProposalSummary(
        placed=len(out.pairings),
        total_score=total,
        mean_score=total / len(out.pairings) if out.pairings else 0.0,
        pairings=[PairingPublic.model_validate(p) for p in out.pairings],
        unplaced=unplaced,
        summary=summary(len(out.pairings), unplaced),
    )


def summary(placed: int, unplaced: list[UnplacedNewcomer]) -> str:
    """The proposal in words: how many were placed, and who waited longest of those left out."""
    proposed = f"Proposed {placed} pairing{'' if placed == 1 else 's'}."
    if not unplaced:
        return proposed + (" Everyone waiting was placed." if placed else " Nobody was waiting.")
    first = unplaced[0]
    left = f" {len(unplaced)} left out" if len(unplaced) > 1 else " 1 left out"
    return f"{proposed}{left}; the longest waiting: {first.why}"


def left_out_now(
    session: Session, *, actor: Principal, ranker: RankerCache, program_id: int,
    now: datetime, k: int = 50,
) -> list[UnplacedNewcomer]:  # fmt: skip
    """Who of the program is waiting with no proposal now, and why, longest waiting first:
    those a proposal would consider (404 for a program not the actor's)."""
    scope.ensure_visible(actor, program_id, N_("no such program"))
    people = _waiting(session, program_id)
    if not people:
        return []
    graph, capacity, days = _graph(session, ranker, program_id, people, now, k)
    fitting, with_room = _fitting(graph.scores, capacity)
    out = [
        _unplaced(people[int(n)], program_id, days[i], graph, fitting[i], with_room[i], False)
        for i, n in enumerate(graph.newcomer_ids.tolist())
    ]
    audit.record_read(
        session, actor=actor, action="list_left_out", object_type="newcomer",
        object_ids=[u.newcomer_id for u in out],
    )  # fmt: skip
    return sorted(out, key=lambda u: (-u.waited_days, u.newcomer_id))


def _waiting(session: Session, program_id: int) -> dict[int, Waiting]:
    """The newcomers a proposal considers, by id, longest waiting first: waiting, not
    urgent, not a minimal request, with no open proposal."""
    has_proposal = exists().where(Pairing.newcomer_id == Newcomer.id, Pairing.status == S.proposed)
    rows = session.execute(
        select(Newcomer.id, Newcomer.waiting_since, Newcomer.first_name, Newcomer.reference)
        .where(
            Newcomer.program_id == program_id,
            Newcomer.status == NewcomerStatus.waiting,
            Newcomer.urgent.is_(False),
            Newcomer.minimal.is_(False),
            ~has_proposal,
        )
        .order_by(Newcomer.waiting_since, Newcomer.id)
    ).all()
    return {row.id: row for row in rows}


def _graph(
    session: Session, ranker: RankerCache, program_id: int, people: dict[int, Waiting],
    now: datetime, k: int,
) -> tuple[matching.CandidateGraph, np.ndarray, np.ndarray]:  # fmt: skip
    """The candidate graph, each mentor's places not yet approved or proposed, and the
    days each newcomer (graph row) has waited."""
    graph = matching.candidate_graph(
        session, ranker=ranker, program_id=program_id, newcomer_ids=list(people), k=k
    )
    proposed = dict(
        session.execute(
            select(Pairing.mentor_id, func.count())
            .where(Pairing.status == S.proposed, Pairing.mentor_id.in_(graph.mentor_ids.tolist()))
            .group_by(Pairing.mentor_id)
        ).all()
    )
    capacity = np.maximum(
        np.asarray(graph.remaining_capacity, dtype=np.int64)
        - np.asarray([proposed.get(int(m), 0) for m in graph.mentor_ids], dtype=np.int64),
        0,
    )
    days = np.asarray(
        [(now - people[int(n)].waiting_since).total_seconds() / 86400 for n in graph.newcomer_ids]
    )
    return graph, capacity, days


def _fitting(csr: sp.csr_matrix, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per newcomer row: how many mentors fit, and how many of those have a place."""
    fitting = np.diff(csr.indptr)
    rows = np.repeat(np.arange(fitting.size), fitting)
    room = np.bincount(rows, weights=capacity[csr.indices] > 0, minlength=fitting.size)
    return fitting, room.astype(np.int64)


def _unplaced(
    person: Waiting, program_id: int, days: float, graph: matching.CandidateGraph,
    fitting: int, with_room: int, proposed: bool,
) -> UnplacedNewcomer:  # fmt: skip
    rule = graph.blocking_rule.get(person.id)
    why = left_out.reason(
        blocking_rule=rule, fitting=int(fitting), with_room=int(with_room), proposed=proposed
    )
    waited = int(days)
    name = stale.person(person.first_name, person.reference)
    return UnplacedNewcomer(
        newcomer_id=person.id,
        reference=person.reference,
        first_name=person.first_name,
        program_id=program_id,
        waited_days=waited,
        blocking_rule=rule or "capacity",
        reason=why,
        why=left_out.sentence(name=name, waited_days=waited, why=why, proposed=proposed),
    )


def _propose_in(
    session: Session,
    actor: Principal,
    ranker: RankerCache,
    program_id: int,
    points: float,
    now: datetime,
    k: int,
    out: _Outcome,
) -> None:
    """One program's assignment: proposed pairings and those left out into `out`."""
    people = _waiting(session, program_id)
    if not people:
        return
    graph, capacity, days = _graph(session, ranker, program_id, people, now, k)
    newcomer_ids, mentor_ids = graph.newcomer_ids, graph.mentor_ids
    result = assign(
        graph.scores, capacity, priority=days, wait_weight=wait_weight_for(points, days)
    )
    described = matching.describe_pairs(
        session, ranker=ranker, program_id=program_id, graph=graph, pairs=result.pairs
    )
    made = [
        Pairing(
            program_id=program_id,
            newcomer_id=int(newcomer_ids[i]),
            mentor_id=int(mentor_ids[j]),
            score=float(score),
            components=components,
            reasons=reasons,
        )
        for (i, j), score, (components, reasons) in zip(
            result.pairs, result.scores.tolist(), described, strict=True
        )
    ]
    lifecycle.propose_all(session, pairings=made, actor=actor, reason=WHOLE_POOL, at=now)
    out.pairings.extend(made)
    fitting, with_room = _fitting(graph.scores, capacity)
    for i in result.unplaced.tolist():
        person = people[int(newcomer_ids[i])]
        out.unplaced.append(
            _unplaced(person, program_id, days[i], graph, fitting[i], with_room[i], True)
        )
