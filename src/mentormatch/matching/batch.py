"""Batch top-k: BLAS upper bounds for many newcomers at once, then exact rescoring.

For a chunk of newcomers, one GEMM gives every pool mentor an *upper bound* of the
score (exact for substance, pathway, experience, load and text; schedule through a
second GEMM on unpacked UTC hours; age by 5-year buckets taking the best age in the
bucket; in person counted as a usable mode before the distance check). Hard rules
that depend only on categorical codes are evaluated once per distinct mentor
"signature" and expanded over the signature-sorted pool. Per newcomer, candidates
above a block-maximum threshold are rescored exactly with ``criteria.components``
and the remaining pair rules (distance, recovery dates, do-not-pair). A row is kept
only if its k-th exact score beats every non-candidate's bound; otherwise it falls
back to the single-newcomer path, so results are always exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import scipy.sparse as sp

from mentormatch.matching import criteria
from mentormatch.matching.features import (
    ALL_GENDERS,
    FAMILY_CODES,
    NO_RECOVERY_DAY,
    REMOTE_MODES,
    SUBSTANCE_CODES,
    MentorArrays,
    NewcomerArrays,
    Query,
    near_mask,
)
from mentormatch.matching.program import Program
from mentormatch.matching.schedule import unpack
from mentormatch.vocabulary import FAMILY_OF

AGE_BUCKET: Final = 5
AGE_BUCKETS: Final = 25
BLOCK: Final = 128
BLOCKS_PER_K: Final = 6
EXTRA: Final = 4  # candidates beyond k kept for exact rescoring
SLACK: Final = 3e-5  # float32 GEMM rounding allowance (~ D x float32 eps)
MAX_DENSE_TEXT: Final = 2048
MAX_DENSE_CELLS: Final = 32_000_000  # beyond this, text is added by sparse products
MAX_POOL: Final = 250_000  # larger pools use the single-newcomer path (memory)
TARGET_CELLS: Final = 4_000_000  # chunk rows x pool mentors per GEMM block


LAST_STATS: dict[str, int] = {}  # candidates / retries / fallbacks since last reset (bench)


@dataclass(slots=True)
class BatchIndex:
    """Dense mentor-side matrices for the pool (built lazily on the first batch call)."""

    linear: np.ndarray  # (P, D) float32
    hours: np.ndarray  # (P, 168) float32
    signature: MentorArrays  # one row per distinct categorical signature
    counts: np.ndarray  # pool rows per signature (pool is sorted by signature)
    dense_text: bool
    text_csr: sp.csr_matrix


def signature_keys(m: MentorArrays) -> np.ndarray:
    """A sortable key of the categorical codes the hard rules read (gender first)."""
    key = m.gender.astype(np.uint64) << np.uint64(56)
    key |= m.accepts.astype(np.uint64) << np.uint64(52)
    key |= m.modes.astype(np.uint64) << np.uint64(48)
    key |= m.ruled_out.astype(np.uint64) << np.uint64(40)
    key |= m.affirming.astype(np.uint64) << np.uint64(39)
    key |= m.youth_vetted.astype(np.uint64) << np.uint64(38)
    if m.languages.dtype.itemsize > 4:
        raise ValueError("batch ranking supports up to 32 languages")
    return key | m.languages.astype(np.uint64)


def build(pool: MentorArrays, text: sp.csc_matrix, p: Program) -> BatchIndex:
    """Dense features of a signature-sorted pool."""
    n = len(pool)
    credit = np.zeros((n, len(SUBSTANCE_CODES)), dtype=np.float32)
    for i, code in enumerate(SUBSTANCE_CODES):
        fam = 1 << FAMILY_CODES.index(FAMILY_OF[code])
        credit[:, i] = np.where(
            (pool.substances >> i) & 1, 1.0, np.where(pool.families & fam, p.family_credit, 0.0)
        )
    bits = [credit]
    for arr, width in ((pool.pathways, 8), (pool.experience, 6), (pool.modes, 4)):
        bits.append(((arr[:, None].astype(np.int64) >> np.arange(width)) & 1).astype(np.float32))
    bucket = np.clip(pool.age // AGE_BUCKET, 0, AGE_BUCKETS - 1).astype(np.int64)
    ages = np.zeros((n, AGE_BUCKETS), dtype=np.float32)
    ages[np.arange(n), bucket] = 1.0
    bits += [ages, pool.load_score[:, None].astype(np.float32)]
    dense_text = text.shape[1] <= MAX_DENSE_TEXT and n * text.shape[1] <= MAX_DENSE_CELLS
    if dense_text:
        bits.append(text.toarray().astype(np.float32))
    keys = signature_keys(pool)
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    return BatchIndex(
        linear=np.ascontiguousarray(np.hstack(bits)),
        hours=unpack(pool.schedule).astype(np.float32),
        signature=pool.take(first),
        counts=counts,
        dense_text=dense_text,
        text_csr=text.tocsr(),
    )


def _weights(n: NewcomerArrays, p: Program) -> dict[str, np.ndarray]:
    """Per-newcomer share of each criterion in the weighted mean (float64)."""
    applies = {
        "substance": n.n_substances > 0,
        "schedule": np.bitwise_or.reduce(n.schedule, axis=0) != 0,
        "pathway": n.pathway != 0,
        "experience": n.wanted != 0,
        "text": n.has_text,
        "age": np.ones(n.age.size, dtype=bool),
        "load": np.ones(n.age.size, dtype=bool),
        "modes": n.modes != 0,
    }
    norm = sum(p.weights[c] * a for c, a in applies.items())
    return {c: np.where(a, p.weights[c] / np.maximum(norm, 1e-12), 0.0) for c, a in applies.items()}


def _newcomer_side(n: NewcomerArrays, q_text: sp.csr_matrix, idx: BatchIndex, p: Program
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Newcomer rows of the linear GEMM, the unpacked schedules and schedule scale."""
    s = _weights(n, p)
    sub = (n.substances[:, None].astype(np.int64) >> np.arange(len(SUBSTANCE_CODES))) & 1
    sub = sub * (s["substance"] / np.maximum(n.n_substances, 1))[:, None]
    path = ((n.pathway[:, None] >> np.arange(8)) & 1) * s["pathway"][:, None]
    wanted = np.bitwise_count(n.wanted).astype(float)
    exp = ((n.wanted[:, None] >> np.arange(6)) & 1) * (s["experience"] / np.maximum(wanted, 1))[
        :, None
    ]
    n_modes = np.bitwise_count(n.modes).astype(float)
    modes = ((n.modes[:, None] >> np.arange(4)) & 1) * (s["modes"] / np.maximum(n_modes, 1))[
        :, None
    ]
    lo = np.arange(AGE_BUCKETS) * AGE_BUCKET
    gap = np.maximum(0, np.maximum(lo[None, :] - n.age[:, None],
                                   n.age[:, None] - (lo[None, :] + AGE_BUCKET - 1)))  # fmt: skip
    ages = np.maximum(0.0, 1.0 - gap / p.age_span_years) * s["age"][:, None]
    parts = [sub, path, exp, modes, ages, s["load"][:, None]]
    if idx.dense_text:
        parts.append(q_text.toarray() * s["text"][:, None])
    side = np.hstack(parts).astype(np.float32)
    scale = (s["schedule"] / p.overlap_saturation_hours).astype(np.float32)
    return side, unpack(n.schedule).astype(np.float32), scale


