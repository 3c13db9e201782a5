"""Soft criteria (BRIEF §4), each in [0, 1], and their weighted mean.

A criterion does not apply when it says nothing for this newcomer (no substances
listed, no pathway chosen, no experience asked for, no availability, no usable
"hopes" text); it is then left out of the weighted mean for that newcomer, so a
newcomer is never penalised for skipping an optional question.

- substance: mean over the newcomer's substances of 1 (mentor shares it),
  ``family_credit`` (mentor shares only its family, via ``FAMILY_OF``) or 0. Adding a
  substance to the mentor can only raise it.
- schedule: UTC hours/week in common divided by ``overlap_saturation_hours``, clipped.
- pathway: 1 when the mentor practises the newcomer's main (first) pathway,
  ``SECONDARY_PATHWAY_CREDIT`` when they practise only another one the newcomer gave.
- experience: share of the newcomer's wanted lived-experience flags the mentor has.
- text: TF-IDF cosine between the newcomer's hopes and the mentor's interests.
- age: ``max(0, 1 - |age difference| / age_span_years)``.
- load: ``1 - load / capacity`` (spreads work across mentors).
- modes: share of the newcomer's meeting modes the mentor can use with them (in
  person counts only within both travel radii).

Each is written once, over named fields (``m`` mentor rows, ``n`` one newcomer, ``p``
the program's ``Params``), with operations numpy applies to arrays (``explain``) and
numba compiles for scalars (the kernel, which calls these same functions): float32
throughout, in one order, so both give the same bits.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import scipy.sparse as sp
from numba.extending import overload

from mentormatch.matching.compiled import ctpop, jitable
from mentormatch.matching.features import (
    F32,
    FAMILY_CODES,
    REMOTE_MODES,
    SUBSTANCE_CODES,
    MentorArrays,
    near,
)
from mentormatch.matching.newcomer_rows import Newcomer, Query
from mentormatch.matching.program import CRITERIA, Params, Program
from mentormatch.vocabulary import FAMILY_OF

# Credit for a mentor who practises one of the newcomer's other pathways but not the main one.
SECONDARY_PATHWAY_CREDIT: Final = np.float32(0.5)

# the family bit of each substance bit
FAMILY_BIT: Final = np.array(
    [1 << FAMILY_CODES.index(FAMILY_OF[c]) for c in SUBSTANCE_CODES], dtype=np.int64
)


def popcount(x: Any) -> Any:
    """Set bits of each integer (numpy's ``bitwise_count``; one instruction when compiled)."""
    return np.bitwise_count(x)


@overload(popcount, inline="always")
def _popcount(x: Any) -> Any:  # pragma: no cover - compile time
    def compiled(x: Any) -> Any:
        return ctpop(x)

    return compiled


@jitable
def substance_credit(m: Any, bit: Any, family_bit: Any, p: Any) -> Any:
    """Credit for one of the newcomer's substances: ``rest`` when the mentor shares it,
    plus ``family_credit`` when they share its family (so 1, family_credit or 0)."""
    family = np.float32((m.families & family_bit) != 0) * p.family_credit
    return family + np.float32((m.substances & bit) != 0) * p.rest


@jitable
def per_substance(n: Any) -> Any:
    """What the summed substance credits are multiplied by: 1 / their number."""
    return np.float32(1.0) / np.maximum(np.float32(n.n_substances), np.float32(1.0))


@jitable
def applies(n: Any, out: Any) -> None:
    """Whether each criterion says something for newcomer ``n`` (into ``out``, CRITERIA order)."""
    out[0] = n.n_substances > 0
    out[1] = (n.s0 | n.s1 | n.s2) != 0
    out[2] = n.pathways != 0
    out[3] = n.wanted != 0
    out[4] = n.has_text
    out[5] = True
    out[6] = True
    out[7] = n.modes != 0


@jitable
def shares(applies: Any, weights: Any, out: Any) -> None:
    """Each criterion's float32 share of the weighted mean (0 where it does not apply)."""
    norm = 0.0
    for c in range(weights.size):
        if applies[c]:
            norm = norm + weights[c]
    norm = max(norm, 1e-12)
    for c in range(weights.size):
        out[c] = np.float32(weights[c] / norm) if applies[c] else np.float32(0.0)


@jitable
def others(m: Any, n: Any, p: Any, cosine: Any) -> Any:
    """Criteria 1-7 (schedule ... modes) of mentor rows ``m`` for newcomer ``n``;
    ``cosine`` is the TF-IDF cosine of their texts (float64)."""
    one, zero = np.float32(1.0), np.float32(0.0)
    hours = popcount(m.s0 & n.s0) + popcount(m.s1 & n.s1) + popcount(m.s2 & n.s2)
    schedule = np.minimum(np.float32(hours) * p.inv_sat, one)
    main = np.float32((m.pathways & n.main_pathway) != 0)
    other = np.float32((m.pathways & n.pathways) != 0) * SECONDARY_PATHWAY_CREDIT
    pathway = np.maximum(main, other)
    wanted = np.maximum(np.float32(popcount(n.wanted)), one)
    experience = np.float32(popcount(m.experience & n.wanted)) / wanted
    text = np.float32(np.minimum(cosine, 1.0))
    gap = np.float32(np.abs(np.int64(m.age) - n.age))
    age = np.maximum(one - gap * p.inv_span, zero)
    usable = np.float32(popcount(m.modes & n.modes & REMOTE_MODES)) + np.float32(near(m, n))
    modes = usable / np.maximum(np.float32(popcount(n.modes)), one)
    return schedule, pathway, experience, text, age, m.load_score, modes


@jitable
def weighted(v: Any, sh: Any) -> Any:
    """The weighted mean of the eight values ``v`` with shares ``sh``, in CRITERIA order."""
    acc = np.float32(0.0) + v[0] * sh[0]
    acc += v[1] * sh[1]
    acc += v[2] * sh[2]
    acc += v[3] * sh[3]
    acc += v[4] * sh[4]
    acc += v[5] * sh[5]
    acc += v[6] * sh[6]
    acc += v[7] * sh[7]
    return acc


def text_scores(X: sp.csc_matrix, q: Query) -> np.ndarray:
    """Cosine of the query's TF-IDF row with every row of the CSC matrix ``X`` (float64)."""
    if not q.terms.size:
        return np.zeros(X.shape[0], dtype=np.float64)
    rows, vals = [], []
    for term, weight in zip(q.terms.tolist(), q.weights.tolist(), strict=True):
        a, b = X.indptr[term], X.indptr[term + 1]
        rows.append(X.indices[a:b])
        vals.append(X.data[a:b] * F32(weight))
    r, v = np.concatenate(rows), np.concatenate(vals)
    return np.bincount(r, weights=v, minlength=X.shape[0])


def components(
    m: MentorArrays, n: Newcomer, p: Program, *, text: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, bool], np.ndarray]:
    """Every criterion for mentor rows ``m`` against one newcomer ``n`` (shape-(1,) arrays).

    Returns the values (float32, 0 where not applicable), whether each applies to the
    newcomer, and the weighted mean per mentor.
    """
    params = Params.of(p)
    size = len(m)
    acc = np.zeros(size, dtype=F32)
    for b, family in enumerate(FAMILY_BIT.tolist()):
        if int(n.substances[0]) >> b & 1:
            acc += substance_credit(m, 1 << b, family, params)
    values = (acc * per_substance(n), *others(m, n, params, text))
    values = tuple(np.broadcast_to(v, (size,)).astype(F32) for v in values)
    said = np.zeros(len(CRITERIA), dtype=bool)
    applies(n, said)
    share = np.zeros(len(CRITERIA), dtype=F32)
    shares(said, p.weight_vector(), share)
    total = weighted(values, share)
    return (
        dict(zip(CRITERIA, values, strict=True)),
        dict(zip(CRITERIA, said.tolist(), strict=True)),
        total,
    )


def as_columns(
    values: dict[str, np.ndarray], applies: dict[str, bool], index: np.ndarray
) -> dict[str, np.ndarray]:
    """Criterion values at ``index`` as float64 columns, NaN where not applicable."""
    nan = np.full(index.size, np.nan)
    return {c: values[c][index].astype(np.float64) if applies[c] else nan for c in CRITERIA}
