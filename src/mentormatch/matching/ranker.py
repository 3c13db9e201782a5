"""``MentorRanker``: a scikit-learn estimator that ranks feasible mentors per newcomer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Self, TypeAlias

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from mentormatch.matching import criteria, kernel, rules
from mentormatch.matching import frames as F
from mentormatch.matching.explain import Explanation, Suggestion, reasons, shared_terms
from mentormatch.matching.features import ALL_GENDERS, encode_mentors, encode_text, make_encoders
from mentormatch.matching.newcomer_rows import (
    Newcomers,
    Query,
    encode_newcomer_columns,
    encode_newcomer_rows,
)
from mentormatch.matching.pool import Pool, excluded_positions, signature_keys
from mentormatch.matching.program import CRITERIA, Program, resolve_weights

_EMPTY = np.empty(0, dtype=np.int64)
_NO_SCORES = np.empty(0, dtype=np.float32)


ScanResult = tuple[kernel.TopK, dict[str, np.ndarray]]
OneNewcomer: TypeAlias = pd.DataFrame | Mapping[str, Any]  # a one-row frame, or one record


class UnknownMentorError(KeyError):
    """The mentor id is not among the fitted mentors."""


class MentorRanker(BaseEstimator):
    """Rank mentors for newcomers: hard rules as masks, soft criteria as a weighted mean.

    Parameters (all keyword-only):
        weights: criterion -> weight, merged over ``program.DEFAULT_WEIGHTS``.
        family_credit: substance credit when only the family is shared (0..1).
        overlap_saturation_hours: weekly shared hours that count as a full schedule match.
        min_recovery_days: minimum continuous recovery of a mentor at ``reference_time``.
        mentor_longer_in_recovery: a mentor's recovery must have begun before the
            newcomer's (when the newcomer gave a date).
        min_age: adult age; mentors must reach it, younger newcomers need a youth program.
        serves_youth: the program pairs minors with youth-vetted mentors.
        age_span_years: age difference at which age proximity reaches 0.
        reference_time: the instant the coming week starts (None = now at ``fit``); its
            DST rules convert local availability to UTC; recovery time is measured then.
        chunk_size: newcomers encoded and scanned at once in ``rank``/``candidates``.
    """

    def __init__(
        self,
        *,
        weights: dict[str, float] | None = None,
        family_credit: float = 0.5,
        overlap_saturation_hours: float = 3.0,
        min_recovery_days: int = 365,
        mentor_longer_in_recovery: bool = True,
        min_age: int = 18,
        serves_youth: bool = False,
        age_span_years: float = 25.0,
        reference_time: datetime | None = None,
        chunk_size: int = 1024,
    ) -> None:
        self.weights = weights
        self.family_credit = family_credit
        self.overlap_saturation_hours = overlap_saturation_hours
        self.min_recovery_days = min_recovery_days
        self.mentor_longer_in_recovery = mentor_longer_in_recovery
        self.min_age = min_age
        self.serves_youth = serves_youth
        self.age_span_years = age_span_years
        self.reference_time = reference_time
        self.chunk_size = chunk_size

    # ------------------------------------------------------------------ fitting
    def fit(self, X: pd.DataFrame, y: Any = None) -> Self:
        """Learn the mentor matrices from a mentors frame (see ``frames``)."""
        if not 0.0 <= self.family_credit <= 1.0:
            raise ValueError("family_credit must be in [0, 1]")
        if not self.overlap_saturation_hours > 0 or not self.age_span_years > 0:
            raise ValueError("overlap_saturation_hours and age_span_years must be > 0")
        mentors = F.check_mentors(X)
        reference = self.reference_time or datetime.now(UTC)
        self.encoders_ = make_encoders(mentors[F.INTERESTS].tolist(), reference=reference)
        self.program_ = Program(
            weights=resolve_weights(self.weights),
            family_credit=float(self.family_credit),
            overlap_saturation_hours=float(self.overlap_saturation_hours),
            min_recovery_days=int(self.min_recovery_days),
            mentor_longer_in_recovery=bool(self.mentor_longer_in_recovery),
            min_age=int(self.min_age),
            serves_youth=bool(self.serves_youth),
            age_span_years=float(self.age_span_years),
            reference=reference,
            week_start=self.encoders_.week_start,
            reference_day=self.encoders_.reference_day,
        )
        self.feature_names_ = self.encoders_.text.get_feature_names_out()
        self.mentors_ = encode_mentors(mentors, self.encoders_)
        self.text_ = encode_text(self.encoders_, mentors[F.INTERESTS].tolist())
        self.first_names_ = np.array(mentors[F.FIRST_NAME].tolist(), dtype=object)
        self._index()
        return self

    def _index(self) -> None:
        """Rebuild id lookups, the full-text CSC matrix and the eligible, sorted pool."""
        m, p = self.mentors_, self.program_
        self.mentor_ids_ = m.id
        self.positions_ = pd.Index(m.id)
        self.text_csc_ = self.text_.tocsc()
        idx = np.flatnonzero(rules.in_pool(m, p))
        idx = idx[np.lexsort((m.id[idx], signature_keys(m.take(idx))))]
        self.pool_index_ = idx
        self.pool_ = m.take(idx)
        self.pool_text_ = self.text_[idx].tocsc()
        self.pool_position_ = np.full(len(m), -1, dtype=np.int64)
        self.pool_position_[idx] = np.arange(idx.size)
        bits = [1 << i for i in range(ALL_GENDERS.bit_length())]
        lo = np.searchsorted(self.pool_.gender, bits, side="left")
        hi = np.searchsorted(self.pool_.gender, bits, side="right")
        self.pool_bounds_ = {b: (int(a), int(c)) for b, a, c in zip(bits, lo, hi, strict=True)}
        self.kernel_pool_ = Pool.of(self.pool_, self.pool_text_)

    def new_words(self, X: pd.DataFrame) -> bool:
        """Whether the mentors' interests hold a word the fitted text vocabulary lacks."""
        check_is_fitted(self, "mentors_")
        text = self.encoders_.text
        analyze, known = self.encoders_.analyze, text.vocabulary_
        return any(
            word not in known
            for interests in F.check_mentors(X)[F.INTERESTS].tolist()
            for word in analyze(interests if isinstance(interests, str) else "")
        )

    def update_mentors(self, X: pd.DataFrame) -> Self:
        """Apply edited, paused, capacity-changed or new mentors without a refit.

        Vocabulary, IDF weights and the reference week stay as fitted: words first
        seen in an update are ignored until the next ``fit`` (``new_words`` tells).
        """
        check_is_fitted(self, "mentors_")
        if not len(X):
            return self
        mentors = F.check_mentors(X)
        new = encode_mentors(mentors, self.encoders_)
        text = encode_text(self.encoders_, mentors[F.INTERESTS].tolist())
        pos = self.positions_.get_indexer(new.id)
        known = pos >= 0
        n = len(self.mentors_)
        if known.any():
            self.mentors_.assign(pos[known], new.take(np.flatnonzero(known)))
            self.first_names_[pos[known]] = mentors[F.FIRST_NAME].to_numpy()[known]
        added = np.flatnonzero(~known)
        if added.size:
            self.mentors_ = self.mentors_.concat(new.take(added))
            self.first_names_ = np.concatenate(
                [self.first_names_, mentors[F.FIRST_NAME].astype(object).to_numpy()[added]]
            )
        source = np.arange(n + added.size)
        source[pos[known]] = n + np.flatnonzero(known)
        source[n:] = n + added
        self.text_ = sp.vstack([self.text_, text], format="csr")[source]
        self._index()
        return self

    # ------------------------------------------------------------------ queries
    def _chunks(self, newcomers: pd.DataFrame) -> Iterator[Newcomers]:
        """Encode newcomers chunk by chunk."""
        check_is_fitted(self, "mentors_")
        df = F.check_newcomers(newcomers)
        step = max(int(self.chunk_size), 1)
        for start in range(0, len(df), step):
            yield encode_newcomer_rows(df.iloc[start : start + step], self.encoders_)

    def _batch(self, rows: Newcomers) -> kernel.Batch:
        """Encoded rows as the kernel reads them: the runs each may scan, its exclusions."""
        whole = (0, len(self.pool_))
        bounds = np.array([self.pool_bounds_[p] if p.bit_count() == 1 else whole
                           for p in rows.pref.tolist()], dtype=np.int64).reshape(-1, 2)  # fmt: skip
        excluded = excluded_positions(self.positions_, self.pool_position_, rows.excluded)
        return kernel.Batch.of(rows, bounds=self.kernel_pool_.run_bounds(bounds), excluded=excluded)

    @staticmethod
    def _criteria_columns(top: kernel.TopK, k: int) -> ScanResult:
        """The top-k with the criterion columns of its pairs (flat, NaN where n/a)."""
        keep = np.arange(k)[None, :] < top.found[:, None]
        applies = np.broadcast_to(top.applies[:, None, :], top.values.shape)[keep]
        flat = np.where(applies, top.values[keep].astype(np.float64), np.nan)
        return top, {c: flat[:, i] for i, c in enumerate(CRITERIA)}

    def _scan(self, rows: Newcomers, k: int) -> ScanResult:
        """Run the fused kernel; also return the criterion columns of the top-k (flat)."""
        top = kernel.scan(self.kernel_pool_, self._batch(rows), self.program_, k=k)
        return self._criteria_columns(top, k)

    def _scanned(
        self, newcomers: pd.DataFrame, k: int, lists: kernel.MentorLists | None = None
    ) -> Iterator[tuple[Newcomers, kernel.TopK]]:
        """Scan chunk after chunk: this thread prepares the next chunk while the kernel's
        threads, which hold no GIL, scan the last."""
        offset = 0
        with ThreadPoolExecutor(1) as executor:
            ahead: tuple[Newcomers, Future[kernel.TopK]] | None = None
            for chunk in self._chunks(newcomers):
                batch = self._batch(chunk)
                future = executor.submit(kernel.scan, self.kernel_pool_, batch, self.program_,
                                         k=k, lists=lists, row_offset=offset)  # fmt: skip
                offset += len(chunk)
                if ahead is not None:
                    yield ahead[0], ahead[1].result()
                ahead = (chunk, future)
            if ahead is not None:
                yield ahead[0], ahead[1].result()

    def _top(self, row: Newcomers, k: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Pool positions, scores and criterion values of one newcomer's top-k feasible mentors."""
        top, parts = self._scan(row, k)
        c = top.found[0]
        return top.position[0, :c], top.score[0, :c], parts

    def rank(self, newcomers: pd.DataFrame, k: int = 10) -> pd.DataFrame:
        """Top-k feasible mentors per newcomer, long format, best first per newcomer."""
        check_is_fitted(self, "mentors_")
        names = ("newcomer_id", "mentor_id", "rank", "score", *CRITERIA)
        cols: dict[str, list[np.ndarray]] = {c: [] for c in names}
        for chunk, scanned in self._scanned(newcomers, k):
            top, parts = self._criteria_columns(scanned, k)
            keep = np.arange(k)[None, :] < top.found[:, None]
            cols["newcomer_id"].append(np.repeat(chunk.id, top.found))
            cols["mentor_id"].append(self.pool_.id[top.position[keep]])
            cols["rank"].append(np.nonzero(keep)[1] + 1)
            cols["score"].append(top.score[keep].astype(np.float64))
            for c in CRITERIA:
                cols[c].append(parts[c])
        out = {c: (np.concatenate(v) if v else np.empty(0)) for c, v in cols.items()}
        frame = pd.DataFrame(out)
        return frame.astype({"newcomer_id": "int64", "mentor_id": "int64", "rank": "int64"})

    def candidates(
        self, newcomers: pd.DataFrame, k: int = 50, *, mentor_k: int = 0
    ) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """Feasible scores as a CSR matrix (newcomers x fitted mentors) for assignment.

        Holds each newcomer's top ``k`` mentors and, with ``mentor_k``, each mentor's
        ``mentor_k`` best newcomers, so that a mentor nobody ranks highly still has
        edges. Columns follow ``mentor_ids_``; a score of exactly 0 is stored as 1e-9
        so feasibility survives sparsity.
        """
        check_is_fitted(self, "mentors_")
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        ids: list[int] = []
        rows, cols, vals, last = [], [], [], []
        lists = kernel.MentorLists(len(self.pool_), mentor_k) if mentor_k else None
        offset = 0
        for chunk, top in self._scanned(newcomers, k, lists):
            keep = np.arange(k)[None, :] < top.found[:, None]
            rows.append(np.nonzero(keep)[0] + offset)
            cols.append(top.position[keep])
            vals.append(top.score[keep])
            last.append((top.found, top.score[:, k - 1], top.position[:, k - 1]))
            ids.extend(chunk.id.tolist())
            offset += len(chunk)
        if lists is not None and last:  # each mentor's picks not in the row's own top-k
            best = lists.result()
            mentor, slot = np.nonzero(best.row >= 0)
            row, score = best.row[mentor, slot], best.score[mentor, slot]
            count, kth_score, kth_position = (np.concatenate(c) for c in zip(*last, strict=True))
            kth_id = self.pool_.id[np.maximum(kth_position[row], 0)]
            # a row's own list holds every feasible mentor when shorter than k, otherwise
            # those ranked at or above its k-th (score descending, then lower id)
            own = (count[row] < k) | (score > kth_score[row])
            own |= (score == kth_score[row]) & (self.pool_.id[mentor] <= kth_id)
            rows.append(row[~own])
            cols.append(mentor[~own])
            vals.append(score[~own])
        score = np.maximum(np.concatenate([_NO_SCORES, *vals]).astype(np.float64), 1e-9)
        at = (np.concatenate([_EMPTY, *rows]), self.pool_index_[np.concatenate([_EMPTY, *cols])])
        matrix = sp.csr_matrix((score, at), shape=(offset, len(self.mentor_ids_)))
        matrix.sort_indices()
        return matrix, np.asarray(ids, dtype=np.int64), self.mentor_ids_.copy()

    def _one(self, newcomer: OneNewcomer) -> tuple[Newcomers, Query]:
        """The encoded row and query of a one-row newcomers frame, or of one record."""
        if isinstance(newcomer, pd.DataFrame):
            if len(newcomer) != 1:
                raise ValueError("expected a newcomers frame with exactly one row")
            row = next(self._chunks(newcomer))
        else:
            check_is_fitted(self, "mentors_")
            row = encode_newcomer_columns(F.check_newcomer_record(newcomer), self.encoders_)
        return row, row.queries()[0]

    def _describe(self, q: Query, position: int, parts: dict[str, float]) -> list[str]:
        """Reasons for the fitted mentor at ``position``."""
        m = self.mentors_.take(slice(position, position + 1))
        a, b = self.text_.indptr[position], self.text_.indptr[position + 1]
        row = (self.text_.indices[a:b], self.text_.data[a:b])
        terms = shared_terms(self.feature_names_, q.terms, q.weights, row)
        pair = rules.Pair(m, q, self.program_)
        return reasons(pair, parts, self.encoders_, self.program_, text_terms=terms)

    def suggestions(self, newcomer: OneNewcomer, k: int = 5) -> list[Suggestion]:
        """Top-k suggestions with criterion scores and reasons for one newcomer (a one-row
        frame, or a mapping of the frame's columns to values)."""
        row, q = self._one(newcomer)
        pos, score, parts = self._top(row, k)
        out = []
        for i, p in enumerate(pos.tolist()):
            comp = {c: float(v[i]) for c, v in parts.items() if not np.isnan(v[i])}
            full = int(self.pool_index_[p])
            out.append(
                Suggestion(
                    mentor_id=int(self.pool_.id[p]),
                    display_name=str(self.first_names_[full]),
                    rank=i + 1,
                    score=float(score[i]),
                    components=comp,
                    reasons=self._describe(q, full, comp),
                )
            )
        return out

    def explain(self, newcomer: OneNewcomer, mentor_id: int) -> Explanation:
        """Score, reasons, broken hard rules and rank (among feasible) of one pair (the
        newcomer as for ``suggestions``)."""
        _, q = self._one(newcomer)
        position = int(self.positions_.get_indexer([mentor_id])[0])
        if position < 0:
            raise UnknownMentorError(mentor_id)
        m = self.mentors_
        pair = rules.Pair(m, q, self.program_)
        ok = rules.feasible(pair)
        text = criteria.text_scores(self.text_csc_, q)
        values, applies, score = criteria.components(m, pair.side, self.program_, text=text)
        parts = criteria.as_columns(values, applies, np.array([position]))
        comp = {c: float(v[0]) for c, v in parts.items() if not np.isnan(v[0])}
        s, mid = score[position], m.id[position]
        rank = None
        if ok[position]:
            better = (score > s) | ((score == s) & (m.id < mid))
            rank = int(np.count_nonzero(ok & better)) + 1
        one = rules.Pair(m.take(slice(position, position + 1)), q, self.program_)
        return Explanation(
            newcomer_id=q.id,
            mentor_id=int(mid),
            display_name=str(self.first_names_[position]),
            feasible=bool(ok[position]),
            score=float(s),
            components=comp,
            reasons=self._describe(q, position, comp),
            failed_rules=rules.failures(one, self.encoders_),
            rank=rank,
        )

    def describe(
        self, newcomers: pd.DataFrame, mentor_ids: np.ndarray
    ) -> list[tuple[dict[str, float], list[str]]]:
        """Criterion scores and reasons of given pairs (row i of ``newcomers`` with
        ``mentor_ids[i]``), worded as ``explain`` words them; for pairs the kernel already
        found feasible (the rules and the rank are not computed again)."""
        positions = self.positions_.get_indexer(np.asarray(mentor_ids, dtype=np.int64))
        if (positions < 0).any():
            raise UnknownMentorError(int(np.asarray(mentor_ids)[positions < 0][0]))
        at = iter(positions.tolist())
        out = []
        for rows in self._chunks(newcomers):
            for q in rows.queries():
                position = next(at)
                m = self.mentors_.take(slice(position, position + 1))
                a, b = self.text_.indptr[position], self.text_.indptr[position + 1]
                _, qi, mi = np.intersect1d(q.terms, self.text_.indices[a:b],
                                           assume_unique=True, return_indices=True)  # fmt: skip
                text = self.text_.data[a:b][mi] * q.weights[qi].astype(np.float32)
                cosine = np.array([text.astype(np.float64).sum()])
                values, said, _ = criteria.components(
                    m, rules.Pair(m, q, self.program_).side, self.program_, text=cosine
                )
                parts = criteria.as_columns(values, said, np.zeros(1, dtype=np.int64))
                comp = {c: float(v[0]) for c, v in parts.items() if not np.isnan(v[0])}
                out.append((comp, self._describe(q, position, comp)))
        return out
