"""The synthetic world and the evaluation table."""

from __future__ import annotations

import numpy as np

from mentormatch.matching.evaluation import evaluate, evaluate_command
from mentormatch.matching.frames import MENTOR_COLUMNS, NEWCOMER_COLUMNS
from mentormatch.matching.synthetic import generate


def test_generator_is_deterministic_and_follows_the_contract() -> None:
    a, b = generate(3, mentors=50, newcomers=40), generate(3, mentors=50, newcomers=40)
    assert a.mentors.equals(b.mentors) and a.newcomers.equals(b.newcomers)
    assert set(MENTOR_COLUMNS) <= set(a.mentors.columns)
    assert set(NEWCOMER_COLUMNS) <= set(a.newcomers.columns)


def test_generator_follows_teds_shares() -> None:
    w = generate(1, mentors=10, newcomers=3000)
    primary = w.newcomers.substances.str[0]
    assert 0.2 < np.mean(primary == "heroin") < 0.32
    assert 0.58 < np.mean(w.newcomers.gender == "man") < 0.7


def test_ranker_beats_random_with_no_violations() -> None:
    table = evaluate(generate(2, mentors=120, newcomers=80))
    assert table.loc["ranker", "hard-rule violations"] == 0
    assert table.loc["random feasible", "hard-rule violations"] == 0
    assert table.loc["ranker", "NDCG@5"] > table.loc["random feasible", "NDCG@5"] + 0.1
    assert table.loc["ranker", "coverage"] == table.loc["random feasible", "coverage"]


def test_evaluate_command_prints_a_table() -> None:
    text = evaluate_command(seed=4, newcomers=30, mentors=40)
    assert "NDCG@5" in text and "random feasible" in text
