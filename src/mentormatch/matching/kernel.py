"""The fused ranking kernel: hard rules, eight criteria and top-k in one pass per mentor.

One compiled loop (numba) walks the pool in runs of mentors that share the codes the
categorical hard rules read, skipping a failing run whole. Adjacent passing runs form a
span, scored in straight branch-free loops that the compiler vectorises (per-mentor
rules, the eight criteria, the weighted mean); a scalar pass then keeps the k best in a
small sorted buffer, recomputing a kept mentor's criteria from the same function. The
arithmetic repeats ``criteria.components`` and ``criteria.total`` operation by
operation in float32, so a score from here is bit-identical to the one ``explain``
computes with numpy (a test checks this). The free-text cosine is accumulated from the
pool's CSC posting lists of the query's terms only, like ``criteria.text_scores``.

The same loop serves one newcomer (``suggestions``) and many (``rank``,
``candidates``). Given ``MentorLists`` it also keeps each mentor's best newcomers: the
whole-pool assignment needs those edges so that a mentor nobody ranks highly can still
be used. Calls release the GIL, so ``scan`` splits large batches over threads.
"""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import llvmlite.ir
import numba
import numba.extending
import numpy as np
import scipy.sparse as sp

from mentormatch.matching.features import (
    ALL_GENDERS,
    F32,
    FAMILY_CODES,
    IN_PERSON,
    NO_RECOVERY_DAY,
    REMOTE_MODES,
    SUBSTANCE_CODES,
    MentorArrays,
    Newcomers,
)
from mentormatch.matching.program import CRITERIA, Program
from mentormatch.vocabulary import FAMILY_OF

FAMILY_BIT: Final = np.array(
    [1 << FAMILY_CODES.index(FAMILY_OF[c]) for c in SUBSTANCE_CODES], dtype=np.int64
)
THREADS: Final = 2
MIN_ROWS_PER_THREAD: Final = 64
BLOCK_ROWS: Final = 32  # rows a thread takes at a time, so that neither waits long for the other


def signature_keys(m: MentorArrays) -> np.ndarray:
    """A sortable key of the codes the categorical hard rules read, gender first.

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


@dataclass(frozen=True, slots=True)
class Pool:
    """The kernel's view of a signature-sorted pool: runs, per-mentor columns, postings."""

    runs: tuple[np.ndarray, ...]
    columns: tuple[np.ndarray, ...]
    text_indptr: np.ndarray
    text_rows: np.ndarray
    text_data: np.ndarray
    ids: np.ndarray
    ranks: tuple[np.ndarray, np.ndarray]  # each position's rank in id order, and its inverse

    @classmethod
    def of(cls, m: MentorArrays, text: sp.csc_matrix) -> Pool:
        """Run boundaries with their codes, and the columns ``_scan_rows`` reads per mentor."""
        keys = signature_keys(m)
        first = np.concatenate([[0], np.flatnonzero(np.diff(keys)) + 1]).astype(np.int64)
        if not len(m):
            first = first[:0]
        runs = (
            np.append(first, len(m)).astype(np.int64), m.gender[first], m.accepts[first],
            m.languages[first], m.modes[first], m.ruled_out[first], m.affirming[first],
            m.youth_vetted[first],
        )  # fmt: skip
        cols = (
            m.recovery_day, m.age, m.ux, m.uy, m.uz, m.reach2, m.substances, m.families,
            m.experience, m.pathways, m.load_score, m.schedule[0], m.schedule[1],
            m.schedule[2], m.id, m.modes,
        )  # fmt: skip
        return cls(
            runs=tuple(np.ascontiguousarray(c) for c in runs),
            columns=tuple(np.ascontiguousarray(c) for c in cols),
            text_indptr=text.indptr.astype(np.int64),
            text_rows=text.indices.astype(np.int64),
            text_data=text.data.astype(np.float32),
            ids=np.ascontiguousarray(m.id),
            ranks=(_ranks(m.id), np.argsort(m.id, kind="stable").astype(np.int64)),
        )

    def run_bounds(self, positions: np.ndarray) -> np.ndarray:
        """Run indices of pool positions that fall on run boundaries."""
        return np.searchsorted(self.runs[0], positions).astype(np.int64)


