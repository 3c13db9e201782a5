"""The fused ranking kernel: hard rules, eight criteria and top-k in one pass per newcomer.

One compiled loop (numba) walks the pool in runs of mentors that share the codes the
categorical hard rules read (``RUN_FIELDS``), skipping a failing run whole. Adjacent
passing runs form a span, scored in straight branch-free loops that the compiler
vectorises (per-mentor rules, the eight criteria, the weighted mean); the k best are
kept as packed keys (``topk``), and a kept mentor's criteria are recomputed from the same
function at the end. The rules are ``rules.RULES``' own run and per-mentor parts and the
criteria ``criteria.py``'s own functions, compiled in: a score from here is the one
``explain`` computes with numpy, bit for bit (a test checks this). The free-text cosine is
accumulated from the pool's CSC posting lists of the newcomer's terms only.

The same loop serves one newcomer (``suggestions``) and many (``rank``,
``candidates``). Given ``MentorLists`` it also keeps each mentor's best newcomers: the
whole-pool assignment needs those edges so that a mentor nobody ranks highly can still
be used. Calls release the GIL, so ``scan`` splits large batches over threads.

Everything the compiled code reads is a named tuple of arrays (numba reads a field of
one as cheaply as a positional argument): ``pool.Pool``, ``Batch`` (newcomer rows,
``newcomer_rows.Newcomer``), ``program.Params``, ``TopK`` (the output). The parts of the
loop are inlined by numba and compiled without reference counts (``compiled.part``).
"""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, NamedTuple

import numpy as np

from mentormatch.matching import rules
from mentormatch.matching.compiled import all_of, jit, part
from mentormatch.matching.criteria import (
    FAMILY_BIT,
    applies,
    others,
    per_substance,
    shares,
    substance_credit,
    weighted,
)
from mentormatch.matching.features import F32
from mentormatch.matching.newcomer_rows import Newcomer, Newcomers
from mentormatch.matching.pool import Mentor, Pool, RunCode, signature_keys
from mentormatch.matching.program import CRITERIA, Params, Program
from mentormatch.matching.topk import (
    THREADS,
    MentorLists,
    cut,
    key,
    key_score,
    key_tie,
    largest_first,
)

__all__ = ["THREADS", "Batch", "MentorLists", "Pool", "TopK", "scan", "signature_keys"]

MIN_ROWS_PER_THREAD: Final = 64
BLOCK_ROWS: Final = 32  # rows a thread takes at a time, so that neither waits long for the other


class Batch(NamedTuple):
    """Newcomer rows as the kernel reads them: one ``Newcomer`` of arrays, the runs each
    may scan, its TF-IDF row and its excluded pool positions (both CSR)."""

    rows: Newcomer  # of arrays
    first_run: np.ndarray
    last_run: np.ndarray
    term_ptr: np.ndarray
    terms: np.ndarray
    term_weights: np.ndarray
    excluded_ptr: np.ndarray
    excluded: np.ndarray  # sorted per row

    @classmethod
    def of(cls, rows: Newcomers, *, bounds: np.ndarray, excluded: list[np.ndarray]) -> Batch:
        """Encode newcomer rows with the runs and exclusions of each row."""
        bounds = np.asarray(bounds, dtype=np.int64).reshape(-1, 2)
        return cls(
            rows=rows.columns(),
            first_run=bounds[:, 0].copy(),
            last_run=bounds[:, 1].copy(),
            term_ptr=rows.text.indptr.astype(np.int64),
            terms=rows.text.indices.astype(np.int64),
            term_weights=rows.text.data.astype(F32),
            excluded_ptr=_offsets(excluded),
            excluded=np.concatenate([_NO_ROWS, *excluded]),
        )  # fmt: skip


class TopK(NamedTuple):
    """Per newcomer row: how many found, pool positions, scores, criterion values."""

    found: np.ndarray  # (n,) how many kept
    position: np.ndarray  # (n, k), -1 past count
    score: np.ndarray  # (n, k) float32
    values: np.ndarray  # (n, k, 8) float32, CRITERIA order
    applies: np.ndarray  # (n, 8) bool: the criterion says something for this newcomer


