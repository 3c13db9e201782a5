"""Top-k selection for the kernel: packed keys in unsorted buffers, cut by quickselect.

A key packs a float32 score's bits (high half) with a tie-break inverted (low half), so
that a larger key is a higher score or, at equal score, a smaller tie-break (scores are
>= 0, tie-breaks < 2**32). A newcomer's k best mentors and, for whole-pool proposals,
each mentor's best newcomers are appended to buffers of 2k keys and cut back to the k
largest when full (see docs/benchmarks.md, Decisions).
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

import numpy as np

from mentormatch.matching.compiled import as_float, bits, jit

F32: Final = np.float32
THREADS: Final = 2


class MentorTop(NamedTuple):
    """Per pool mentor: the best newcomer rows of a batch (-1 = empty slot)."""

    row: np.ndarray
    score: np.ndarray


ROW_BITS: Final = np.uint64(0xFFFF_FFFF)  # a packed key's low half: its tie-break, inverted


class MentorLists:
    """Each mentor's best newcomer rows, accumulated over scans (one buffer per thread).

    A row that beats the mentor's threshold is appended to an unsorted buffer of 2k
    slots as one packed key (score bits, then the row inverted, so that a larger key is
    a better score or, at equal score, a lower row); a full buffer is cut back to its k
    largest keys, and the k-th score becomes the threshold. An append writes one slot
    where a sorted insertion shifted half the list, and at 100k newcomers the lists
    are far larger than the cache. A row must also reach the other thread's threshold:
    k rows there already beat anything below it. Rows are numbered across scans by the
    ``row_offset`` each scan is given; ``result`` sorts and merges the threads' buffers
    once at the end.
    """

    def __init__(self, size: int, k: int, threads: int = THREADS) -> None:
        self.k = k
        self.keys = [np.zeros((size, 2 * k), np.uint64) for _ in range(threads)]
        self.filled = [np.zeros(size, np.int64) for _ in range(threads)]
        self.worst = [np.full(size, -1.0, F32) for _ in range(threads)]  # the threshold

    def result(self) -> MentorTop:
        """The k best rows per mentor, best first (-1 = empty slot)."""
        tops = []
        for keys, filled in zip(self.keys, self.filled, strict=True):
            _sort_lists(keys, filled, self.k)
            kept = keys[:, : self.k]
            empty = np.arange(self.k)[None, :] >= filled[:, None]
            score = (kept >> np.uint64(32)).astype(np.uint32).view(F32)
            row = (ROW_BITS - (kept & ROW_BITS)).astype(np.int64)
            tops.append(MentorTop(np.where(empty, -1, row), np.where(empty, F32(-1.0), score)))
        return merge(tops)


def merge(tops: list[MentorTop]) -> MentorTop:
    """The best rows per mentor over several buffers, each sorted best first (ties: lower row)."""
    out = tops[0]
    for other in tops[1:]:
        row, score = np.empty_like(out.row), np.empty_like(out.score)
        _merge_sorted(out.row, out.score, other.row, other.score, row, score)
        out = MentorTop(row, score)
    return out


@jit(allocates=False)
def _merge_sorted(a_row: Any, a_score: Any, b_row: Any, b_score: Any, row: Any,
                  score: Any) -> None:  # fmt: skip  # pragma: no cover - compiled
    """Per mentor, the first k of two lists sorted by score then row (-1 = empty)."""
    for m in range(row.shape[0]):
        i = e = 0
        for slot in range(row.shape[1]):
            take_a = a_score[m, i] > b_score[m, e] or (
                a_score[m, i] == b_score[m, e] and 0 <= a_row[m, i] < b_row[m, e]
            )
            if take_a:
                row[m, slot], score[m, slot] = a_row[m, i], a_score[m, i]
                i += 1
            else:
                row[m, slot], score[m, slot] = b_row[m, e], b_score[m, e]
                e += 1


@jit(allocates=False)
def key(score: Any, tie: Any) -> Any:  # pragma: no cover - compiled
    """A packed key: score bits high, ``tie`` inverted low, so that a larger key is a
    higher score or, at equal score, a smaller ``tie`` (scores >= 0, ties < 2**32)."""
    return (np.uint64(bits(score)) << np.uint64(32)) | (ROW_BITS - np.uint64(tie))


@jit(allocates=False)
def key_score(key: Any) -> Any:  # pragma: no cover - compiled
    """The score a ``key`` holds."""
    return as_float(np.uint32(key >> np.uint64(32)))


@jit(allocates=False)
def key_tie(key: Any) -> Any:  # pragma: no cover - compiled
    """The tie-break a ``key`` holds."""
    return ROW_BITS - (key & ROW_BITS)


@jit(allocates=False)
def cut(keys: Any, n: int, k: int) -> int:  # pragma: no cover - compiled
    """Move the ``min(n, k)`` largest of the first ``n`` keys to the front, the smallest
    of them at ``k - 1`` (in place, otherwise unordered), and return how many."""
    if n <= k:
        return n
    lo, hi = 0, n - 1
    while lo < hi:  # quickselect; keys are distinct
        pivot = keys[(lo + hi) // 2]
        i, j = lo, hi
        while i <= j:
            while keys[i] > pivot:
                i += 1
            while keys[j] < pivot:
                j -= 1
            if i <= j:
                keys[i], keys[j] = keys[j], keys[i]
                i += 1
                j -= 1
        if k - 1 <= j:
            hi = j
        elif k - 1 >= i:
            lo = i
        else:
            break
    return k


@jit(allocates=False)
def largest_first(keys: Any, n: int, k: int) -> int:
    """Put the ``min(n, k)`` largest of the first ``n`` keys first, largest first (in
    place); return how many."""
    n = cut(keys, n, k)
    for i in range(1, n):  # insertion sort: k is small
        v, j = keys[i], i - 1
        while j >= 0 and keys[j] < v:
            keys[j + 1] = keys[j]
            j -= 1
        keys[j + 1] = v
    return n


@jit
def best(keys: Any, k: int) -> Any:  # pragma: no cover - compiled
    """The k largest keys, largest first (a new array)."""
    return np.sort(keys)[::-1][:k].copy()


@jit
def _sort_lists(keys: Any, filled: Any, k: int) -> None:  # pragma: no cover - compiled
    """Cut every mentor's buffer to its k best, sorted (see ``MentorLists``)."""
    for m in range(keys.shape[0]):
        kept = best(keys[m, : filled[m]], k)
        keys[m, : kept.size] = kept
        filled[m] = kept.size
