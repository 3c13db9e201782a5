"""Exact, tie-stable top-k selection without sorting or partitioning the whole array."""

from __future__ import annotations

from typing import Final

import numpy as np

BLOCK: Final = 256


def top_k(score: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores >= 0, best first, ties broken by lower id.

    Infeasible rows carry a negative score. A threshold from block maxima (the k-th
    largest block maximum is <= the k-th largest score) keeps only a few candidates,
    so the full array is read twice and never partitioned.
    """
    n = score.size
    if k <= 0 or n == 0:
        return np.empty(0, dtype=np.int64)
    threshold = np.float32(0.0)
    blocks = n // BLOCK
    if blocks > 4 * k:
        maxima = score[: blocks * BLOCK].reshape(blocks, BLOCK).max(axis=1)
        threshold = max(threshold, np.partition(maxima, blocks - k)[blocks - k])
    sel = np.flatnonzero(score >= threshold)
    order = np.lexsort((ids[sel], -score[sel]))[:k]
    return sel[order]
