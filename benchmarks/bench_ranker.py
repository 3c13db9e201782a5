"""Ranker speed and memory, side by side on one synthetic pool; prints a markdown table.

    python benchmarks/bench_ranker.py           # full run (10k / 100k / 1M mentors)
    python benchmarks/bench_ranker.py --quick   # smoke run (10k mentors, few repeats)

Pools are tiled from a generated base world (ids renumbered), so every size has the
same mix. "query" is the ranking hot path for one encoded newcomer (hard rules,
all criteria, exact top-10); "suggest" adds newcomer encoding and reasons. The floor
is one pass reading every byte of the ranker's pool matrices (schedules, codes,
TF-IDF) on one core, the same single-core numpy the query runs on.
"""

from __future__ import annotations

import argparse
import heapq
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from mentormatch.matching import MentorRanker
from mentormatch.matching.features import MentorArrays
from mentormatch.matching.frames import check_newcomers
from mentormatch.matching.kernel import THREADS
from mentormatch.matching.newcomer_rows import encode_newcomer_rows
from mentormatch.matching.reference import score, utc_hours, violations
from mentormatch.matching.schedule import unpack
from mentormatch.matching.synthetic import generate

Row = dict[str, Any]


def tile(df: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` rows repeating ``df`` with fresh ids."""
    out = pd.concat([df] * -(-n // len(df)), ignore_index=True).iloc[:n].copy()
    out["id"] = np.arange(1, n + 1)
    return out


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``fn`` in seconds."""
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def peak_mb(fn: Callable[[], Any]) -> float:
    """Peak traced allocation of one call, in MB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def pool_arrays(ranker: MentorRanker) -> list[np.ndarray]:
    """The pool arrays the ranking path reads (the floor reads each once)."""
    t = ranker.pool_text_
    return [*(getattr(ranker.pool_, f) for f in MentorArrays.__dataclass_fields__),
            t.data, t.indices, t.indptr]  # fmt: skip


def matrix_bytes(ranker: MentorRanker) -> int:
    """Bytes of the pool matrices the ranking path reads."""
    t = ranker.pool_text_
    return ranker.pool_.nbytes() + t.data.nbytes + t.indices.nbytes + t.indptr.nbytes


def floor_fn(ranker: MentorRanker) -> Callable[[], None]:
    """Read every byte of the pool matrices once (bitwise-or reduction over uint64)."""
    views = []
    for a in pool_arrays(ranker):
        raw = np.ascontiguousarray(a).view(np.uint8).ravel()
        cut = raw.size // 8 * 8
        views += [raw[:cut].view(np.uint64), raw[cut:]]

    def run() -> None:
        for v in views:
            np.bitwise_or.reduce(v)

    return run


def dense_features(ranker: MentorRanker, idx: np.ndarray | None = None) -> np.ndarray:
    """The pool's criteria as one dense float32 matrix (for NearestNeighbors)."""
    m = ranker.pool_
    bits = [unpack(m.schedule)]
    for arr, n in ((m.substances, 15), (m.families, 9), (m.pathways, 8), (m.experience, 6),
                   (m.modes, 4)):  # fmt: skip
        bits.append((arr[:, None].astype(np.int64) >> np.arange(n)) & 1)
    bits += [m.age[:, None] / 100.0, m.load_score[:, None], ranker.pool_text_.toarray()]
    return np.hstack(bits).astype(np.float32)


def python_top10(n: Row, mentors: list[Row], ranker: MentorRanker, text: list[dict]) -> list:
    """Per-pair Python: check every rule and score every feasible mentor."""
    p = ranker.program_
    q = dict(zip(*_terms(ranker, n["hopes"]), strict=True))
    heap: list[tuple[float, int]] = []
    for m, t in zip(mentors, text, strict=True):
        if violations(m, n, p):
            continue
        cos = sum(w * t.get(term, 0.0) for term, w in q.items())
        s = score(m, n, p, text=cos if q else None)["total"]
        heapq.heappush(heap, (s, -m["id"]))
        if len(heap) > 10:
            heapq.heappop(heap)
    return sorted(heap, reverse=True)


def _terms(ranker: MentorRanker, text: str) -> tuple[list[int], list[float]]:
    row = ranker.encoders_.text.transform([text]).tocsr()
    return row.indices.tolist(), row.data.tolist()


def machine() -> str:
    """CPU model and core count."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(x.split(":", 1)[1].strip() for x in out.splitlines() if "Model name" in x)
    except (OSError, StopIteration, subprocess.CalledProcessError):
        model = platform.processor() or "unknown"
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10k mentors only, few repeats")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [10_000, 100_000, 1_000_000]
    repeat = 3 if args.quick else 7
    n_queries = 20 if args.quick else 60
    base = generate(1, mentors=5_000 if args.quick else 20_000, newcomers=10_000)
    newcomers = base.newcomers
    rows: list[tuple[str, str, str, str]] = []

    def add(what: str, size: str, seconds: float, mb: float | None = None, note: str = "") -> None:
        ms = f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.2f} s"
        rows.append((what, size, ms + (f" ({note})" if note else ""),
                     "" if mb is None else f"{mb:.0f} MB"))  # fmt: skip
        print(f"  {what:<45} {size:>6}  {rows[-1][2]:<28} {rows[-1][3]}", file=sys.stderr)

    for size in sizes:
        label = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
        mentors = tile(base.mentors, size)
        ranker = MentorRanker(reference_time=base.reference)
        fit_s = timed(lambda r=ranker, m=mentors: r.fit(m), 1 if size >= 100_000 else repeat)
        fit_mb = None if size > 100_000 else peak_mb(lambda r=ranker, m=mentors: r.fit(m))
        add("fit", label, fit_s, fit_mb)
        checked = check_newcomers(newcomers.iloc[:n_queries])
        enc = ranker.encoders_
        queries = [encode_newcomer_rows(checked.iloc[[i]], enc) for i in range(n_queries)]

        def query_all(r: MentorRanker = ranker, qs: list = queries) -> None:
            for q in qs:
                r._top(q, 10)

        per_query = timed(query_all, repeat) / len(queries)
        floor = timed(floor_fn(ranker), repeat * 5)
        add("top-10 query, hard rules (ranker)", label, per_query,
            peak_mb(lambda r=ranker, q=queries[0]: r._top(q, 10)),
            f"{per_query / floor:.1f}x floor")  # fmt: skip
        add("read-once floor of pool matrices", label, floor, matrix_bytes(ranker) / 1e6,
            f"{len(ranker.pool_)} pooled mentors")  # fmt: skip
        one = newcomers.iloc[[0]]
        add("suggestions(k=10) incl. encoding + reasons", label,
            timed(lambda r=ranker, one=one: r.suggestions(one, 10), repeat))  # fmt: skip
        if size <= 100_000:
            X = dense_features(ranker)
            nn = NearestNeighbors(n_neighbors=10, algorithm="brute", metric="cosine").fit(X)
            probe = X[:1]
            nn_s = timed(lambda nn=nn, probe=probe: nn.kneighbors(probe), repeat)
            add("NearestNeighbors(brute) top-10, no rules", label, nn_s,
                peak_mb(lambda nn=nn, probe=probe: nn.kneighbors(probe)),
                f"ranker {nn_s / per_query:.0f}x faster")  # fmt: skip
        if size == 10_000:
            dicts = mentors.to_dict("records")
            for d in dicts:
                d["_utc_hours"] = utc_hours(d, ranker.program_)
            t = ranker.text_
            text = [dict(zip(t.indices[t.indptr[i]:t.indptr[i + 1]].tolist(),
                             t.data[t.indptr[i]:t.indptr[i + 1]].tolist(), strict=True))
                    for i in range(len(dicts))]  # fmt: skip
            n = newcomers.iloc[0].to_dict()
            n["_utc_hours"] = utc_hours(n, ranker.program_)
            py_s = timed(lambda r=ranker, n=n, d=dicts, t=text: python_top10(n, d, r, t), 1)
            py_mb = peak_mb(lambda r=ranker, n=n, d=dicts, t=text: python_top10(n, d, r, t))
            add("per-pair Python scorer over dicts", label, py_s, py_mb,
                f"ranker {py_s / per_query:.0f}x faster")  # fmt: skip
            batch = newcomers.iloc[:10_000] if not args.quick else newcomers.iloc[:2_000]
            batch_s = timed(lambda r=ranker, b=batch: r.rank(b, k=20), 2)
            note = f"{THREADS} threads"
            add(f"batch top-20 (rank), {len(batch)} newcomers", label, batch_s,
                peak_mb(lambda r=ranker, b=batch: r.rank(b, k=20)), note)  # fmt: skip
        if size == 100_000:
            edits = mentors.iloc[:100].copy()
            edits["load"] = edits["capacity"]
            add(
                "update_mentors, 1 mentor",
                label,
                timed(lambda r=ranker, e=edits.iloc[:1]: r.update_mentors(e), repeat),
            )
            add("update_mentors, 100 mentors", label,
                timed(lambda r=ranker, e=edits: r.update_mentors(e), repeat))  # fmt: skip
    print(f"Machine: {machine()}\n")
    print("| measurement | mentors | time | peak memory |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
