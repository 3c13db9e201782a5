"""Soft criteria (BRIEF §4), each in [0, 1], and their weighted mean.

A criterion returns ``None`` when it says nothing for this newcomer (no substances
listed, no pathway chosen, no experience asked for, no availability, no usable
"hopes" text); it is then left out of the weighted mean for that newcomer, so a
newcomer is never penalised for skipping an optional question.

- substance: mean over the newcomer's substances of 1 (mentor shares it),
  ``family_credit`` (mentor shares only its family, via ``FAMILY_OF``) or 0. Adding a
  substance to the mentor can only raise it.
- schedule: UTC hours/week in common divided by ``overlap_saturation_hours``, clipped.
- pathway: 1 when the mentor practises the newcomer's chosen pathway.
- experience: share of the newcomer's wanted lived-experience flags the mentor has.
- text: TF-IDF cosine between the newcomer's hopes and the mentor's interests.
- age: ``max(0, 1 - |age difference| / age_span_years)``.
- load: ``1 - load / capacity`` (spreads work across mentors).
- modes: share of the newcomer's meeting modes the mentor can use with them (in
  person counts only within both travel radii).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mentormatch.matching.features import REMOTE_MODES, Query
from mentormatch.matching.program import CRITERIA
from mentormatch.matching.rules import Pair
from mentormatch.matching.schedule import overlap_hours

F32 = np.float32


def text_scores(X: sp.csc_matrix, q: Query, *, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """Cosine of the query's TF-IDF row with rows ``lo:hi`` of the CSC matrix ``X``."""
    hi = X.shape[0] if hi is None else hi
    if not q.terms.size:
        return np.zeros(hi - lo, dtype=F32)
    rows, vals = [], []
    for term, weight in zip(q.terms.tolist(), q.weights.tolist(), strict=True):
        a, b = X.indptr[term], X.indptr[term + 1]
        rows.append(X.indices[a:b])
        vals.append(X.data[a:b] * F32(weight))
    r, v = np.concatenate(rows), np.concatenate(vals)
    if lo or hi != X.shape[0]:
        keep = (r >= lo) & (r < hi)
        r, v = r[keep] - lo, v[keep]
    return np.minimum(np.bincount(r, weights=v, minlength=hi - lo), 1.0).astype(F32)


def components(pair: Pair, text: np.ndarray) -> dict[str, np.ndarray | None]:
    """Every criterion for one newcomer against the mentor rows of ``pair``."""
    m, q, p = pair.m, pair.q, pair.p
    out: dict[str, np.ndarray | None] = dict.fromkeys(CRITERIA)
    if q.substances:
        fc, rest = F32(p.family_credit), F32(1.0 - p.family_credit)
        acc = np.zeros(len(m), dtype=F32)
        for s_bit, f_bit in zip(q.substances, q.families, strict=True):
            acc += np.multiply((m.families & np.uint16(f_bit)) != 0, fc, dtype=F32)
            acc += np.multiply((m.substances & np.uint16(s_bit)) != 0, rest, dtype=F32)
        acc *= F32(1.0 / len(q.substances))
        out["substance"] = acc
    if q.schedule.any():
        hours = overlap_hours(m.schedule, q.schedule)
        out["schedule"] = np.minimum(
            np.multiply(hours, F32(1.0 / p.overlap_saturation_hours), dtype=F32), F32(1.0)
        )
    if q.pathway:
        out["pathway"] = ((m.pathways & np.uint8(q.pathway)) != 0).astype(F32)
    if q.wanted:
        have = np.bitwise_count(m.experience & np.uint8(q.wanted))
        out["experience"] = np.multiply(have, F32(1.0 / q.wanted.bit_count()), dtype=F32)
    if q.terms.size:
        out["text"] = text
    gap = np.abs(m.age - np.int16(q.age)).astype(F32)
    out["age"] = np.maximum(F32(1.0) - gap * F32(1.0 / p.age_span_years), F32(0.0))
    out["load"] = m.load_score
    if q.modes:
        usable = np.bitwise_count(pair.shared_modes & np.uint8(REMOTE_MODES))
        usable = usable.astype(F32)
        if pair.near is not None:
            usable += pair.near
        out["modes"] = usable * F32(1.0 / q.modes.bit_count())
    return out


def total(parts: dict[str, np.ndarray | None], weights: dict[str, float], n: int) -> np.ndarray:
    """Weighted mean of the applicable criteria (float32, one value per mentor row)."""
    acc = np.zeros(n, dtype=F32)
    norm = sum(weights[c] for c, v in parts.items() if v is not None)
    if norm <= 0:
        return acc
    for name, value in parts.items():
        if value is not None and weights[name]:
            acc += value * F32(weights[name] / norm)
    return acc
