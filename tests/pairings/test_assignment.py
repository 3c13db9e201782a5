"""Tests for the whole-pool assignment solvers."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import maximum_bipartite_matching

from mentormatch.pairings.assignment import (
    Assignment,
    assign,
    assign_exact_dense,
    assign_greedy,
    objective_value,
)

Solver = Callable[..., Assignment]
EXACT: list[Solver] = [assign, assign_exact_dense]
ALL: list[Solver] = [assign, assign_exact_dense, assign_greedy]
TOL = 1e-5


def _csr(dense: list[list[float]] | np.ndarray) -> sp.csr_matrix:
    """Sparse candidate matrix from a dense array where 0 means infeasible."""
    return sp.csr_matrix(np.asarray(dense, dtype=float))


def _random_instance(
    rng: np.random.Generator, n: int, m: int, density: float, max_cap: int
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Random candidates (scores in (0, 1]), capacities and waiting times."""
    mask = rng.random((n, m)) < density
    scores = np.where(mask, np.round(rng.uniform(0.01, 1.0, (n, m)), 3), 0.0)
    return _csr(scores), rng.integers(0, max_cap + 1, m), rng.integers(0, 100, n).astype(float)


def _check_valid(a: Assignment, cands: sp.csr_matrix, cap: np.ndarray) -> None:
    """Capacity respected, each newcomer at most once, candidate edges only, fields agree."""
    n, m = cands.shape
    rows = [i for i, _ in a.pairs]
    cols = [j for _, j in a.pairs]
    assert len(set(rows)) == len(rows)
    assert np.all(np.bincount(np.asarray(cols, dtype=int), minlength=m) <= cap)
    dense = cands.toarray()
    mask = np.zeros_like(dense, dtype=bool)
    mask[cands.nonzero()] = True
    for (i, j), s in zip(a.pairs, a.scores, strict=True):
        assert mask[i, j]
        assert s == pytest.approx(dense[i, j])
    assert sorted(set(range(n)) - set(rows)) == a.unplaced.tolist()
    assert a.total_score == pytest.approx(float(np.sum(a.scores)))


def _max_cardinality(cands: sp.csr_matrix, cap: np.ndarray) -> int:
    """Maximum number of placeable newcomers, via matching on capacity-expanded mentors."""
    copies = np.repeat(np.arange(cands.shape[1]), cap)
    if copies.size == 0 or cands.nnz == 0:
        return 0
    expanded = sp.csr_matrix((cands != 0).astype(np.int8))[:, copies]
    match = maximum_bipartite_matching(sp.csr_matrix(expanded), perm_type="column")
    return int(np.sum(match >= 0))


def _brute_force(
    cands: sp.csr_matrix, cap: np.ndarray, priority: np.ndarray, wait_weight: float
) -> tuple[int, float]:
    """Best (placed, objective) by enumerating every assignment of a tiny instance."""
    dense = cands.toarray()
    n, _ = dense.shape
    p = priority - priority.min()
    p = p / p.max() if p.max() > 0 else p
    options = [[None, *np.flatnonzero(dense[i]).tolist()] for i in range(n)]
    best = (0, 0.0)
    for choice in itertools.product(*options):
        used = [j for j in choice if j is not None]
        if np.any(np.bincount(np.asarray(used, dtype=int), minlength=len(cap)) > cap):
            continue
        value = sum(dense[i, j] + wait_weight * p[i] for i, j in enumerate(choice) if j is not None)
        best = max(best, (len(used), value))
    return best


def test_greedy_is_suboptimal_in_score_and_assign_is_optimal() -> None:
    """Classic 2x2: greedy takes the 0.9 edge and forces 0.1; optimum is 0.8 + 0.8."""
    cands = _csr([[0.9, 0.8], [0.8, 0.1]])
    cap = np.array([1, 1])
    greedy = assign_greedy(cands, cap)
    assert greedy.total_score == pytest.approx(1.0)
    for solver in EXACT:
        best = solver(cands, cap)
        _check_valid(best, cands, cap)
        assert sorted(best.pairs) == [(0, 1), (1, 0)]
        assert best.total_score == pytest.approx(1.6)


