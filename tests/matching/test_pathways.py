"""Several pathways per newcomer (issue 17): the hard rule reads every pathway a newcomer
gives, the criterion weighs the main (first) one most, and "why not" names the pathway the
mentor rules out.

Before, a newcomer gave one pathway: one who combined 12-step with medication-supported
recovery lost the second, and a mentor who ruled it out was suggested."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentormatch.matching.criteria import SECONDARY_PATHWAY_CREDIT
from mentormatch.matching.reference import violations
from mentormatch.vocabulary import NOT_CHOSEN_PATHWAY, PATHWAY_CODES
from tests.matching.profiles import fitted, frame, mentor, newcomer, world

CHOSEN = sorted(PATHWAY_CODES - {NOT_CHOSEN_PATHWAY})


def _rules_out_one(m: dict, n: dict) -> bool:
    """The plain statement of the rule: the mentor rules out one of the newcomer's pathways."""
    return bool(set(m["pathways_ruled_out"]) & (set(n["pathways"]) - {NOT_CHOSEN_PATHWAY}))


def _with_two_pathways(newcomers: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Every newcomer given two distinct pathways (the second often one mentors rule out)."""
    rng = np.random.default_rng(seed)
    out = newcomers.copy()
    pairs = []
    for _ in range(len(out)):
        first = str(rng.choice(CHOSEN))
        second = "harm_reduction" if rng.random() < 0.5 else "faith_based"
        second = second if second != first else str(rng.choice([c for c in CHOSEN if c != first]))
        pairs.append([first, second])
    out["pathways"] = pairs
    return out


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_a_newcomer_with_two_pathways_never_meets_a_mentor_who_rules_out_either(
    seed: int,
) -> None:
    w = world(seed, mentors=120, newcomers=30)
    newcomers = _with_two_pathways(w.newcomers, seed)
    ranker = fitted(w.mentors)
    mentors = {r["id"]: r for r in w.mentors.to_dict("records")}
    rows = newcomers.to_dict("records")
    assert any(_rules_out_one(m, n) for m in mentors.values() for n in rows)  # it can bite

    ranked = ranker.rank(newcomers, k=len(mentors))  # the batch, every feasible mentor
    by_id = {n["id"]: n for n in rows}
    for newcomer_id, mentor_id in zip(ranked.newcomer_id, ranked.mentor_id, strict=True):
        assert not _rules_out_one(mentors[mentor_id], by_id[newcomer_id])
    for n in rows[:10]:  # one suggestion list at a time
        for s in ranker.suggestions(frame(n), k=5):
            assert not _rules_out_one(mentors[s.mentor_id], n)
    graph, newcomer_ids, mentor_ids = ranker.candidates(newcomers, k=20, mentor_k=20)
    edges = graph.tocoo()  # what a whole-pool proposal chooses from
    for i, j in zip(edges.row, edges.col, strict=True):
        assert not _rules_out_one(mentors[int(mentor_ids[j])], by_id[int(newcomer_ids[i])])
    for n in rows:  # and the oracle agrees
        expected = {i for i, m in mentors.items() if not violations(m, n, ranker.program_)}
        assert set(ranked.loc[ranked.newcomer_id == n["id"], "mentor_id"]) == expected


def test_a_mentor_who_rules_out_the_second_pathway_is_excluded_and_named() -> None:
    ranker = fitted(
        frame(
            mentor(id=1, pathways=["twelve_step"], pathways_ruled_out=["medication_supported"]),
            mentor(id=2, pathways=["twelve_step"]),
        )
    )
    ana = frame(newcomer(pathways=["twelve_step", "medication_supported"]))
    assert [s.mentor_id for s in ranker.suggestions(ana, k=5)] == [2]
    why = ranker.explain(ana, 1)
    assert not why.feasible
    assert why.failed_rules == [
        ("pathway", "Mentor rules out the newcomer's chosen pathway "
         "(Medication-supported recovery).")
    ]  # fmt: skip


def test_a_mentor_who_rules_out_both_names_both() -> None:
    ranker = fitted(
        frame(mentor(id=1, pathways=[], pathways_ruled_out=["faith_based", "smart_recovery"]))
    )
    why = ranker.explain(frame(newcomer(pathways=["smart_recovery", "faith_based"])), 1)
    ((code, sentence),) = why.failed_rules
    assert code == "pathway"
    assert "pathways" in sentence and "SMART Recovery" in sentence and "Faith-based" in sentence


def test_still_exploring_rules_nothing_out() -> None:
    ranker = fitted(frame(mentor(id=1, pathways_ruled_out=["exploring", "harm_reduction"])))
    assert [s.mentor_id for s in ranker.suggestions(frame(newcomer(pathways=["exploring"])))] == [1]


@pytest.mark.parametrize(
    ("practised", "credit", "reason"),
    [
        (["smart_recovery"], 1.0, "both prefer SMART Recovery"),
        (["faith_based"], float(SECONDARY_PATHWAY_CREDIT),
         "both follow Faith-based (not the newcomer's main pathway)"),
        (["secular"], 0.0, None),
    ],
)  # fmt: skip
def test_the_main_pathway_counts_most(practised: list[str], credit: float, reason: str) -> None:
    ranker = fitted(frame(mentor(id=1, pathways=practised)))
    (s,) = ranker.suggestions(frame(newcomer(pathways=["smart_recovery", "faith_based"])))
    assert s.components["pathway"] == credit
    pathway_reasons = [r for r in s.reasons if "prefer" in r or "follow" in r]
    assert pathway_reasons == ([reason] if reason else [])


def test_secondary_credit_sits_between_the_main_one_and_none() -> None:
    assert 0.0 < SECONDARY_PATHWAY_CREDIT < 1.0
    ranker = fitted(
        frame(
            mentor(id=1, pathways=["secular"]),
            mentor(id=2, pathways=["faith_based"]),
            mentor(id=3, pathways=["smart_recovery"]),
        )
    )
    ranked = ranker.suggestions(frame(newcomer(pathways=["smart_recovery", "faith_based"])), k=3)
    assert [s.mentor_id for s in ranked] == [3, 2, 1]


def test_no_pathway_given_leaves_the_criterion_out() -> None:
    ranker = fitted(frame(mentor(id=1)))
    for given_ in ([], ["exploring"]):
        (s,) = ranker.suggestions(frame(newcomer(pathways=given_)))
        assert "pathway" not in s.components
