"""Hard rules: never broken, complete, and explained."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentormatch.matching import RULE_CODES
from mentormatch.matching.reference import violations
from tests.matching.profiles import fitted, frame, mentor, newcomer, world


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), serves_youth=st.booleans(), longer=st.booleans())
def test_rank_returns_exactly_the_feasible_mentors(
    seed: int, serves_youth: bool, longer: bool
) -> None:
    w = world(seed)
    ranker = fitted(w.mentors, serves_youth=serves_youth, mentor_longer_in_recovery=longer)
    ranked = ranker.rank(w.newcomers, k=len(w.mentors))
    mentors = {r["id"]: r for r in w.mentors.to_dict("records")}
    for n in w.newcomers.to_dict("records"):
        expected = {i for i, m in mentors.items() if not violations(m, n, ranker.program_)}
        got = set(ranked.loc[ranked.newcomer_id == n["id"], "mentor_id"])
        assert got == expected


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_top_suggestions_break_no_rule(seed: int) -> None:
    w = world(seed, mentors=80, newcomers=20)
    ranker = fitted(w.mentors)
    mentors = {r["id"]: r for r in w.mentors.to_dict("records")}
    for n in w.newcomers.to_dict("records"):
        for s in ranker.suggestions(frame(n), k=3):
            assert violations(mentors[s.mentor_id], n, ranker.program_) == set()


CASES = {
    "capacity": ({"load": 2}, {}),
    "recovery_time": ({"recovery_start": date(2026, 6, 1)}, {}),
    "gender": ({"gender": "man"}, {"gender_pref": ["woman"]}),
    "language": ({"languages": ["es"]}, {}),
    "meeting_mode": ({"meeting_modes": ["text"]}, {}),
    "medication": ({"medication_affirming": False}, {"medication": "buprenorphine"}),
    "pathway": ({"pathways_ruled_out": ["smart_recovery"]}, {}),
    "do_not_pair": ({}, {"excluded_mentor_ids": [1]}),
    "age": ({}, {"age": 16}),
}


@pytest.mark.parametrize("code", RULE_CODES)
def test_explain_names_the_failing_rule(code: str) -> None:
    m_over, n_over = CASES[code]
    ranker = fitted(frame(mentor(**m_over), mentor(id=2)))
    explanation = ranker.explain(frame(newcomer(**n_over)), 1)
    assert [c for c, _ in explanation.failed_rules] == [code]
    assert explanation.failed_rules[0][1]
    assert explanation.rank is None and not explanation.feasible
    assert 1 not in set(ranker.rank(frame(newcomer(**n_over))).mentor_id)


def test_in_person_only_pairs_need_both_radii() -> None:
    near = {"meeting_modes": ["in_person"], "latitude": 40.7, "longitude": -74.0}
    ranker = fitted(
        frame(
            mentor(id=1, travel_radius_km=30.0, **near),
            mentor(id=2, travel_radius_km=30.0, **(near | {"latitude": 41.5})),  # ~89 km
            mentor(id=3, travel_radius_km=2.0, **(near | {"latitude": 40.8})),  # ~11 km
        )
    )
    n = frame(newcomer(meeting_modes=["in_person"], latitude=40.75, longitude=-74.0,
                       travel_radius_km=20.0))  # fmt: skip
    assert list(ranker.rank(n).mentor_id) == [1]
    reason = ranker.explain(n, 2).failed_rules
    assert reason[0][0] == "meeting_mode" and "km apart" in reason[0][1]


def test_youth_needs_program_and_vetted_mentor() -> None:
    mentors = frame(mentor(id=1, youth_vetted=True), mentor(id=2))
    young = frame(newcomer(age=16))
    assert fitted(mentors).rank(young).empty
    assert list(fitted(mentors, serves_youth=True).rank(young).mentor_id) == [1]


def test_mentor_recovery_must_predate_newcomer() -> None:
    ranker = fitted(frame(mentor(recovery_start=date(2020, 1, 1))))
    assert ranker.rank(frame(newcomer(recovery_start=date(2019, 6, 1)))).empty
    assert len(ranker.rank(frame(newcomer(recovery_start=date(2021, 6, 1))))) == 1


def test_a_program_may_let_a_mentor_be_shorter_in_recovery_than_the_newcomer() -> None:
    mentors = frame(mentor(recovery_start=date(2020, 1, 1)))
    earlier = frame(newcomer(recovery_start=date(2019, 6, 1)))
    assert list(fitted(mentors, mentor_longer_in_recovery=False).rank(earlier).mentor_id) == [1]
    no_date = frame(newcomer(recovery_start=None))
    assert list(fitted(mentors, mentor_longer_in_recovery=True).rank(no_date).mentor_id) == [1]


def test_recovery_dates_before_1677_are_not_wrapped_around() -> None:
    # Found while fuzzing: nanosecond timestamps turned 1500-01-01 into a day in 2084.
    ranker = fitted(frame(mentor(recovery_start=date(1500, 1, 1))))
    assert len(ranker.rank(frame(newcomer(recovery_start=date(2021, 6, 1))))) == 1
    late = fitted(frame(mentor(recovery_start=date(2020, 1, 1))))
    assert late.rank(frame(newcomer(recovery_start=date(202, 6, 1)))).empty