def test_greedy_strands_a_newcomer_and_assign_places_everyone() -> None:
    """Greedy gives the only mentor of newcomer 1 to newcomer 0, who had another option."""
    cands = _csr([[0.9, 0.5], [0.8, 0.0]])
    cap = np.array([1, 1])
    greedy = assign_greedy(cands, cap)
    assert greedy.unplaced.tolist() == [1]
    for solver in EXACT:
        best = solver(cands, cap)
        _check_valid(best, cands, cap)
        assert best.unplaced.size == 0
        assert sorted(best.pairs) == [(0, 1), (1, 0)]


def test_cardinality_comes_before_score() -> None:
    """Placing two newcomers at low scores beats placing one at a high score."""
    cands = _csr([[1.0, 0.01], [0.01, 0.0]])
    for solver in EXACT:
        best = solver(cands, np.array([1, 1]))
        assert sorted(best.pairs) == [(0, 1), (1, 0)]


def test_capacity_expanded_mentor_takes_several() -> None:
    """A mentor with three slots takes three newcomers; a zero-capacity mentor takes none."""
    cands = _csr([[0.5, 0.9], [0.6, 0.9], [0.7, 0.9], [0.2, 0.9]])
    cap = np.array([3, 0])
    for solver in ALL:
        a = solver(cands, cap)
        _check_valid(a, cands, cap)
        assert sorted(a.pairs) == [(0, 0), (1, 0), (2, 0)]
        assert a.unplaced.tolist() == [3]


@pytest.mark.parametrize("solver", ALL)
def test_longest_waiting_gets_the_last_slot(solver: Solver) -> None:
    """One slot, two newcomers with equal scores: the one who waited longer is placed."""
    cands = _csr([[0.7], [0.7]])
    for priority, winner in (([3.0, 40.0], 1), ([40.0, 3.0], 0)):
        a = solver(cands, np.array([1]), priority=np.array(priority))
        assert a.pairs == [(winner, 0)]


def test_waiting_bonus_only_breaks_near_ties() -> None:
    """With the default weight a clearly better match still wins over waiting time."""
    cands = _csr([[0.9], [0.5]])
    a = assign(cands, np.array([1]), priority=np.array([0.0, 100.0]))
    assert a.pairs == [(0, 0)]
    b = assign(cands, np.array([1]), priority=np.array([0.0, 100.0]), wait_weight=1.0)
    assert b.pairs == [(1, 0)]


def test_empty_and_degenerate_inputs() -> None:
    """No newcomers, no mentors, no candidate edges, zero capacity."""
    for solver in ALL:
        a = solver(sp.csr_matrix((0, 3)), np.array([1, 1, 1]))
        assert a.pairs == [] and a.unplaced.size == 0 and a.total_score == 0.0
        b = solver(sp.csr_matrix((2, 0)), np.zeros(0, dtype=int))
        assert b.pairs == [] and b.unplaced.tolist() == [0, 1]
        c = solver(sp.csr_matrix((2, 2)), np.array([1, 1]))
        assert c.unplaced.tolist() == [0, 1]
        d = solver(_csr([[0.5, 0.5]]), np.array([0, 0]))
        assert d.unplaced.tolist() == [0]


def test_accepts_other_sparse_formats_and_explicit_zero_scores() -> None:
    """COO input works; an explicitly stored 0.0 score is a feasible (if poor) pair."""
    coo = sp.coo_matrix(([0.0, 0.4], ([0, 1], [0, 1])), shape=(2, 2))
    for solver in ALL:
        a = solver(coo, np.array([1, 1]))
        assert sorted(a.pairs) == [(0, 0), (1, 1)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"capacity": np.array([1, 1, 1])}, "capacity must have shape"),
        ({"capacity": np.array([1, -1])}, "capacity must be >= 0"),
        ({"capacity": np.array([1.5, 1.0])}, "whole numbers"),
        ({"priority": np.array([1.0])}, "priority must have shape"),
        ({"priority": np.array([1.0, np.nan])}, "finite"),
        ({"wait_weight": -0.1}, "wait_weight"),
        ({"candidates": _csr([[1.5, 0.1], [0.2, 0.3]])}, "within \\[0, 1\\]"),
    ],
)
def test_invalid_inputs_raise_value_error(kwargs: dict[str, object], message: str) -> None:
    """Shape mismatches, negative capacity and bad values are rejected clearly."""
    args: dict[str, object] = {"candidates": _csr([[0.5, 0.1], [0.2, 0.3]])}
    args["capacity"] = np.array([1, 1])
    args.update(kwargs)
    candidates = args.pop("candidates")
    capacity = args.pop("capacity")
    for solver in ALL:
        with pytest.raises(ValueError, match=message):
            solver(candidates, capacity, **args)