class Scratch(NamedTuple):
    """A thread's work arrays, so that the compiled code allocates nothing."""

    cosine: np.ndarray  # float64 per pool mentor, left zeroed
    substance: np.ndarray  # float32 per pool mentor; a span uses its first ``size``
    total: np.ndarray  # likewise
    bits: np.ndarray  # (2, substances): a newcomer's substance bits and family bits
    share: np.ndarray  # float32 per criterion
    top: np.ndarray  # uint64, 2k: this row's best so far (packed keys)


class Lists(NamedTuple):
    """One thread's share of ``MentorLists`` (an empty one when not kept)."""

    keys: np.ndarray
    filled: np.ndarray
    worst: np.ndarray
    other: np.ndarray  # the other thread's thresholds


_NO_ROWS = np.empty(0, dtype=np.int64)


def _offsets(parts: list[np.ndarray]) -> np.ndarray:
    """CSR row pointer of a list of arrays."""
    return np.array([0, *itertools.accumulate(a.size for a in parts)], dtype=np.int64)


_local = threading.local()


def _scratch(size: int) -> tuple[np.ndarray, np.ndarray]:
    """This thread's buffers for a pool of ``size``: a zeroed float64 cosine per mentor
    (the kernel leaves it zeroed) and two float32 rows of per-span work."""
    bufs: tuple[np.ndarray, np.ndarray] | None = getattr(_local, "bufs", None)
    if bufs is None or bufs[0].size < size:
        bufs = _local.bufs = (np.zeros(size, np.float64), np.empty((2, size), F32))
    return bufs