INTS: Final = (
    "gender",
    "pref",
    "languages",
    "modes",
    "pathway",
    "on_medication",
    "age",
    "recovery_day",
    "substances",
    "n_substances",
    "wanted",
    "in_person",
    "has_text",
)
FLOATS: Final = ("ux", "uy", "uz", "reach2")


@dataclass(frozen=True, slots=True)
class Batch:
    """Newcomer rows as the kernel reads them (one row per newcomer)."""

    ints: np.ndarray  # (n, len(INTS)) int64 codes
    floats: np.ndarray  # (n, len(FLOATS)) float32 location
    schedule: np.ndarray  # (n, 3) uint64 UTC hours
    bounds: np.ndarray  # (n, 2) int64 range of runs to scan
    terms: tuple[np.ndarray, np.ndarray, np.ndarray]  # CSR of TF-IDF rows
    excluded: tuple[np.ndarray, np.ndarray]  # CSR of sorted excluded pool positions

    @classmethod
    def of(cls, rows: Newcomers, *, bounds: np.ndarray, excluded: list[np.ndarray]) -> Batch:
        """Encode newcomer rows with the runs and exclusions of each row."""
        n = len(rows)
        count = lambda values: np.fromiter(values, dtype=np.int64, count=n)  # noqa: E731
        near = ((rows.modes & IN_PERSON) != 0) & (rows.reach2 >= 0)
        ints = np.column_stack(
            [rows.gender, rows.pref, rows.languages, rows.modes, rows.pathway,
             rows.on_medication, rows.age, rows.recovery_day,
             count(sum(s) for s in rows.substances), count(len(s) for s in rows.substances),
             rows.wanted, near, np.diff(rows.text.indptr) > 0]
        ).astype(np.int64).reshape(-1, len(INTS))  # fmt: skip
        return cls(
            ints=ints,
            floats=np.column_stack([rows.unit, rows.reach2]).astype(F32).reshape(-1, 4),
            schedule=np.ascontiguousarray(rows.schedule, dtype=np.uint64).reshape(-1, 3),
            bounds=np.ascontiguousarray(bounds, dtype=np.int64),
            terms=(rows.text.indptr.astype(np.int64), rows.text.indices.astype(np.int64),
                   rows.text.data.astype(F32)),
            excluded=(_offsets(excluded), np.concatenate([_NO_ROWS, *excluded])),
        )  # fmt: skip


_NO_ROWS = np.empty(0, dtype=np.int64)


def _ranks(ids: np.ndarray) -> np.ndarray:
    """Each position's rank in ascending id order (ties cannot occur: ids are unique)."""
    rank = np.empty(ids.size, dtype=np.uint64)
    rank[np.argsort(ids, kind="stable")] = np.arange(ids.size, dtype=np.uint64)
    return rank


