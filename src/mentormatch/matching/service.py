"""The bridge between the database and the rankers: fresh suggestions, explanations, candidates.

Every answer comes from the ranker of one program — the newcomer's — held fresh by the
process's `cache.RankerCache` (one ranker per program, fitted on that program's mentors with
its settings in force), so suggestions, explanations and proposals never cross programs.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.decisions.record import shown
from mentormatch.errors import NotFound
from mentormatch.i18n import N_
from mentormatch.matching import frames as F
from mentormatch.matching import rules, synthetic
from mentormatch.matching.cache import RankerCache
from mentormatch.matching.db_frames import newcomer_frame, one_newcomer_record
from mentormatch.matching.explain import Explanation, Suggestion
from mentormatch.matching.newcomer_rows import encode_newcomers
from mentormatch.matching.ranker import MentorRanker
from mentormatch.mentors import capacity as mentor_capacity
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.minimal import NotMatchable
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.assignment import assign
from mentormatch.programs import scope


@dataclass(frozen=True, slots=True)
class FailedRule:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class CandidateGraph:
    """Top-k feasible mentors per newcomer, for the whole-pool assignment."""

    scores: sp.csr_matrix  # newcomers x mentors
    newcomer_ids: np.ndarray
    mentor_ids: np.ndarray
    remaining_capacity: np.ndarray  # per mentor column
    blocking_rule: dict[int, str]  # newcomer id -> rule excluding most mentors, if none feasible
    newcomers: pd.DataFrame  # the newcomers frame, rows in the order of newcomer_ids


async def get_ranker(request: Request) -> RankerCache:
    """The app's ranker cache (async: no worker thread for a lookup)."""
    cache: RankerCache = request.app.state.ranker
    return cache


RankerDep = Annotated[RankerCache, Depends(get_ranker)]


def _newcomer_record(
    session: Session, newcomer_id: int, actor: Principal | None
) -> tuple[int, dict[str, Any]]:
    """The newcomer's program and matching record, in one read; 404 when missing or
    outside the actor's programs (`actor` None: the caller has checked)."""
    found = one_newcomer_record(
        session, newcomer_id, admits=lambda program_id: not scope.hidden(actor, program_id)
    )
    if found is None:
        raise NotFound(N_("no such newcomer"))
    return found


def suggestions(
    session: Session,
    *,
    actor: Principal | None,
    ranker: RankerCache,
    newcomer_id: int,
    limit: int = 5,
) -> list[Suggestion]:
    """The best feasible mentors of the newcomer's program for a newcomer, with criterion
    scores and reasons (none for a minimal urgent request: it has no answers to match on
    yet)."""
    try:
        program_id, record = _newcomer_record(session, newcomer_id, actor)
    except NotMatchable:
        return []
    with ranker.fresh(session, program_id) as fitted:
        if fitted is None:
            return []
        found = fitted.suggestions(record, k=limit)
        weights = dict(fitted.program_.weights)
    if actor is not None:  # a coordinator sees them: recorded to learn from (decisions)
        shown(session, user_id=actor.user_id, program_id=program_id, newcomer_id=newcomer_id,
              suggestions=found, weights=weights)  # fmt: skip
    return found


def explain(
    session: Session,
    *,
    ranker: RankerCache,
    newcomer_id: int,
    mentor_id: int,
    actor: Principal | None = None,
) -> Explanation:
    """Why this mentor is, or is not, suggested for this newcomer (a mentor of another
    program is missing: pairings never cross programs)."""
    program_id, record = _newcomer_record(session, newcomer_id, actor)
    mentor = session.get(Mentor, mentor_id)
    if mentor is None or mentor.program_id != program_id:
        raise NotFound(N_("no such mentor"))
    with ranker.fresh(session, program_id) as fitted:
        assert fitted is not None  # the mentor exists
        return fitted.explain(record, mentor_id)


def failed_rules(
    session: Session, *, ranker: RankerCache, newcomer_id: int, mentor_id: int
) -> list[FailedRule]:
    """Every hard rule this pair breaks now (capacity included); empty when allowed."""
    explanation = explain(session, ranker=ranker, newcomer_id=newcomer_id, mentor_id=mentor_id)
    return [FailedRule(code, message) for code, message in explanation.failed_rules]


