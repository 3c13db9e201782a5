"""Soft criteria (BRIEF §4), each in [0, 1], and their weighted mean.

A criterion does not apply when it says nothing for this newcomer (no substances
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

from mentormatch.matching.features import (
    F32,
    FAMILY_CODES,
    REMOTE_MODES,
    SUBSTANCE_CODES,
    MentorArrays,
    NewcomerArrays,
    Query,
)
from mentormatch.matching.program import CRITERIA, Program
from mentormatch.matching.schedule import overlap_hours
from mentormatch.vocabulary import FAMILY_OF


def text_scores(X: sp.csc_matrix, q: Query) -> np.ndarray:
    """Cosine of the query's TF-IDF row with every row of the CSC matrix ``X``."""
    if not q.terms.size:
        return np.zeros(X.shape[0], dtype=F32)
    rows, vals = [], []
    for term, weight in zip(q.terms.tolist(), q.weights.tolist(), strict=True):
        a, b = X.indptr[term], X.indptr[term + 1]
        rows.append(X.indices[a:b])
        vals.append(X.data[a:b] * F32(weight))
    r, v = np.concatenate(rows), np.concatenate(vals)
    return np.minimum(np.bincount(r, weights=v, minlength=X.shape[0]), 1.0).astype(F32)


def components(
    m: MentorArrays, n: NewcomerArrays, p: Program, *, text: np.ndarray, near: np.ndarray | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Every criterion for mentor rows ``m`` against newcomer rows ``n`` (broadcasting).

    Returns the values (float32, 0 where not applicable) and, per criterion, whether
    it applies to the newcomer. ``n`` has one row (a single query) or one per mentor
    row (pairs); both give bit-identical values for the same pair.
    """
    size = len(m)
    values: dict[str, np.ndarray] = {}
    applies: dict[str, np.ndarray] = {}
    fc, rest = F32(p.family_credit), F32(1.0 - p.family_credit)
    acc = np.zeros(size, dtype=F32)
    present = int(np.bitwise_or.reduce(n.substances)) if n.substances.size else 0
    for code in SUBSTANCE_CODES:
        bit = 1 << SUBSTANCE_CODES.index(code)
        if present & bit:
            fam = np.uint16(1 << FAMILY_CODES.index(FAMILY_OF[code]))
            credit = np.multiply((m.families & fam) != 0, fc, dtype=F32)
            credit += np.multiply((m.substances & np.uint16(bit)) != 0, rest, dtype=F32)
            credit *= (n.substances & np.uint16(bit)) != 0
            acc += credit
    applies["substance"] = n.n_substances > 0
    values["substance"] = acc * (F32(1.0) / np.maximum(n.n_substances, F32(1.0)))
    hours = overlap_hours(m.schedule, n.schedule)
    applies["schedule"] = np.bitwise_or.reduce(n.schedule, axis=0) != 0
    values["schedule"] = np.minimum(
        np.multiply(hours, F32(1.0 / p.overlap_saturation_hours), dtype=F32), F32(1.0)
    )
    applies["pathway"] = n.pathway != 0
    values["pathway"] = ((m.pathways & n.pathway) != 0).astype(F32)
    applies["experience"] = n.wanted != 0
    have = np.bitwise_count(m.experience & n.wanted).astype(F32)
    values["experience"] = have / np.maximum(np.bitwise_count(n.wanted).astype(F32), F32(1.0))
    applies["text"] = n.has_text
    values["text"] = np.broadcast_to(text, (size,)).astype(F32)
    gap = np.abs(m.age - n.age).astype(F32)
    applies["age"] = np.ones(1, dtype=bool)
    values["age"] = np.maximum(F32(1.0) - gap * F32(1.0 / p.age_span_years), F32(0.0))
    applies["load"] = np.ones(1, dtype=bool)
    values["load"] = np.broadcast_to(m.load_score, (size,)).astype(F32)
    usable = np.bitwise_count(m.modes & n.modes & np.uint8(REMOTE_MODES)).astype(F32)
    if near is not None:
        usable += near
    applies["modes"] = n.modes != 0
    values["modes"] = usable / np.maximum(np.bitwise_count(n.modes).astype(F32), F32(1.0))
    return values, applies


def total(
    values: dict[str, np.ndarray], applies: dict[str, np.ndarray], weights: dict[str, float]
) -> np.ndarray:
    """Weighted mean over the criteria that apply (float32, one value per row)."""
    norm = np.zeros(1, dtype=np.float64)
    for c in CRITERIA:
        norm = norm + weights[c] * applies[c]
    norm = np.maximum(norm, 1e-12)
    size = max(v.size for v in values.values())
    acc = np.zeros(size, dtype=F32)
    for c in CRITERIA:
        share = np.where(applies[c], weights[c] / norm, 0.0).astype(F32)
        acc += values[c] * share
    return acc


def as_columns(
    values: dict[str, np.ndarray], applies: dict[str, np.ndarray], index: np.ndarray
) -> dict[str, np.ndarray]:
    """Criterion values at ``index`` as float64 columns, NaN where not applicable."""
    out = {}
    for c in CRITERIA:
        ok = np.broadcast_to(applies[c], values[c].shape)[index]
        out[c] = np.where(ok, values[c][index].astype(np.float64), np.nan)
    return out
