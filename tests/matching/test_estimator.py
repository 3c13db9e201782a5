"""scikit-learn conventions, freshness after updates, and the service-facing API."""

from __future__ import annotations

import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from mentormatch.matching import MentorRanker, UnknownMentorError
from tests.matching.profiles import REFERENCE, fitted, frame, mentor, newcomer, world


def test_unfitted_use_raises() -> None:
    ranker = MentorRanker()
    n = frame(newcomer())
    for call in (lambda: ranker.rank(n), lambda: ranker.suggestions(n, 3),
                 lambda: ranker.explain(n, 1), lambda: ranker.candidates(n),
                 lambda: ranker.update_mentors(frame(mentor()))):  # fmt: skip
        with pytest.raises(NotFittedError):
            call()


def test_clone_and_params() -> None:
    ranker = MentorRanker(weights={"text": 2.0}, family_credit=0.25, reference_time=REFERENCE)
    copy = clone(ranker)
    assert copy.get_params() == ranker.get_params()
    assert copy.set_params(min_age=21).min_age == 21
    assert not hasattr(copy, "mentors_")
    fitted_copy = clone(ranker).fit(frame(mentor()))
    assert fitted_copy.program_.weights["text"] == 2.0
    with pytest.raises(ValueError):
        MentorRanker(weights={"nonsense": 1}).fit(frame(mentor()))


def test_an_update_changes_the_next_suggestion() -> None:
    mentors = frame(mentor(id=1), mentor(id=2, substances=["alcohol"]))
    ranker = fitted(mentors)
    n = frame(newcomer())
    assert ranker.suggestions(n, 1)[0].mentor_id == 1
    ranker.update_mentors(frame(mentor(id=1, active=False)))
    assert ranker.suggestions(n, 1)[0].mentor_id == 2
    assert ranker.explain(n, 1).failed_rules[0][0] == "capacity"
    ranker.update_mentors(frame(mentor(id=1), mentor(id=2, load=2)))
    assert [s.mentor_id for s in ranker.suggestions(n, 5)] == [1]
    ranker.update_mentors(frame(mentor(id=3, first_name="Keisha", lived_experience=["parent"],
                                       age=35, load=0)))  # fmt: skip
    top = ranker.suggestions(n, 1)[0]
    assert (top.mentor_id, top.display_name) == (3, "Keisha")


def test_update_matches_a_refit() -> None:
    w = world(11)
    edited = w.mentors.copy()
    edited.loc[:9, "active"] = ~edited.loc[:9, "active"]
    edited.loc[10:19, "availability"] = edited.loc[20:29, "availability"].to_numpy()
    edited.loc[5:14, "load"] = 0
    ranker = fitted(w.mentors).update_mentors(edited.iloc[:20])
    pd.testing.assert_frame_equal(ranker.rank(w.newcomers), fitted(edited).rank(w.newcomers))


def test_candidates_match_rank() -> None:
    w = world(5)
    ranker = fitted(w.mentors)
    matrix, newcomer_ids, mentor_ids = ranker.candidates(w.newcomers, k=7)
    assert sp.issparse(matrix) and matrix.shape == (len(w.newcomers), len(w.mentors))
    ranked = ranker.rank(w.newcomers, k=7)
    coo = matrix.tocoo()
    got = {
        (int(newcomer_ids[r]), int(mentor_ids[c])) for r, c in zip(coo.row, coo.col, strict=True)
    }
    assert got == set(zip(ranked.newcomer_id, ranked.mentor_id, strict=True))


def test_suggestions_and_explanations_agree() -> None:
    w = world(9)
    ranker = fitted(w.mentors)
    n = w.newcomers.iloc[[0]]
    suggestions = ranker.suggestions(n, 3)
    assert suggestions and all(s.reasons and s.display_name for s in suggestions)
    for s in suggestions:
        e = ranker.explain(n, s.mentor_id)
        assert (e.rank, e.score, e.failed_rules) == (s.rank, s.score, [])
        assert e.components == s.components
    with pytest.raises(UnknownMentorError):
        ranker.explain(n, -1)


