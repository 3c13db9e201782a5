"""Whole-pool assignment of waiting newcomers to mentors under mentor capacity.

Input is a sparse candidate matrix ``candidates`` (N newcomers x M mentors) whose stored
entries are the feasible pairs (hard rules already applied) with the ranker score
``s[i, j]`` in [0, 1]; an absent entry means the pair is not allowed. ``capacity[j]`` is
the number of free slots of mentor ``j`` and ``priority[i]`` how long newcomer ``i`` has
waited (e.g. days).

Objective (lexicographic, solved exactly by :func:`assign`):

1. Maximise the number of placed newcomers (a maximum-cardinality capacitated
   matching on the candidate graph: nobody is left unplaced who could have been placed).
2. Among all maximum-cardinality assignments, maximise

   ``sum over placed pairs (i, j) of  s[i, j] + wait_weight * p[i]``

   where ``p[i] = (priority[i] - min(priority)) / (max(priority) - min(priority))`` is the
   waiting time min-max normalised to [0, 1] (``p = 0`` when all wait equally or no
   priority is given). The waiting bonus is earned only by placed newcomers, so when
   capacity is short and the choice is between newcomers, those who waited longest are
   preferred; with the default ``wait_weight = 0.05`` it breaks ties and near-ties in
   score (a gap of up to 0.05 between two otherwise equal candidates) without
   overriding clearly better matches.

:func:`assign` solves this as a min-cost maximum flow (OR-Tools ``SimpleMinCostFlow``,
``solve_max_flow_with_min_cost``) on newcomer -> mentor -> sink with integer arc costs
``round(((1 + wait_weight) - s - wait_weight * p) * SCORE_SCALE)``. Costs are scaled to
integers, so the result is exact up to a rounding of at most ``0.5 / SCORE_SCALE`` per
pair. :func:`assign_greedy` is the best-edge-first baseline and
:func:`assign_exact_dense` an independent exact solver (Hungarian-type
``linear_sum_assignment`` on capacity-expanded mentors) for sizes that fit in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

__all__ = [
    "DEFAULT_WAIT_POINTS",
    "DEFAULT_WAIT_WEIGHT",
    "SCORE_SCALE",
    "WAIT_PERIOD_DAYS",
    "Assignment",
    "assign",
    "assign_exact_dense",
    "assign_greedy",
    "objective_value",
    "wait_weight_for",
]

DEFAULT_WAIT_WEIGHT = 0.05
SCORE_SCALE = 1_000_000
DEFAULT_MAX_DENSE_CELLS = 200_000_000
# A program's setting (`wait_weight` in programs/settings.py): score points that each
# WAIT_PERIOD_DAYS of waiting are worth. The default 1 makes a month's wait outweigh any
# difference in match score (scores run from 0 to 1).
WAIT_PERIOD_DAYS = 30
DEFAULT_WAIT_POINTS = 1.0


@dataclass(frozen=True, eq=False)
class Assignment:
    """Result of a whole-pool assignment; indices refer to the candidate matrix."""

    pairs: list[tuple[int, int]]
    scores: np.ndarray
    unplaced: np.ndarray
    total_score: float

    @property
    def placed(self) -> int:
        """Number of newcomers placed."""
        return len(self.pairs)


@dataclass(frozen=True)
class _Problem:
    """Validated problem in COO form with per-edge objective weights."""

    n: int
    m: int
    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    capacity: np.ndarray
    bonus: np.ndarray


def _normalised_priority(priority: np.ndarray | None, n: int) -> np.ndarray:
    """Min-max normalise waiting times to [0, 1] (all zeros when absent or constant)."""
    if priority is None:
        return np.zeros(n)
    p = np.asarray(priority, dtype=np.float64)
    if p.shape != (n,):
        raise ValueError(f"priority must have shape ({n},) (one per newcomer), got {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("priority must contain only finite values")
    if n == 0:
        return p
    lo, hi = float(p.min()), float(p.max())
    return (p - lo) / (hi - lo) if hi > lo else np.zeros(n)


def _prepare(
    candidates: sp.spmatrix | sp.sparray,
    capacity: np.ndarray,
    priority: np.ndarray | None,
    wait_weight: float,
) -> _Problem:
    """Validate inputs and flatten the candidate graph into edge arrays."""
    if not sp.issparse(candidates):
        raise TypeError("candidates must be a scipy.sparse matrix (newcomers x mentors)")
    if candidates.ndim != 2:
        raise ValueError(f"candidates must be 2-D, got {candidates.ndim}-D")
    n, m = candidates.shape
    cap = np.asarray(capacity)
    if cap.shape != (m,):
        raise ValueError(
            f"capacity must have shape ({m},) (one per mentor column of candidates), "
            f"got {cap.shape}"
        )
    whole = cap.dtype.kind in "iub" or (
        cap.dtype.kind == "f" and np.all(np.isfinite(cap)) and np.all(cap == np.round(cap))
    )
    if not whole:
        raise ValueError("capacity must contain whole numbers of free slots")
    cap = cap.astype(np.int64)
    if np.any(cap < 0):
        bad = np.flatnonzero(cap < 0)[:5].tolist()
        raise ValueError(f"capacity must be >= 0; negative for mentor indices {bad}")
    if not np.isfinite(wait_weight) or wait_weight < 0:
        raise ValueError(f"wait_weight must be a finite number >= 0, got {wait_weight}")
    bonus = float(wait_weight) * _normalised_priority(priority, n)

    csr = sp.csr_matrix(candidates, dtype=np.float64)  # the caller's matrix when it is one
    if not csr.has_canonical_format:  # copied before summing, never changed in place
        csr = csr.copy()
        csr.sum_duplicates()
    scores = csr.data
    if scores.size and (
        not np.all(np.isfinite(scores)) or scores.min() < 0.0 or scores.max() > 1.0
    ):
        raise ValueError("candidate scores must be finite and within [0, 1]")
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(csr.indptr))
    cols = csr.indices.astype(np.int64)
    keep = cap[cols] > 0
    if not np.all(keep):
        rows, cols, scores = rows[keep], cols[keep], scores[keep]
    return _Problem(n, m, rows, cols, scores, scores + bonus[rows], cap, bonus)


def _result(prob: _Problem, chosen: np.ndarray) -> Assignment:
    """Build an :class:`Assignment` from the indices of the chosen edges."""
    order = np.argsort(prob.rows[chosen], kind="stable")
    chosen = chosen[order]
    r, c, s = prob.rows[chosen], prob.cols[chosen], prob.scores[chosen]
    placed = np.zeros(prob.n, dtype=bool)
    placed[r] = True
    return Assignment(
        pairs=list(zip(r.tolist(), c.tolist(), strict=True)),
        scores=s.copy(),
        unplaced=np.flatnonzero(~placed),
        total_score=float(s.sum()),
    )


def assign(
    candidates: sp.spmatrix | sp.sparray,
    capacity: np.ndarray,
    *,
    priority: np.ndarray | None = None,
    wait_weight: float = DEFAULT_WAIT_WEIGHT,
) -> Assignment:
    """Exact max-cardinality, max-score capacitated assignment via min-cost max-flow."""
    prob = _prepare(candidates, capacity, priority, wait_weight)
    n, m, e = prob.n, prob.m, prob.rows.size
    if e == 0:
        return _result(prob, np.zeros(0, dtype=np.int64))
    # Nodes: newcomers 0..n-1 (supply 1 each), mentors n..n+m-1, sink n+m.
    sink = n + m
    mentor_arc_cap = np.minimum(prob.capacity, np.bincount(prob.cols, minlength=m))
    tails = np.concatenate([prob.rows, n + np.arange(m, dtype=np.int64)])
    heads = np.concatenate([n + prob.cols, np.full(m, sink, dtype=np.int64)])
    caps = np.concatenate([np.ones(e, dtype=np.int64), mentor_arc_cap])
    top = 1.0 + float(prob.bonus.max(initial=0.0))
    edge_cost = np.rint((top - prob.weights) * SCORE_SCALE).astype(np.int64)
    costs = np.concatenate([edge_cost, np.zeros(m, dtype=np.int64)])
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -min(n, int(mentor_arc_cap.sum()))
    mcf.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
    status = mcf.solve_max_flow_with_min_cost()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver failed with status {status}")
    flows = mcf.flows(np.arange(e, dtype=np.int64))
    return _result(prob, np.flatnonzero(flows > 0))


def assign_greedy(
    candidates: sp.spmatrix | sp.sparray,
    capacity: np.ndarray,
    *,
    priority: np.ndarray | None = None,
    wait_weight: float = DEFAULT_WAIT_WEIGHT,
) -> Assignment:
    """Baseline: take edges best-first (score + waiting bonus) while both ends are free."""
    prob = _prepare(candidates, capacity, priority, wait_weight)
    order = np.lexsort((prob.cols, prob.rows, -prob.weights))
    free = prob.capacity.tolist()
    placed = [False] * prob.n
    chosen: list[int] = []
    rows, cols = prob.rows.tolist(), prob.cols.tolist()
    for k in order.tolist():
        i, j = rows[k], cols[k]
        if not placed[i] and free[j] > 0:
            placed[i] = True
            free[j] -= 1
            chosen.append(k)
    return _result(prob, np.asarray(chosen, dtype=np.int64))


def assign_exact_dense(
    candidates: sp.spmatrix | sp.sparray,
    capacity: np.ndarray,
    *,
    priority: np.ndarray | None = None,
    wait_weight: float = DEFAULT_WAIT_WEIGHT,
    max_cells: int = DEFAULT_MAX_DENSE_CELLS,
) -> Assignment:
    """Exact optimum via linear_sum_assignment on a dense capacity-expanded matrix."""
    prob = _prepare(candidates, capacity, priority, wait_weight)
    if prob.rows.size == 0:
        return _result(prob, np.zeros(0, dtype=np.int64))
    # Only newcomers with a candidate and at most deg(j) copies of mentor j can matter.
    active_rows = np.unique(prob.rows)
    slots = np.minimum(prob.capacity, np.bincount(prob.cols, minlength=prob.m))
    k = int(slots.sum())
    if active_rows.size * k > max_cells:
        raise MemoryError(
            f"dense problem of {active_rows.size} x {k} cells exceeds max_cells={max_cells}"
        )
    row_pos = np.searchsorted(active_rows, prob.rows)
    # Weight B + w for feasible cells, 0 for infeasible: B exceeds any total of the w's,
    # so maximising the sum first maximises the number of feasible pairs used.
    big = 1.0 + (1.0 + float(prob.bonus.max(initial=0.0))) * min(active_rows.size, k)
    per_mentor = np.zeros((active_rows.size, prob.m))
    per_mentor[row_pos, prob.cols] = big + prob.weights
    copies = np.repeat(np.arange(prob.m), slots)
    weight = per_mentor[:, copies]
    del per_mentor
    r, c = linear_sum_assignment(weight, maximize=True)
    hit = weight[r, c] > 0.0
    del weight
    keys = row_pos * prob.m + prob.cols
    order = np.argsort(keys)
    wanted = r[hit] * prob.m + copies[c[hit]]
    return _result(prob, order[np.searchsorted(keys, wanted, sorter=order)])


def wait_weight_for(points_per_period: float, waited_days: np.ndarray) -> float:
    """The ``wait_weight`` under which :func:`assign` gives each placed newcomer
    ``points_per_period`` score points per ``WAIT_PERIOD_DAYS`` waited beyond the shortest
    wait among ``waited_days``, whoever else is waiting (a program's setting)."""
    days = np.asarray(waited_days, dtype=np.float64)
    spread = float(days.max() - days.min()) if days.size else 0.0
    return float(points_per_period) * spread / WAIT_PERIOD_DAYS


def objective_value(
    assignment: Assignment,
    *,
    priority: np.ndarray | None = None,
    wait_weight: float = DEFAULT_WAIT_WEIGHT,
) -> float:
    """Second-stage objective of an assignment: total score plus waiting bonuses."""
    if priority is None:
        return assignment.total_score
    bonus = float(wait_weight) * _normalised_priority(priority, len(priority))
    placed = np.fromiter((i for i, _ in assignment.pairs), dtype=np.int64)
    return assignment.total_score + float(bonus[placed].sum())