def scan(pool: Pool, batch: Batch, p: Program, *, k: int, lists: MentorLists | None = None,
         row_offset: int = 0, threads: int = THREADS) -> TopK:  # fmt: skip
    """Exact top-k feasible mentors per newcomer row (best first, ties by lower id).

    With ``lists``, each mentor's best rows (numbered from ``row_offset``) are kept too.
    """
    rows = batch.first_run.size
    size = pool.ids.size
    out = TopK(
        found=np.zeros(rows, dtype=np.int64),
        position=np.full((rows, k), -1, dtype=np.int64),
        score=np.full((rows, k), -1.0, dtype=F32),
        values=np.zeros((rows, k, len(CRITERIA)), dtype=F32),
        applies=np.zeros((rows, len(CRITERIA)), dtype=np.bool_),
    )
    params, weights = Params.of(p), p.weight_vector()
    mentors = lists or MentorLists(size, 0, threads)
    parts = min(threads, len(mentors.keys), max(rows // MIN_ROWS_PER_THREAD, 1))
    blocks = itertools.count()  # taken in increasing order, so each thread's rows increase

    def run(i: int) -> None:
        other = mentors.worst[(i + 1) % len(mentors.worst)]
        mine = Lists(mentors.keys[i], mentors.filled[i], mentors.worst[i], other)
        cosine, work = _scratch(size)
        bits = np.zeros((2, FAMILY_BIT.size), np.int64)
        top = np.zeros(2 * max(k, 1), np.uint64)
        scratch = Scratch(cosine, work[0], work[1], bits, np.zeros(len(CRITERIA), F32), top)
        while (start := next(blocks) * BLOCK_ROWS) < rows:
            _scan_rows(start, min(start + BLOCK_ROWS, rows), pool, batch, params, weights, k, mine,
                       row_offset, scratch, out)  # fmt: skip

    if parts == 1:
        run(0)
    else:
        with ThreadPoolExecutor(parts) as executor:
            list(executor.map(run, range(parts)))
    return out


# ------------------------------------------------------------------ compiled
_run_rules: Final = all_of([r.run for r in rules.RULES if r.run is not None], lazy=True)
_each_rules: Final = all_of([r.each for r in rules.RULES if r.each is not None], lazy=False)


@part
def _run_at(runs: Any, i: int) -> Any:  # pragma: no cover - compiled
    c = runs.codes
    return RunCode(gender=c.gender[i], accepts=c.accepts[i], languages=c.languages[i],
                   modes=c.modes[i], ruled_out=c.ruled_out[i], affirming=c.affirming[i],
                   youth_vetted=c.youth_vetted[i])  # fmt: skip


@part
def _mentor_at(m: Any, i: int) -> Any:  # pragma: no cover - compiled
    return Mentor(recovery_day=m.recovery_day[i], age=m.age[i], ux=m.ux[i], uy=m.uy[i],
                  uz=m.uz[i], reach2=m.reach2[i], modes=m.modes[i], experience=m.experience[i],
                  pathways=m.pathways[i], load_score=m.load_score[i],
                  substances=m.substances[i], families=m.families[i], s0=m.s0[i],
                  s1=m.s1[i], s2=m.s2[i])  # fmt: skip


@part
def _newcomer_at(b: Any, j: int) -> Any:  # pragma: no cover - compiled
    return Newcomer(gender=b.gender[j], pref=b.pref[j], languages=b.languages[j],
                    modes=b.modes[j], pathways=b.pathways[j], main_pathway=b.main_pathway[j],
                    on_medication=b.on_medication[j],
                    age=b.age[j], recovery_day=b.recovery_day[j], substances=b.substances[j],
                    n_substances=b.n_substances[j], wanted=b.wanted[j], has_text=b.has_text[j],
                    ux=b.ux[j], uy=b.uy[j], uz=b.uz[j], reach2=b.reach2[j], s0=b.s0[j],
                    s1=b.s1[j], s2=b.s2[j])  # fmt: skip


@part
def _substance_bits(n: Any, bits: Any) -> int:  # pragma: no cover - compiled
    """The newcomer's substance bits (``bits[0]``) with their family bits (``bits[1]``);
    returns how many."""
    count = 0
    for b in range(FAMILY_BIT.size):
        if (n.substances >> b) & 1:
            bits[0, count] = 1 << b
            bits[1, count] = FAMILY_BIT[b]
            count += 1
    return count


@part
def _substance(m: Any, n: Any, p: Any, bits: Any, n_bits: int) -> Any:
    """Substance credit of one mentor (``criteria.components``' float32 steps)."""
    credit = np.float32(0.0)
    for b in range(n_bits):
        credit += substance_credit(m, bits[0, b], bits[1, b], p)
    return credit * per_substance(n)


@part
def _score_span(pool: Any, s: int, size: int, n: Any, p: Any, sh: Any, bits: Any, n_bits: int,
                cosine: Any, work: Any) -> None:  # fmt: skip  # pragma: no cover - compiled
    """Scores of pool positions ``s:s+size`` into ``work.total``: -1 where a per-mentor
    rule fails (scores are >= 0), else the weighted mean (``criteria.weighted``)."""
    sub_score, total = work.substance, work.total
    for i in range(size):  # substance credit, newcomer substance by substance
        sub_score[i] = np.float32(0.0)
    for b in range(n_bits):
        bit, family_bit = bits[0, b], bits[1, b]
        for i in range(size):
            m = _mentor_at(pool.mentors, s + i)
            sub_score[i] += substance_credit(m, bit, family_bit, p)
    inv = per_substance(n)
    for i in range(size):
        m = _mentor_at(pool.mentors, s + i)
        v = (sub_score[i] * inv, *others(m, n, p, cosine[s + i]))
        acc = weighted(v, sh)  # computed whatever the rules say, so that the loop vectorises
        total[i] = acc if _each_rules(m, n, p) else np.float32(-1.0)


@part
def _keep(pool: Any, s: int, size: int, total: Any, k: int, top: Any, state: Any, lists: Any,
          row: int) -> Any:  # fmt: skip  # pragma: no cover - compiled
    """Offer positions ``s:s+size`` to this row's best (``top``, ``state``) and to each
    mentor's best rows (``lists``); returns the new state."""
    filled, worst, worst_key = state
    mentor_k = lists.keys.shape[1] // 2  # the buffers hold 2 mentor_k slots
    for i in range(size):
        acc, m = total[i], s + i
        if acc >= worst:  # the k best, score descending then id ascending
            new = key(acc, pool.id_rank[m])
            if new > worst_key:
                top[filled] = new
                filled += 1
                if filled == 2 * k:
                    filled = cut(top, filled, k)
                    worst_key = top[k - 1]
                    worst = key_score(worst_key)
        # the mentor's buffer (MentorLists); thresholds are -1 until a first cut
        if mentor_k > 0 and acc > lists.worst[m] and acc >= lists.other[m]:
            n = lists.filled[m]
            lists.keys[m, n] = key(acc, row)
            n += 1
            if n == 2 * mentor_k:
                n = cut(lists.keys[m], n, mentor_k)
                lists.worst[m] = key_score(lists.keys[m, mentor_k - 1])
            lists.filled[m] = n
    return filled, worst, worst_key


@part
def _cosine(pool: Any, batch: Any, j: int, cosine: Any, clear: bool) -> None:
    """Add row ``j``'s text cosine to every mentor through the posting lists, or clear it."""
    text = pool.text
    for t in range(batch.term_ptr[j], batch.term_ptr[j + 1]):
        term, w = batch.terms[t], batch.term_weights[t]
        for e in range(text.indptr[term], text.indptr[term + 1]):
            if clear:
                cosine[text.rows[e]] = 0.0
            else:
                cosine[text.rows[e]] += np.float64(text.data[e] * w)


@jit(allocates=False)
def _scan_rows(start: int, stop: int, pool: Any, batch: Any, p: Any, weights: Any, k: int,
               lists: Any, row_offset: int, work: Any, out: Any) -> None:  # fmt: skip
    """Rows ``start:stop`` of the batch: rules, criteria and top-k, span by span."""
    cosine, bits, share = work.cosine, work.bits, work.share
    # this row's best so far: packed keys (score bits, then the id rank inverted), cut
    # back to the k largest when the 2k slots fill; criteria are computed for the final k
    top = work.top
    runs = pool.runs
    for j in range(start, stop):
        _cosine(pool, batch, j, cosine, False)
        n = _newcomer_at(batch.rows, j)
        applies(n, out.applies[j])
        shares(out.applies[j], weights, share)
        sh = (share[0], share[1], share[2], share[3], share[4], share[5], share[6], share[7])
        n_bits = _substance_bits(n, bits)
        state = (0, np.float32(0.0) if k > 0 else np.float32(np.inf), np.uint64(0))
        x, x_end = batch.excluded_ptr[j], batch.excluded_ptr[j + 1]
        last = batch.last_run[j]
        span = -1  # pool position where the current span of passing runs starts
        for run in range(batch.first_run[j], last + 1):
            # the run rules, once per run of mentors with the same codes; adjacent
            # passing runs form one span, scored in one straight loop
            if run < last and _run_rules(_run_at(runs, run), n, p):
                if span < 0:
                    span = runs.start[run]
                continue
            if span < 0:
                continue
            s, size, span = span, runs.start[run] - span, -1
            _score_span(pool, s, size, n, p, sh, bits, n_bits, cosine, work)
            total = work.total
            while x < x_end and batch.excluded[x] < s:  # do-not-pair
                x += 1
            while x < x_end and batch.excluded[x] < s + size:
                total[batch.excluded[x] - s] = -1.0
                x += 1
            state = _keep(pool, s, size, total, k, top, state, lists, j + row_offset)
        found = largest_first(top, state[0], k)
        out.found[j] = found
        for slot in range(found):
            best = top[slot]
            i = pool.by_rank[key_tie(best)]
            m = _mentor_at(pool.mentors, i)
            v = (_substance(m, n, p, bits, n_bits), *others(m, n, p, cosine[i]))
            for c in range(8):
                out.values[j, slot, c] = v[c]
            out.score[j, slot] = key_score(best)
            out.position[j, slot] = i
        _cosine(pool, batch, j, cosine, True)