def _offsets(parts: list[np.ndarray]) -> np.ndarray:
    """CSR row pointer of a list of arrays."""
    return np.array([0, *itertools.accumulate(a.size for a in parts)], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class TopK:
    """Per newcomer row: how many found, pool positions, scores, criterion values."""

    count: np.ndarray  # (n,)
    position: np.ndarray  # (n, k), -1 past count
    score: np.ndarray  # (n, k) float32
    values: np.ndarray  # (n, k, 8) float32, CRITERIA order
    applies: np.ndarray  # (n, 8) bool: the criterion says something for this newcomer


@dataclass(frozen=True, slots=True)
class MentorTop:
    """Per pool mentor: the best newcomer rows of a batch (-1 = empty slot)."""

    row: np.ndarray
    score: np.ndarray


_local = threading.local()


def _scratch(size: int) -> tuple[np.ndarray, np.ndarray]:
    """This thread's buffers for a pool of ``size``: a zeroed float64 cosine per mentor
    (the kernel leaves it zeroed) and two float32 rows of per-span work."""
    bufs: tuple[np.ndarray, np.ndarray] | None = getattr(_local, "bufs", None)
    if bufs is None or bufs[0].size < size:
        bufs = _local.bufs = (np.zeros(size, np.float64), np.empty((2, size), F32))
    return bufs


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


def scan(pool: Pool, batch: Batch, p: Program, *, k: int, lists: MentorLists | None = None,
         row_offset: int = 0, threads: int = THREADS) -> TopK:  # fmt: skip
    """Exact top-k feasible mentors per newcomer row (best first, ties by lower id).

    With ``lists``, each mentor's best rows (numbered from ``row_offset``) are kept too.
    """
    rows = batch.bounds.shape[0]
    size = pool.ids.size
    out = TopK(
        count=np.zeros(rows, dtype=np.int64),
        position=np.full((rows, k), -1, dtype=np.int64),
        score=np.full((rows, k), -1.0, dtype=F32),
        values=np.zeros((rows, k, len(CRITERIA)), dtype=F32),
        applies=np.zeros((rows, len(CRITERIA)), dtype=np.bool_),
    )
    weights = np.array([p.weights[c] for c in CRITERIA], dtype=np.float64)
    params = np.array([p.family_credit, 1.0 - p.family_credit, 1.0 / p.overlap_saturation_hours,
                       1.0 / p.age_span_years], dtype=F32)  # fmt: skip
    rules = np.array([p.min_age, int(p.serves_youth)], dtype=np.int64)
    mentors = lists or MentorLists(size, 0, threads)
    parts = min(threads, len(mentors.keys), max(rows // MIN_ROWS_PER_THREAD, 1))
    blocks = itertools.count()  # taken in increasing order, so each thread's rows increase

    def run(i: int) -> None:
        keys, filled, worst = mentors.keys[i], mentors.filled[i], mentors.worst[i]
        other = mentors.worst[(i + 1) % len(mentors.worst)]
        scratch = _scratch(size)
        while (start := next(blocks) * BLOCK_ROWS) < rows:
            _scan_rows(start, min(start + BLOCK_ROWS, rows), pool.runs, pool.columns,
                       pool.text_indptr, pool.text_rows, pool.text_data, batch.ints,
                       batch.floats, batch.schedule, weights, batch.bounds, *batch.terms,
                       *batch.excluded, params, rules, FAMILY_BIT, k, *pool.ranks, *scratch,
                       out.count, out.position, out.score, out.values, out.applies, keys,
                       filled, worst, other, row_offset)  # fmt: skip

    if parts == 1:
        run(0)
    else:
        with ThreadPoolExecutor(parts) as executor:
            list(executor.map(run, range(parts)))
    return out


def merge(tops: list[MentorTop]) -> MentorTop:
    """The best rows per mentor over several buffers, each sorted best first (ties: lower row)."""
    out = tops[0]
    for other in tops[1:]:
        row, score = np.empty_like(out.row), np.empty_like(out.score)
        _merge_sorted(out.row, out.score, other.row, other.score, row, score)
        out = MentorTop(row, score)
    return out


def _ctpop_typing(typingctx: Any, v: Any) -> Any:  # pragma: no cover - compile time
    """LLVM's population count of an integer (one instruction on x86-64)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.ctpop(args[0])

    return v(v), codegen


_ctpop: Any = numba.extending.intrinsic(_ctpop_typing)


def _bits_typing(typingctx: Any, v: Any) -> Any:  # pragma: no cover - compile time
    """The bits of a float32 as a uint32 (a sortable key for scores >= 0)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], llvmlite.ir.IntType(32))

    return numba.types.uint32(v), codegen


def _float_typing(typingctx: Any, v: Any) -> Any:  # pragma: no cover - compile time
    """The float32 whose bits a uint32 holds (the inverse of ``_bits``)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], llvmlite.ir.FloatType())

    return numba.types.float32(v), codegen


_bits: Any = numba.extending.intrinsic(_bits_typing)
_float: Any = numba.extending.intrinsic(_float_typing)


_jit: Final = numba.njit(nogil=True, cache=True, boundscheck=False, error_model="numpy")


@_jit
def _criteria(i: int, cols: Any, cosine: Any, q: Any) -> Any:  # pragma: no cover - compiled
    """Feasibility (distance, modes, recovery date) and criteria 1-7 of pool mentor ``i``.

    The operations and their float32 order are those of ``criteria.components``;
    criterion 0 (substance) is summed separately over the newcomer's substances.
    """
    (recovery, age, ux, uy, uz, reach2, _, _, experience, pathways, load_score, s0, s1, s2,
     _, modes) = cols  # fmt: skip
    (qm, check_near, qx, qy, qz, qr, rec, a0, a1, a2, path, wanted, per_wanted, qa,
     per_mode, inv_sat, inv_span) = q  # fmt: skip
    one, zero = np.float32(1.0), np.float32(0.0)
    shared = modes[i] & qm
    remote = np.float32(_ctpop(shared & REMOTE_MODES))
    dx = ux[i] - qx
    d2 = dx * dx
    dy = uy[i] - qy
    d2 += dy * dy
    dz = uz[i] - qz
    d2 += dz * dz
    r = reach2[i]
    near = check_near & ((shared & IN_PERSON) != 0) & (not np.isnan(r)) & (d2 <= min(r, qr))
    feasible = ((remote != zero) | near) & ((rec == NO_RECOVERY_DAY) | (recovery[i] < rec))
    hours = _ctpop(s0[i] & a0) + _ctpop(s1[i] & a1) + _ctpop(s2[i] & a2)
    v1 = min(np.float32(hours) * inv_sat, one)
    v2 = one if (pathways[i] & path) != 0 else zero
    v3 = np.float32(_ctpop(experience[i] & wanted)) / per_wanted
    v4 = np.float32(min(cosine[i], 1.0))
    v5 = max(one - np.float32(abs(np.int64(age[i]) - qa)) * inv_span, zero)
    v6 = load_score[i]
    v7 = (remote + one if near else remote) / per_mode
    return feasible, v1, v2, v3, v4, v5, v6, v7


@_jit
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


@_jit
def _key(score: Any, tie: Any) -> Any:  # pragma: no cover - compiled
    """A packed key: score bits high, ``tie`` inverted low, so that a larger key is a
    higher score or, at equal score, a smaller ``tie`` (scores >= 0, ties < 2**32)."""
    return (np.uint64(_bits(score)) << np.uint64(32)) | (ROW_BITS - np.uint64(tie))


@_jit
def _key_score(key: Any) -> Any:  # pragma: no cover - compiled
    """The score a ``_key`` holds."""
    return _float(np.uint32(key >> np.uint64(32)))


@_jit
def _key_tie(key: Any) -> Any:  # pragma: no cover - compiled
    """The tie-break a ``_key`` holds."""
    return ROW_BITS - (key & ROW_BITS)


@_jit
def _cut(keys: Any, n: int, k: int) -> int:  # pragma: no cover - compiled
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


@_jit
def _best(keys: Any, k: int) -> Any:  # pragma: no cover - compiled
    """The k largest keys, largest first (a new array)."""
    return np.sort(keys)[::-1][:k].copy()


@_jit
def _sort_lists(keys: Any, filled: Any, k: int) -> None:  # pragma: no cover - compiled
    """Cut every mentor's buffer to its k best, sorted (see ``MentorLists``)."""
    for m in range(keys.shape[0]):
        kept = _best(keys[m, : filled[m]], k)
        keys[m, : kept.size] = kept
        filled[m] = kept.size


@_jit
def _scan_rows(start: int, stop: int, run_codes: Any, cols: Any, t_ptr: Any, t_rows: Any,
               t_data: Any, q_ints: Any, q_floats: Any, q_sched: Any, weights: Any, bounds: Any,
               q_ptr: Any, q_terms: Any, q_weights: Any, x_ptr: Any, x_pos: Any, params: Any,
               rules: Any, fam_bit: Any, k: int, id_rank: Any, by_rank: Any, cosine: Any,
               work: Any, count: Any, position: Any, score: Any, values: Any, applies: Any,
               m_keys: Any, m_filled: Any, m_worst: Any, m_other: Any,
               row_offset: int) -> None:  # fmt: skip  # pragma: no cover - compiled
    """Rows ``start:stop`` of the batch: rules, criteria and top-k, span by span."""
    (runs, r_gender, r_accepts, r_languages, r_modes, r_ruled_out, r_affirming,
     r_youth) = run_codes  # fmt: skip
    substances, families = cols[6], cols[7]
    fc, rest, inv_sat, inv_span = params[0], params[1], params[2], params[3]
    min_age, serves_youth = rules[0], rules[1] != 0
    one, zero = np.float32(1.0), np.float32(0.0)
    mentor_k = m_keys.shape[1] // 2  # the buffers hold 2 mentor_k slots
    sub_score, total = work[0], work[1]  # per mentor of the current span
    sub_bits = np.zeros(fam_bit.size, dtype=np.int64)
    fam_bits = np.zeros(fam_bit.size, dtype=np.int64)
    # this row's best so far: packed keys (score bits, then the id rank inverted, so that
    # a larger key is a better score or, at equal score, a lower id), cut back to the k
    # largest when the 2k slots fill; criterion values are computed for the final k only
    b_key = np.zeros(2 * max(k, 1), dtype=np.uint64)
    for j in range(start, stop):
        # text cosine of this newcomer's terms, through the pool's posting lists
        for t in range(q_ptr[j], q_ptr[j + 1]):
            term, w = q_terms[t], q_weights[t]
            for e in range(t_ptr[term], t_ptr[term + 1]):
                cosine[t_rows[e]] += np.float64(t_data[e] * w)
        qi = q_ints[j]
        g, pref, lang, qm, path, med = qi[0], qi[1], qi[2], qi[3], qi[4], qi[5] != 0
        qa, rec, subs, n_subs, wanted, check_near = qi[6], qi[7], qi[8], qi[9], qi[10], qi[11] != 0
        a0, a1, a2 = q_sched[j, 0], q_sched[j, 1], q_sched[j, 2]
        q = (qm, check_near, q_floats[j, 0], q_floats[j, 1], q_floats[j, 2], q_floats[j, 3],
             rec, a0, a1, a2, path, wanted, max(np.float32(_ctpop(wanted)), one), qa,
             max(np.float32(_ctpop(qm)), one), inv_sat, inv_span)  # fmt: skip
        inv_subs = one / max(np.float32(n_subs), one)
        minor = qa < min_age
        # which criteria apply, and their float32 shares, as in criteria.total
        applies[j, 0], applies[j, 1], applies[j, 2] = n_subs > 0, (a0 | a1 | a2) != 0, path != 0
        applies[j, 3], applies[j, 4], applies[j, 5] = wanted != 0, qi[12] != 0, True
        applies[j, 6], applies[j, 7] = True, qm != 0
        norm = 0.0
        for c in range(8):
            if applies[j, c]:
                norm = norm + weights[c]
        norm = max(norm, 1e-12)
        sh0 = np.float32(weights[0] / norm) if applies[j, 0] else zero
        sh1 = np.float32(weights[1] / norm) if applies[j, 1] else zero
        sh2 = np.float32(weights[2] / norm) if applies[j, 2] else zero
        sh3 = np.float32(weights[3] / norm) if applies[j, 3] else zero
        sh4 = np.float32(weights[4] / norm) if applies[j, 4] else zero
        sh5 = np.float32(weights[5] / norm)
        sh6 = np.float32(weights[6] / norm)
        sh7 = np.float32(weights[7] / norm) if applies[j, 7] else zero
        n_bits = 0
        for b in range(fam_bit.size):
            if (subs >> b) & 1:
                sub_bits[n_bits] = 1 << b
                fam_bits[n_bits] = fam_bit[b]
                n_bits += 1
        filled = 0
        worst = zero if k > 0 else np.float32(np.inf)  # a key must reach it to enter
        worst_key = np.uint64(0)
        x, x_end = x_ptr[j], x_ptr[j + 1]
        first, last = bounds[j, 0], bounds[j, 1]
        span = -1  # pool position where the current span of passing runs starts
        for run in range(first, last + 1):
            # categorical hard rules, once per run of mentors with the same codes;
            # adjacent passing runs form one span, scored in one straight loop
            if run < last:
                shared = r_modes[run] & qm
                if (
                    (r_accepts[run] & g) != 0
                    and (pref == ALL_GENDERS or (r_gender[run] & pref) != 0)
                    and (r_languages[run] & lang) != 0
                    and (r_affirming[run] or not med)
                    and (path == 0 or (r_ruled_out[run] & path) == 0)
                    and (not minor or (serves_youth and r_youth[run]))
                    and ((shared & REMOTE_MODES) != 0 or (check_near and (shared & IN_PERSON) != 0))
                ):
                    if span < 0:
                        span = runs[run]
                    continue
            if span < 0:
                continue
            s, size, span = span, runs[run] - span, -1
            # substance credit, newcomer substance by substance (criteria.components' order)
            for i in range(size):
                sub_score[i] = zero
            for b in range(n_bits):
                fb, sb = fam_bits[b], sub_bits[b]
                for i in range(size):
                    credit = fc if (families[s + i] & fb) != 0 else zero
                    credit += rest if (substances[s + i] & sb) != 0 else zero
                    sub_score[i] += credit
            if n_bits:
                for i in range(size):
                    sub_score[i] *= inv_subs
            # per-mentor rules and the weighted mean, summed in CRITERIA order like
            # criteria.total; -1 marks an infeasible mentor (scores are >= 0)
            for i in range(size):
                ok, v1, v2, v3, v4, v5, v6, v7 = _criteria(s + i, cols, cosine, q)
                acc = zero + sub_score[i] * sh0
                acc += v1 * sh1
                acc += v2 * sh2
                acc += v3 * sh3
                acc += v4 * sh4
                acc += v5 * sh5
                acc += v6 * sh6
                acc += v7 * sh7
                total[i] = acc if ok else np.float32(-1.0)
            while x < x_end and x_pos[x] < s:  # do-not-pair
                x += 1
            while x < x_end and x_pos[x] < s + size:
                total[x_pos[x] - s] = -1.0
                x += 1
            for i in range(size):
                acc, m = total[i], s + i
                if acc >= worst:  # the k best, score descending then id ascending
                    key = _key(acc, id_rank[m])
                    if key > worst_key:
                        b_key[filled] = key
                        filled += 1
                        if filled == 2 * k:
                            filled = _cut(b_key, filled, k)
                            worst_key = b_key[k - 1]
                            worst = _key_score(worst_key)
                # the mentor's buffer (MentorLists); thresholds are -1 until a first cut
                if mentor_k > 0 and acc > m_worst[m] and acc >= m_other[m]:
                    n = m_filled[m]
                    m_keys[m, n] = _key(acc, j + row_offset)
                    n += 1
                    if n == 2 * mentor_k:
                        n = _cut(m_keys[m], n, mentor_k)
                        m_worst[m] = _key_score(m_keys[m, mentor_k - 1])
                    m_filled[m] = n
        kept = _best(b_key[:filled], k)
        count[j] = kept.size
        for slot in range(kept.size):
            m = by_rank[_key_tie(kept[slot])]
            _, v1, v2, v3, v4, v5, v6, v7 = _criteria(m, cols, cosine, q)
            credit = zero  # the span loop's substance credit, the same float32 steps
            for b in range(n_bits):
                part = fc if (families[m] & fam_bits[b]) != 0 else zero
                part += rest if (substances[m] & sub_bits[b]) != 0 else zero
                credit += part
            if n_bits:
                credit *= inv_subs
            score[j, slot] = _key_score(kept[slot])
            position[j, slot] = m
            values[j, slot, 0], values[j, slot, 1], values[j, slot, 2] = credit, v1, v2
            values[j, slot, 3], values[j, slot, 4], values[j, slot, 5] = v3, v4, v5
            values[j, slot, 6], values[j, slot, 7] = v6, v7
        for t in range(q_ptr[j], q_ptr[j + 1]):
            term = q_terms[t]
            for e in range(t_ptr[term], t_ptr[term + 1]):
                cosine[t_rows[e]] = 0.0