def test_a_newcomer_record_is_ranked_like_its_one_row_frame() -> None:
    # the app hands one newcomer over as a record of the frame's columns
    w = world(23, mentors=800, newcomers=60)
    ranker = fitted(w.mentors)
    records = w.newcomers.to_dict("records")
    records.append({**records[0], "languages": tuple(records[0]["languages"]),
                    "lived_experience": None, "recovery_start": None})  # fmt: skip
    for record in records:
        one = pd.DataFrame([record])
        suggestions = ranker.suggestions(record, 5)
        assert suggestions == ranker.suggestions(one, 5)
        for s in suggestions[:2]:
            assert ranker.explain(record, s.mentor_id) == ranker.explain(one, s.mentor_id)
    assert sum(bool(ranker.suggestions(r, 5)) for r in records) > 40
    incomplete = {k: v for k, v in records[0].items() if k != "hopes"}
    with pytest.raises(ValueError, match="missing columns: hopes"):
        ranker.suggestions(incomplete)


def test_batch_ranking_equals_the_single_newcomer_path() -> None:
    w = world(21, mentors=3000, newcomers=200)  # enough rows to split over threads
    ranker = fitted(w.mentors)
    ranked = ranker.rank(w.newcomers, k=4)
    for i in range(len(w.newcomers)):
        one = w.newcomers.iloc[[i]]
        single = ranker.suggestions(one, 4)
        rows = ranked[ranked.newcomer_id == one.id.iloc[0]]
        assert list(rows.mentor_id) == [s.mentor_id for s in single]
        assert list(rows.score) == [s.score for s in single]


@pytest.mark.parametrize("seed", [3, 17])
def test_ranked_scores_are_exactly_the_explained_scores(seed: int) -> None:
    # the compiled kernel and explain's numpy path must agree to the bit
    w = world(seed, mentors=300, newcomers=40)
    ranker = fitted(w.mentors)
    ranked = ranker.rank(w.newcomers, k=6)
    assert len(ranked) > 100
    by_id = w.newcomers.set_index("id", drop=False)
    for row in ranked.itertuples():
        e = ranker.explain(by_id.loc[[row.newcomer_id]], row.mentor_id)
        assert (e.feasible, e.rank, e.score) == (True, row.rank, row.score)
        assert e.components == {c: getattr(row, c) for c in e.components}


def test_candidates_of_no_newcomers_is_an_empty_graph() -> None:
    w = world(8, mentors=60, newcomers=5)
    ranker = fitted(w.mentors)
    matrix, newcomer_ids, mentor_ids = ranker.candidates(w.newcomers.iloc[:0], k=2, mentor_k=3)
    assert matrix.shape == (0, len(mentor_ids)) and matrix.nnz == 0
    assert newcomer_ids.size == 0
    with pytest.raises(ValueError, match="k must be at least 1"):
        ranker.candidates(w.newcomers, k=0)


@pytest.mark.parametrize("twins", [False, True])
def test_candidates_add_each_mentors_best_newcomers(twins: bool) -> None:
    w = world(8, mentors=60, newcomers=300)
    newcomers = w.newcomers
    if twins:  # every profile twice: equal scores, so ties decide (the earlier row wins)
        twin = newcomers.iloc[:150].assign(id=newcomers.id.iloc[:150] + 10_000)
        newcomers = pd.concat([newcomers.iloc[:150], twin], ignore_index=True)
    ranker = fitted(w.mentors, chunk_size=128)  # per-mentor picks must survive chunking
    matrix, newcomer_ids, mentor_ids = ranker.candidates(newcomers, k=2, mentor_k=3)
    everything = ranker.rank(newcomers, k=len(w.mentors))
    row_of = {int(n): i for i, n in enumerate(newcomer_ids)}
    top = everything[everything["rank"] <= 2]
    expected = set(zip(top.newcomer_id, top.mentor_id, strict=True))
    for mentor_id, pairs in everything.groupby("mentor_id"):
        order = pairs.assign(row=pairs.newcomer_id.map(row_of)).sort_values(
            ["score", "row"], ascending=[False, True]
        )
        expected |= {(int(n), int(mentor_id)) for n in order.newcomer_id[:3]}
    coo = matrix.tocoo()
    got = {
        (int(newcomer_ids[r]), int(mentor_ids[c])) for r, c in zip(coo.row, coo.col, strict=True)
    }
    assert got == expected
    scores = everything.set_index(["newcomer_id", "mentor_id"]).score
    for r, c, v in zip(coo.row, coo.col, coo.data, strict=True):
        assert v == max(scores[(int(newcomer_ids[r]), int(mentor_ids[c]))], 1e-9)