def candidate_graph(
    session: Session,
    *,
    ranker: RankerCache,
    program_id: int,
    newcomer_ids: list[int],
    k: int = 50,
    mentor_k: int = 50,
) -> CandidateGraph:
    """Feasible pairs of one program as a sparse score matrix, with capacities (every
    newcomer must be of that program: ValueError otherwise).

    Holds each newcomer's top-``k`` mentors and each mentor's top-``mentor_k``
    newcomers: without the latter, a mentor nobody ranks highly has no edge and the
    assignment can strand newcomers that mentor could take. With 50 and 50 the
    optimum on this graph is within 0.01 % of the optimum over all feasible pairs
    in the benchmark (docs/benchmarks.md); 10 per mentor was not.
    """
    newcomers = list(
        session.scalars(
            select(Newcomer).where(Newcomer.id.in_(newcomer_ids), Newcomer.program_id == program_id)
        )
    )
    if len(newcomers) != len(set(newcomer_ids)):
        raise ValueError(f"not all of newcomer_ids are newcomers of program {program_id}")
    order = {nid: i for i, nid in enumerate(newcomer_ids)}
    newcomers.sort(key=lambda n: order[n.id])
    frame = newcomer_frame(session, newcomers)
    with ranker.fresh(session, program_id) as fitted:
        if fitted is None:
            empty = sp.csr_matrix((len(newcomers), 0))
            ids = np.asarray([n.id for n in newcomers], dtype=np.int64)
            return CandidateGraph(
                empty,
                ids,
                np.empty(0, dtype=np.int64),
                np.empty(0),
                {int(i): "capacity" for i in ids},
                frame,
            )
        scores, ids, mentor_ids = fitted.candidates(frame, k=k, mentor_k=mentor_k)
        capacity = mentor_capacity.remaining(session, [int(m) for m in mentor_ids])
        blocked = np.flatnonzero(np.diff(scores.indptr) == 0)
        blocking = blocking_rules(fitted, frame.iloc[blocked]) if blocked.size else {}
    return CandidateGraph(scores, ids, mentor_ids, capacity, blocking, frame)


def describe_pairs(
    session: Session, *, ranker: RankerCache, program_id: int, graph: CandidateGraph,
    pairs: list[tuple[int, int]],
) -> list[tuple[dict[str, float], list[str]]]:  # fmt: skip
    """Criterion scores and reasons (as suggestions word them) of chosen (row, column)
    pairs of a program's candidate graph."""
    if not pairs:
        return []
    rows, cols = (np.asarray(x, dtype=np.int64) for x in zip(*pairs, strict=True))
    with ranker.fresh(session, program_id) as fitted:
        assert fitted is not None  # the graph has these mentors
        return fitted.describe(graph.newcomers.iloc[rows], graph.mentor_ids[cols])


def blocking_rules(fitted: MentorRanker, newcomers: pd.DataFrame) -> dict[int, str]:
    """For newcomers with no feasible mentor: the hard rule that excludes the most of the
    mentors who have a free place ("capacity" when none has)."""
    out: dict[int, str] = {}
    if not len(fitted.pool_):
        return {int(i): "capacity" for i in F.check_newcomers(newcomers)[F.ID].tolist()}
    for q in encode_newcomers(F.check_newcomers(newcomers), fitted.encoders_):
        pair = rules.Pair(fitted.pool_, q, fitted.program_)
        failing: Counter[str] = Counter()
        for rule in rules.RULES:
            mask = rule.check(pair)
            if mask is not None:
                failing[rule.code] = int(np.count_nonzero(~mask))
        out[q.id] = failing.most_common(1)[0][0] if failing else "capacity"
    return out


_warmed = threading.Event()
_warming = threading.Lock()


def warm_up() -> None:
    """Compile every compiled function a request can reach, or load it from numba's disk
    cache, before serving: the ranking kernel (one newcomer and many), each mentor's best
    newcomers and their merge (whole-pool proposals), the assignment solver and the
    reasons of proposed pairs. Once per process; later calls return at once.

    A first compile takes several seconds (docs/benchmarks.md, "Start-up"); without this
    the first suggestion or proposal after a fresh install would wait for it.
    """
    with _warming:
        if _warmed.is_set():
            return
        world = synthetic.generate(0, mentors=40, newcomers=4)
        ranker = MentorRanker(reference_time=world.reference).fit(world.mentors)
        ranker.rank(world.newcomers, k=1)
        ranker.suggestions(world.newcomers.iloc[:1], k=1)
        scores, _, mentor_ids = ranker.candidates(world.newcomers, k=5, mentor_k=5)
        if scores.nnz:
            row, col = scores.nonzero()
            ranker.describe(world.newcomers.iloc[row[:1]], mentor_ids[col[:1]])
        assign(scores, np.ones(len(mentor_ids), dtype=np.int64))
        _warmed.set()


def prefit(session: Session, ranker: RankerCache, program_ids: list[int]) -> None:
    """Fit each program's ranker now, so that its first suggestion or proposal does not."""
    for program_id in program_ids:
        with ranker.fresh(session, program_id):
            pass