def _signature_ok(n: NewcomerArrays, g: MentorArrays, p: Program) -> np.ndarray:
    """Categorical hard rules, newcomers x signatures (in person before distance)."""
    ng = lambda a: a[:, None]  # noqa: E731
    ok = (g.accepts[None, :] & ng(n.gender)) != 0
    ok &= (ng(n.pref) == ALL_GENDERS) | ((g.gender[None, :] & ng(n.pref)) != 0)
    ok &= (g.languages[None, :] & ng(n.languages)) != 0
    ok &= (g.modes[None, :] & ng(n.modes)) != 0
    ok &= ~ng(n.on_medication) | g.affirming[None, :]
    ok &= (ng(n.pathway) == 0) | ((g.ruled_out[None, :] & ng(n.pathway)) == 0)
    youth_ok = g.youth_vetted[None, :] & p.serves_youth
    ok &= (ng(n.age) >= p.min_age) | youth_ok
    return ok


Result = tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]


def top_k_batch(
    queries: list[Query],
    *,
    pool: MentorArrays,
    pool_position: np.ndarray,
    positions: object,
    idx: BatchIndex,
    p: Program,
    k: int,
) -> list[Result | None]:
    """Exact top-k per query (pool positions, scores, criterion columns); None = fall back.

    Rows whose bound check fails are retried once with four times the candidates.
    """
    n_all = NewcomerArrays.of(queries, pool.languages.dtype)
    q_text = _query_text(queries, idx.text_csr.shape[1])
    step = max(16, min(2048, TARGET_CELLS // max(len(pool), 1)))
    out: list[Result | None] = [None] * len(queries)
    for key in ("candidates", "retried", "fallback", "rows"):
        LAST_STATS.setdefault(key, 0)
    LAST_STATS["rows"] += len(queries)
    pending = np.arange(len(queries))
    for attempt, kk in enumerate((k + EXTRA, 4 * (k + EXTRA))):
        failed = []
        for start in range(0, pending.size, step):
            rows = pending[start : start + step]
            ctx = (queries, n_all.take(rows), q_text[rows], rows)
            failed.append(_block(ctx, pool, pool_position, positions, idx, p, k, kk, out))
        pending = np.concatenate(failed) if failed else pending[:0]
        LAST_STATS["retried" if attempt == 0 else "fallback"] += int(pending.size)
        if not pending.size:
            break
    return out


def _block(ctx: tuple, pool: MentorArrays, pool_position: np.ndarray, positions: object,
           idx: BatchIndex, p: Program, k: int, kk: int, out: list[Result | None]
           ) -> np.ndarray:  # fmt: skip
    """Rank one chunk of rows into ``out``; return the rows that were not certified."""
    queries, n, q_text, rows = ctx
    P = len(pool)
    side, sched, scale = _newcomer_side(n, q_text, idx, p)
    S = side @ idx.linear.T
    H = sched @ idx.hours.T
    np.minimum(H, np.float32(p.overlap_saturation_hours), out=H)
    H *= scale[:, None]
    S += H
    if not idx.dense_text:
        S += (q_text @ idx.text_csr.T).toarray() * _weights(n, p)["text"][:, None]
    bad = np.repeat(~_signature_ok(n, idx.signature, p), idx.counts, axis=1)
    np.putmask(S, bad, np.float32(-1.0))
    bound = _thresholds(S, kk)
    r, c = np.nonzero(bound[:, None] <= S)
    del S, H, bad
    pairs_n = n.take(r)
    m = pool.take(c)
    near = near_mask(m, pairs_n)
    ok = ((m.modes & pairs_n.modes & np.uint8(REMOTE_MODES)) != 0) | near
    ok &= (pairs_n.recovery_day == NO_RECOVERY_DAY) | (m.recovery_day < pairs_n.recovery_day)
    excluded = _excluded_codes(queries, rows, positions, pool_position, P)
    if excluded.size:
        ok &= ~np.isin(r.astype(np.int64) * P + c, excluded)
    text = _pair_text(q_text, idx.text_csr, r, c)
    values, applies = criteria.components(m, pairs_n, p, text=text, near=near)
    score = criteria.total(values, applies, p.weights)
    keep = np.flatnonzero(ok)
    order = keep[np.lexsort((m.id[keep], -score[keep], r[keep]))]
    first = np.searchsorted(r[order], np.arange(rows.size))
    top = order[(np.arange(order.size) - first[r[order]]) < k]
    counts = np.bincount(r[top], minlength=rows.size)
    full = counts >= k
    kth = np.full(rows.size, -np.inf)
    if top.size:
        last = top[np.maximum(np.cumsum(counts) - 1, 0)]
        kth[full] = score[last[full]]
    certified = (bound <= 0) | (full & (kth >= bound + SLACK))
    LAST_STATS["candidates"] += int(r.size)
    cols = criteria.as_columns(values, applies, top)
    edges = np.concatenate([[0], np.cumsum(counts)])
    for i in np.flatnonzero(certified).tolist():
        sl = slice(edges[i], edges[i + 1])
        out[rows[i]] = (c[top[sl]], score[top[sl]], {name: v[sl] for name, v in cols.items()})
    return rows[~certified]


def _thresholds(S: np.ndarray, kk: int) -> np.ndarray:
    """Per row, a value <= the kk-th largest score (kk-th largest block maximum), >= 0.

    Blocks are sized so there are about ``BLOCKS_PER_K * kk`` of them: the threshold
    is then close to the true kk-th value and few candidates survive it.
    """
    rows, P = S.shape
    size = min(BLOCK, P // (BLOCKS_PER_K * kk))
    if size < 2:
        return np.zeros(rows, dtype=np.float32)
    nb = P // size
    maxima = S[:, : nb * size].reshape(rows, nb, size).max(axis=2)
    thr = np.partition(maxima, nb - kk, axis=1)[:, nb - kk]
    return np.maximum(thr, np.float32(0.0))


def _query_text(queries: list[Query], vocab_size: int) -> sp.csr_matrix:
    """The queries' TF-IDF rows as CSR."""
    indptr = np.concatenate([[0], np.cumsum([q.terms.size for q in queries])])
    indices = np.concatenate([q.terms for q in queries]) if queries else np.empty(0, np.int64)
    data = np.concatenate([q.weights for q in queries]) if queries else np.empty(0, np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(queries), vocab_size))


def _pair_text(q: sp.csr_matrix, X: sp.csr_matrix, r: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Cosine per (query row, pool row) pair, accumulated like ``criteria.text_scores``."""
    prod = q[r].multiply(X[c]).tocsr()
    prod.sort_indices()
    sums = np.zeros(r.size, dtype=np.float64)
    lengths = np.diff(prod.indptr)
    owner = np.repeat(np.arange(r.size), lengths)
    np.add.at(sums, owner, prod.data.astype(np.float64))
    return np.minimum(sums, 1.0).astype(np.float32)


def _excluded_codes(queries: list[Query], rows: np.ndarray, positions: object,
                    pool_position: np.ndarray, size: int) -> np.ndarray:  # fmt: skip
    """``local row * pool size + pool position`` of every excluded pair in the chunk."""
    codes = []
    for local, row in enumerate(rows.tolist()):
        ex = queries[row].excluded
        if ex.size:
            pos = positions.get_indexer(ex)  # type: ignore[attr-defined]
            pos = pool_position[pos[pos >= 0]]
            codes.append(local * size + pos[pos >= 0])
    return np.concatenate(codes).astype(np.int64) if codes else np.empty(0, dtype=np.int64)
