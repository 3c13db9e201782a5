"""Criterion weights learned from what coordinators and mentors decided on shown lists.

The ranker scores a mentor for a newcomer as a weighted mean of the criterion values that
apply to that newcomer (`criteria.weighted`). Within one shown list the newcomer is fixed,
so the weights' shares have one denominator and the order of the list is the order of
``components @ weights``: a linear utility over the eight criterion values. That is a
conditional (multinomial) logit in which a coordinator picks mentor ``i`` from the list
with probability ``exp(u_i) / sum_j exp(u_j)``, ``u = components @ beta``.

We fit it the way scikit-learn can: each decision is broken into pairs (the approved mentor
against every other mentor shown; every other mentor against one rejected, declined or
ended "not a fit"), each pair's difference of components is a row, and a
``LogisticRegression`` without intercept is fitted on the rows and their negations
(labels 1 and 0). For two mentors this is exactly the conditional logit; for longer lists it
is its pairwise (rank-breaking) composite likelihood, which is consistent for the same
``beta`` and needs no custom optimiser. The fitted ``beta`` is clipped at 0 (a weight
cannot be negative: `program.resolve_weights`) and scaled to the defaults' total, since a
ranking only depends on the weights' ratios. The uncertainty is the standard deviation of
the same fit over bootstrap resamples of the decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Self

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from mentormatch.i18n import N_
from mentormatch.matching.program import CRITERIA, DEFAULT_WEIGHTS

K: Final = 5
# The defaults' total: learned weights are scaled to it, so they read on the same scale.
SCALE: Final = float(sum(DEFAULT_WEIGHTS.values()))
# The most recent share of decisions held out to compare current and proposed weights.
HELD_OUT: Final = 0.25

# What is recorded: a coordinator approves a shown mentor or rejects them; the mentor
# accepts or declines; an active pairing ends early; either side answers "not a fit".
KINDS: Final = ("approved", "rejected", "accepted", "declined", "ended_early", "not_a_fit")
# Reasons that say something about the fit of the pair: a turn-down, decline or early end
# for one of these teaches; any other ("no_capacity", "newcomer_unavailable", "personal",
# "mentor_unavailable", "safety", "other", ...) says nothing about fit and does not.
FIT_REASONS: Final = frozenset({"not_a_fit", "coordinator_judgement", "schedule"})
# The reason recorded when a coordinator approves a whole-pool proposal: the assignment
# chose the mentor, the coordinator agreed; no shown mentor was preferred to another.
PROPOSAL: Final = "whole_pool_proposal"


def teaches(kind: str, reason: str) -> bool:
    """Whether a decision of this kind, for this reason, teaches the weights: an approval
    does (the coordinator chose among those shown; not a whole-pool proposal's); a mentor's
    acceptance only confirms an approval and adds no comparison; a turn-down, decline or
    early end only for a reason about fit."""
    if kind == "approved":
        return reason != PROPOSAL
    if kind == "accepted":
        return False
    return kind == "not_a_fit" or reason in FIT_REASONS


@dataclass(frozen=True, slots=True)
class Choice:
    """One shown list and what its decisions teach: positions (rows of ``components``)
    approved, and positions turned down for a reason about fit."""

    components: np.ndarray  # shown mentors x CRITERIA, 0 where a criterion does not apply
    chosen: tuple[int, ...] = ()
    against: tuple[int, ...] = ()

    def pairs(self) -> np.ndarray:
        """Differences of components, preferred minus less preferred, one row per pair."""
        x = self.components
        rows = [x[c] - x[j] for c in self.chosen for j in range(len(x)) if j not in self.chosen]
        rows += [x[j] - x[a] for a in self.against for j in range(len(x)) if j not in self.against]
        return np.array(rows, dtype=np.float64).reshape(-1, len(CRITERIA))


def as_vector(components: dict[str, float]) -> np.ndarray:
    """A mentor's criterion values in CRITERIA order (0 where not applicable)."""
    return np.array([float(components.get(c, 0.0)) for c in CRITERIA], dtype=np.float64)


def scaled(beta: np.ndarray) -> np.ndarray:
    """Non-negative weights with the defaults' total (the defaults when nothing is left)."""
    w = np.clip(beta, 0.0, None)
    if not w.sum() > 0:
        return np.array([DEFAULT_WEIGHTS[c] for c in CRITERIA], dtype=np.float64)
    return w * (SCALE / w.sum())


class WeightLearner(BaseEstimator):
    """Fit criterion weights to decisions (a list of `Choice`).

    Parameters:
        C: inverse L2 strength of the logistic regression (large: little shrinkage).
        n_bootstrap: resamples of the decisions for the weights' standard deviation.
        random_state: seed of the resampling.

    Learned: ``weights_`` and ``std_`` (CRITERIA order, the defaults' scale), ``n_pairs_``.
    """

    def __init__(self, *, C: float = 10.0, n_bootstrap: int = 30, random_state: int = 0) -> None:
        self.C = C
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _beta(self, choices: Sequence[Choice]) -> np.ndarray:
        rows = np.vstack([c.pairs() for c in choices])
        if not len(rows):
            raise ValueError(N_("no decision compares two shown mentors"))
        x = np.vstack([rows, -rows])
        y = np.r_[np.ones(len(rows)), np.zeros(len(rows))]
        model = LogisticRegression(fit_intercept=False, C=self.C, max_iter=1000)
        return np.asarray(model.fit(x, y).coef_[0], dtype=np.float64)

    def fit(self, X: Sequence[Choice], y: None = None) -> Self:
        """Learn the weights from the decisions ``X``."""
        choices = list(X)
        self.weights_ = scaled(self._beta(choices))
        self.n_pairs_ = int(sum(len(c.pairs()) for c in choices))
        rng = np.random.default_rng(self.random_state)
        draws = []
        for _ in range(self.n_bootstrap):
            sample = [choices[i] for i in rng.integers(0, len(choices), size=len(choices))]
            if any(len(c.pairs()) for c in sample):
                draws.append(scaled(self._beta(sample)))
        self.std_ = np.std(draws, axis=0) if draws else np.zeros(len(CRITERIA))
        return self

    def as_dict(self) -> dict[str, float]:
        """The learned weights by criterion name, rounded to what a person reads."""
        check_is_fitted(self, "weights_")
        return {c: round(float(w), 2) for c, w in zip(CRITERIA, self.weights_, strict=True)}


@dataclass(frozen=True, slots=True)
class Comparison:
    """How well weights put the approved mentor first on decisions they were not fitted on."""

    ndcg: float  # NDCG@5 with the approved mentor as the one relevant item
    mean_rank: float  # mean rank of the approved mentor among those shown (1 = first)
    lists: int


def compare(choices: Sequence[Choice], weights: np.ndarray) -> Comparison:
    """Re-rank each list's shown mentors by ``weights``; where does the approved one land?"""
    ranks = []
    for c in choices:
        if not c.chosen:
            continue
        score = c.components @ weights
        best = score[c.chosen[0]]
        ranks.append(1 + int(np.count_nonzero(score > best)))
    if not ranks:
        return Comparison(0.0, 0.0, 0)
    r = np.array(ranks, dtype=np.float64)
    gains = np.where(r <= K, 1 / np.log2(r + 1), 0.0)
    return Comparison(float(gains.mean()), float(r.mean()), len(ranks))


@dataclass(frozen=True, slots=True)
class Proposal:
    """Weights learned from a program's decisions, compared with those in force."""

    weights: dict[str, float]
    std: dict[str, float]
    current: dict[str, float]
    decisions: int  # teaching decisions the proposal was fitted on (and held out)
    held_out: int
    before: Comparison
    after: Comparison
    labels: list[str] = field(default_factory=list)


def propose(
    choices: Sequence[Choice],
    current: dict[str, float],
    *,
    labels: Sequence[str],
    held_out: float = HELD_OUT,
    learner: WeightLearner | None = None,
) -> Proposal:
    """Fit on the earlier decisions, compare with ``current`` on the most recent
    ``held_out`` share (``choices`` oldest first). The proposed weights are the very
    weights compared, so the comparison is about what an admin would adopt."""
    split = len(choices) - max(1, round(len(choices) * held_out))
    train, test = list(choices[:split]), list(choices[split:])
    model = (learner or WeightLearner()).fit(train)
    now = np.array([current[c] for c in CRITERIA], dtype=np.float64)
    return Proposal(
        weights=model.as_dict(),
        std={c: round(float(s), 2) for c, s in zip(CRITERIA, model.std_, strict=True)},
        current=dict(current),
        decisions=len(choices),
        held_out=len(test),
        before=compare(test, now),
        after=compare(test, model.weights_),
        labels=list(labels),
    )
