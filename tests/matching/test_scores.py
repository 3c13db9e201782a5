"""Soft criteria: agree with the reference, monotone, order-independent, DST-correct."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.matching import CRITERIA
from mentormatch.matching.reference import score
from mentormatch.matching.schedule import local_slots
from mentormatch.vocabulary import SUBSTANCE_CODES
from tests.matching.profiles import fitted, frame, mentor, newcomer, world

HOURS = st.lists(st.integers(0, 167), max_size=30, unique=True)
SUBSTANCES = st.lists(st.sampled_from(sorted(SUBSTANCE_CODES)), min_size=1, max_size=3, unique=True)


def _pair_score(m: dict, n: dict) -> float:
    return fitted(frame(m)).explain(frame(n), m["id"]).score


def test_components_match_the_reference() -> None:
    w = world(3, mentors=40, newcomers=15)
    ranker = fitted(w.mentors)
    ranked = ranker.rank(w.newcomers, k=40)
    mentors = {r["id"]: r for r in w.mentors.to_dict("records")}
    newcomers = {r["id"]: r for r in w.newcomers.to_dict("records")}
    assert len(ranked) > 50
    for row in ranked.itertuples():
        ref = score(mentors[row.mentor_id], newcomers[row.newcomer_id], ranker.program_,
                    text=None if np.isnan(row.text) else row.text)  # fmt: skip
        for c in CRITERIA:
            got = getattr(row, c)
            assert (c not in ref and np.isnan(got)) or abs(ref.get(c, 0) - got) < 1e-5, c
        assert abs(ref["total"] - row.score) < 1e-5


def test_text_is_the_cosine_of_the_fitted_vectorizers_rows() -> None:
    w = world(4, mentors=60, newcomers=20)
    repeat = lambda text: f"{text} {text.split()[0]} {text.split()[0]}" if text else text  # noqa: E731
    w.newcomers["hopes"] = w.newcomers["hopes"].map(repeat)  # counts above 1 for tf weighting
    ranker = fitted(w.mentors)
    ranked = ranker.rank(w.newcomers, k=60)
    vectorize = ranker.encoders_.text.transform  # scikit-learn's own TF-IDF, the oracle
    hopes = dict(zip(w.newcomers["id"], w.newcomers["hopes"], strict=True))
    interests = dict(zip(w.mentors["id"], w.mentors["interests"], strict=True))
    rows = ranked.dropna(subset=["text"])
    assert (rows["text"] > 0).sum() > 20
    for row in rows.itertuples():
        cosine = vectorize([hopes[row.newcomer_id]]).multiply(vectorize([interests[row.mentor_id]]))
        assert abs(min(cosine.sum(), 1.0) - row.text) < 1e-6


@settings(max_examples=40, deadline=None)
@given(m_hours=HOURS, n_hours=HOURS, extra=HOURS)
def test_more_schedule_overlap_never_lowers_the_score(m_hours, n_hours, extra) -> None:
    n = newcomer(availability=n_hours, timezone="Europe/London")
    before = _pair_score(mentor(availability=m_hours), n)
    after = _pair_score(mentor(availability=sorted(set(m_hours) | set(extra))), n)
    assert after >= before


@settings(max_examples=40, deadline=None)
@given(m_subs=SUBSTANCES, n_subs=SUBSTANCES, data=st.data())
def test_a_shared_substance_never_lowers_the_score(m_subs, n_subs, data) -> None:
    added = data.draw(st.sampled_from(n_subs))
    n = newcomer(substances=n_subs)
    before = _pair_score(mentor(substances=m_subs), n)
    after = _pair_score(mentor(substances=sorted(set(m_subs) | {added})), n)
    assert after >= before


def test_exact_beats_family_beats_nothing() -> None:
    n = newcomer(substances=["heroin"])
    exact = _pair_score(mentor(substances=["heroin"]), n)
    family = _pair_score(mentor(substances=["fentanyl"]), n)
    none = _pair_score(mentor(substances=["alcohol"]), n)
    assert exact > family > none


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle=st.integers(0, 10_000))
def test_results_do_not_depend_on_row_order(seed: int, shuffle: int) -> None:
    w = world(seed)
    a = fitted(w.mentors).rank(w.newcomers, k=5)
    b = fitted(w.mentors.sample(frac=1, random_state=shuffle)).rank(
        w.newcomers.sample(frac=1, random_state=shuffle + 1), k=5
    )
    key = ["newcomer_id", "rank"]
    a, b = a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    assert a.equals(b)


def test_dst_slot_maps_follow_the_coming_week() -> None:
    monday_9 = 9
    before = local_slots("America/New_York", datetime(2026, 10, 26, tzinfo=UTC))
    after = local_slots("America/New_York", datetime(2026, 11, 2, tzinfo=UTC))
    assert list(before).index(monday_9) == 13  # EDT, UTC-4
    assert list(after).index(monday_9) == 14  # EST, UTC-5


def test_overlap_is_computed_in_utc() -> None:
    ny_evening = [d * 24 + 19 for d in range(5)]  # 19:00 New York = 00:00 London next day
    london_midnight = [((d + 1) % 7) * 24 for d in range(5)]
    m = mentor(availability=london_midnight, timezone="Europe/London")
    n = newcomer(availability=ny_evening)
    exp = fitted(frame(m)).explain(frame(n), 1)
    assert exp.components["schedule"] == 1.0
    assert any(r.startswith("5 h/week in common: weekday evenings") for r in exp.reasons)
