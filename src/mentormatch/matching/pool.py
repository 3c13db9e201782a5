"""The ranker's pool as the compiled kernel reads it: runs of equal codes, named columns.

The pool (mentors who can take anyone now, ``rules.in_pool``) is sorted by the codes the
run parts of the hard rules read (``RUN_FIELDS``), so that equal codes form runs the
kernel accepts or skips whole; ``Mentor`` names the columns it reads mentor by mentor.
Every structure is a named tuple of arrays, which numba reads field by field.
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mentormatch.matching.features import MentorArrays


class RunCode(NamedTuple):
    """The codes a run of pool mentors shares (what ``Rule.run`` parts may read)."""

    gender: Any
    accepts: Any
    languages: Any
    modes: Any
    ruled_out: Any
    affirming: Any
    youth_vetted: Any


RUN_FIELDS: Final = RunCode._fields
_EMPTY = np.empty(0, dtype=np.int64)


class Runs(NamedTuple):
    """Per run: its first pool position (and the pool size last), then its codes."""

    start: np.ndarray
    codes: RunCode


class Mentor(NamedTuple):
    """What the kernel reads per pool mentor (``Rule.each`` parts and the criteria)."""

    recovery_day: Any
    age: Any
    ux: Any
    uy: Any
    uz: Any
    reach2: Any
    modes: Any
    experience: Any
    pathways: Any
    load_score: Any
    substances: Any
    families: Any
    s0: Any
    s1: Any
    s2: Any


class Postings(NamedTuple):
    """The pool's TF-IDF matrix as CSC posting lists (term -> mentor rows, weights)."""

    indptr: np.ndarray
    rows: np.ndarray
    data: np.ndarray


class Pool(NamedTuple):
    """The kernel's view of a signature-sorted pool."""

    runs: Runs
    mentors: Mentor  # of arrays
    text: Postings
    ids: np.ndarray
    id_rank: np.ndarray  # each position's rank in id order
    by_rank: np.ndarray  # its inverse

    @classmethod
    def of(cls, m: MentorArrays, text: sp.csc_matrix) -> Pool:
        """Run boundaries with their codes, and the columns the kernel reads per mentor."""
        keys = signature_keys(m)
        first = np.concatenate([[0], np.flatnonzero(np.diff(keys)) + 1]).astype(np.int64)
        if not len(m):
            first = first[:0]
        c = np.ascontiguousarray
        codes = RunCode(*(c(getattr(m, f)[first]) for f in RUN_FIELDS))
        s0, s1, s2 = m.schedule
        fields = {**{f: getattr(m, f) for f in Mentor._fields[:12]}, "s0": s0, "s1": s1, "s2": s2}
        return cls(
            runs=Runs(np.append(first, len(m)).astype(np.int64), codes),
            mentors=Mentor(**{f: c(v) for f, v in fields.items()}),
            text=Postings(
                text.indptr.astype(np.int64),
                text.indices.astype(np.int64),
                text.data.astype(np.float32),
            ),
            ids=c(m.id),
            id_rank=_ranks(m.id),
            by_rank=np.argsort(m.id, kind="stable").astype(np.int64),
        )

    def run_bounds(self, positions: np.ndarray) -> np.ndarray:
        """Run indices of pool positions that fall on run boundaries."""
        return np.searchsorted(self.runs.start, positions).astype(np.int64)


def signature_keys(m: MentorArrays) -> np.ndarray:
    """A sortable key of the run codes (``RUN_FIELDS``), gender first.

    The ranker sorts its pool by this key, so mentors with the same codes form runs
    that the kernel accepts or skips whole, and a single gender preference reads one
    contiguous slice.
    """
    if m.languages.dtype.itemsize > 4:
        raise ValueError("the kernel supports up to 32 languages")
    key = m.gender.astype(np.uint64) << np.uint64(56)
    key |= m.accepts.astype(np.uint64) << np.uint64(52)
    key |= m.modes.astype(np.uint64) << np.uint64(48)
    key |= m.ruled_out.astype(np.uint64) << np.uint64(40)
    key |= m.affirming.astype(np.uint64) << np.uint64(39)
    key |= m.youth_vetted.astype(np.uint64) << np.uint64(38)
    return key | m.languages.astype(np.uint64)


def excluded_positions(
    positions: pd.Index, pool_position: np.ndarray, excluded: list[np.ndarray]
) -> list[np.ndarray]:
    """Per newcomer, the sorted pool positions of its excluded mentor ids.

    ``positions`` finds a mentor id's fitted position, ``pool_position`` that position's
    place in the pool (-1 outside it); ids not fitted or not pooled are dropped.
    """
    sizes = np.fromiter((x.size for x in excluded), dtype=np.int64, count=len(excluded))
    if not sizes.any():
        return [_EMPTY] * len(excluded)
    owner = np.repeat(np.arange(len(excluded)), sizes)
    pos = positions.get_indexer(np.concatenate(excluded))  # type: ignore[arg-type]  # any array
    owner, pos = owner[pos >= 0], pool_position[pos[pos >= 0]]
    owner, pos = owner[pos >= 0], pos[pos >= 0]
    pairs = np.unique(np.column_stack([owner, pos]), axis=0)  # by newcomer, then position
    cuts = np.searchsorted(pairs[:, 0], np.arange(1, len(excluded)))
    return np.split(pairs[:, 1].astype(np.int64), cuts)


def _ranks(ids: np.ndarray) -> np.ndarray:
    """Each position's rank in ascending id order (ties cannot occur: ids are unique)."""
    rank = np.empty(ids.size, dtype=np.uint64)
    rank[np.argsort(ids, kind="stable")] = np.arange(ids.size, dtype=np.uint64)
    return rank