def test_dense_input_is_a_type_error() -> None:
    """Candidates must be sparse so that absent entries unambiguously mean infeasible."""
    with pytest.raises(TypeError):
        assign(np.ones((2, 2)), np.array([1, 1]))  # type: ignore[arg-type]


def test_exact_dense_refuses_oversized_problems() -> None:
    """The dense reference solver declines problems above its cell budget."""
    with pytest.raises(MemoryError):
        assign_exact_dense(_csr(np.full((10, 10), 0.5)), np.ones(10, dtype=int), max_cells=50)


@pytest.mark.parametrize("seed", range(60))
def test_matches_brute_force_on_tiny_random_instances(seed: int) -> None:
    """Exact solvers reach the brute-force lexicographic optimum; greedy never beats it."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 7)), int(rng.integers(1, 4))
    cands, cap, priority = _random_instance(rng, n, m, density=0.6, max_cap=2)
    wait_weight = float(rng.choice([0.0, 0.05, 0.5]))
    best_placed, best_value = _brute_force(cands, cap, priority, wait_weight)
    for solver in ALL:
        a = solver(cands, cap, priority=priority, wait_weight=wait_weight)
        _check_valid(a, cands, cap)
        value = objective_value(a, priority=priority, wait_weight=wait_weight)
        if solver is assign_greedy:
            assert (a.placed, value) <= (best_placed, best_value + TOL)
        else:
            assert a.placed == best_placed
            assert value == pytest.approx(best_value, abs=TOL)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    m=st.integers(1, 25),
    density=st.floats(0.02, 0.6),
    max_cap=st.integers(0, 3),
)
def test_flow_agrees_with_dense_exact_and_max_cardinality(
    seed: int, n: int, m: int, density: float, max_cap: int
) -> None:
    """Min-cost flow equals the dense optimum, is max-cardinality and dominates greedy."""
    rng = np.random.default_rng(seed)
    cands, cap, priority = _random_instance(rng, n, m, density, max_cap)
    flow = assign(cands, cap, priority=priority)
    dense = assign_exact_dense(cands, cap, priority=priority)
    greedy = assign_greedy(cands, cap, priority=priority)
    for a in (flow, dense, greedy):
        _check_valid(a, cands, cap)
    assert flow.placed == dense.placed == _max_cardinality(cands, cap)
    value = objective_value(flow, priority=priority)
    assert value == pytest.approx(objective_value(dense, priority=priority), abs=TOL * n)
    assert greedy.placed <= flow.placed
    if greedy.placed == flow.placed:
        assert objective_value(greedy, priority=priority) <= value + TOL * n


def test_medium_instance_flow_matches_dense_and_beats_greedy() -> None:
    """A 300 x 150 tight instance: flow is exact, greedy is no better."""
    rng = np.random.default_rng(7)
    cands, _, priority = _random_instance(rng, 300, 150, density=0.05, max_cap=0)
    cap = np.full(150, 2)
    flow = assign(cands, cap, priority=priority)
    dense = assign_exact_dense(cands, cap, priority=priority)
    greedy = assign_greedy(cands, cap, priority=priority)
    _check_valid(flow, cands, cap)
    assert flow.placed == dense.placed == _max_cardinality(cands, cap)
    assert greedy.placed <= flow.placed
    assert objective_value(flow, priority=priority) == pytest.approx(
        objective_value(dense, priority=priority), abs=1e-3
    )


def test_inputs_are_not_modified() -> None:
    """The solvers are pure: the caller's matrix and arrays are left untouched."""
    coo = sp.coo_matrix(([0.3, 0.2, 0.4], ([1, 0, 1], [1, 0, 1])), shape=(2, 2))
    cands = sp.csr_matrix(coo)
    cands.has_canonical_format = False
    before = (cands.data.copy(), cands.indices.copy(), cands.indptr.copy())
    cap, priority = np.array([1, 1]), np.array([5.0, 1.0])
    for solver in ALL:
        solver(cands, cap, priority=priority)
    for got, want in zip((cands.data, cands.indices, cands.indptr), before, strict=True):
        np.testing.assert_array_equal(got, want)
    assert cap.tolist() == [1, 1] and priority.tolist() == [5.0, 1.0]
