"""Rankers per program: memory and suggestion time, 50 programs x 2,000 mentors against one
program of 100,000; prints a markdown table (figures for docs/benchmarks.md).

    python benchmarks/bench_programs.py           # 50 programs x 2,000 mentors
    python benchmarks/bench_programs.py --quick   # smoke run: 10 programs x 500 mentors

One SQLite database is seeded once (the demo's bulk INSERTs, the synthetic world): first
every mentor in one program, as an installation of one program has them; then the same
mentors and newcomers are spread over the programs (`program_id` = 1 + id mod programs).
Each suggestion goes the app's whole service path (`matching.service.suggestions`: the
pool and settings versions, the newcomer's record, the program's ranker from a process's
`RankerCache`), each in a session of its own. *First suggestion* is the cold one, the
program's ranker fitted on the way; *suggestion* the median warm one over the same
newcomers (two of each program) in both layouts.
*Ranker memory* is what the cache holds once it has answered for every program:
`tracemalloc`'s allocations still alive (numpy's included), after a garbage collection.

Issue 16's targets: a suggestion within 1.5x of one program's (at the same total mentors),
and all programs' rankers within 1.5x of one program's memory.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from bench_ranker import machine  # the same machine line as the ranker's table
from mentormatch import demo, migrate
from mentormatch.config import Settings
from mentormatch.db import make_engine, make_sessionmaker
from mentormatch.matching import service
from mentormatch.matching.cache import RankerCache
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import Program

TARGET_RATIO = 1.5


def suggest(factory: sessionmaker[Session], cache: RankerCache, newcomer_id: int) -> float:
    """Seconds for one suggestion (top 10) through the service, in a session of its own
    (a newcomer nobody in the program may mentor gets an empty answer, timed all the same)."""
    with factory() as session:
        start = time.perf_counter()
        service.suggestions(session, actor=None, ranker=cache, newcomer_id=newcomer_id, limit=10)
        return time.perf_counter() - start


def warm(factory: sessionmaker[Session], cache: RankerCache, newcomers: list[int]) -> float:
    """Median seconds of a warm suggestion over `newcomers` (3 rounds)."""
    for n in newcomers:
        suggest(factory, cache, n)
    return statistics.median(suggest(factory, cache, n) for _ in range(3) for n in newcomers)


def held_mb(factory: sessionmaker[Session], settings: Settings, newcomers: list[int]) -> float:
    """MB a fresh cache holds after answering for each of `newcomers` (one per program)."""
    gc.collect()
    tracemalloc.start()
    try:
        cache = RankerCache(settings)
        for n in newcomers:
            suggest(factory, cache, n)
        gc.collect()
        current = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(cache.held()) == len(newcomers)
    return current / 1e6


def by_program(session: Session) -> dict[int, list[int]]:
    """Newcomer ids (those the ranker takes: not minimal) per program."""
    out: dict[int, list[int]] = {}
    rows = session.execute(
        select(Newcomer.program_id, Newcomer.id)
        .where(Newcomer.minimal.is_(False))
        .order_by(Newcomer.id)
    )
    for program_id, newcomer_id in rows:
        out.setdefault(program_id, []).append(newcomer_id)
    return out


def spread(session: Session, programs: int) -> None:
    """Move mentors and newcomers into `programs` programs (1 + id mod programs)."""
    session.execute(
        insert(Program),
        [{"slug": f"p{i}", "name": f"Program {i}", "settings": {}} for i in range(2, programs + 1)],
    )
    for table in ("mentors", "newcomers"):
        session.execute(text(f"UPDATE {table} SET program_id = 1 + id % :n"), {"n": programs})
    session.commit()


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 programs x 500 mentors")
    parser.add_argument("--programs", type=int, default=50)
    parser.add_argument("--mentors-per-program", type=int, default=2_000)
    args = parser.parse_args(argv)
    if args.quick:
        args.programs, args.mentors_per_program = 10, 500
    programs, total = args.programs, args.programs * args.mentors_per_program
    say: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        settings = Settings(environment="test", database_url=url, _env_file=None)  # type: ignore[call-arg]
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        say(f"seeding {total:,} mentors")
        with factory() as session:
            demo.seed_demo(  # one program first: `spread` then makes the many
                session,
                seed=11,
                mentors=total,
                newcomers=max(300, 8 * programs),
                two_programs=False,
            )
        service.warm_up()

        with factory() as session:
            everyone = by_program(session)[1]
        # the same newcomers are timed in both layouts: two of each program-to-be
        sample = [
            n for p in range(programs) for n in [i for i in everyone if i % programs == p][:2]
        ]
        cache = RankerCache(settings)
        single_first = suggest(factory, cache, sample[0])
        single_warm = warm(factory, cache, sample)
        del cache
        single_mb = held_mb(factory, settings, sample[:1])
        say(f"one program: first {single_first:.2f} s, warm {single_warm * 1e3:.2f} ms, "
            f"{single_mb:.0f} MB")  # fmt: skip

        with factory() as session:
            spread(session, programs)
            per = by_program(session)
        assert len(per) == programs, f"a program without newcomers: {sorted(per)}"
        cache = RankerCache(settings)
        firsts = [suggest(factory, cache, ids[0]) for ids in per.values()]
        many_warm = warm(factory, cache, sample)
        del cache
        many_mb = held_mb(factory, settings, [ids[0] for ids in per.values()])
        engine.dispose()

    label = f"{programs} x {args.mentors_per_program:,}"
    ratio_time, ratio_mb = many_warm / single_warm, many_mb / single_mb
    rows = [
        ("first suggestion (ranker fitted on the way)", f"{single_first:.2f} s",
         f"median {statistics.median(firsts):.3f} s, slowest {max(firsts):.3f} s", "—"),
        ("suggestion (warm, median)", f"{single_warm * 1e3:.2f} ms",
         f"{many_warm * 1e3:.2f} ms ({ratio_time:.2f}x)", f"≤ {TARGET_RATIO}x one program"),
        ("ranker memory, all programs", f"{single_mb:.0f} MB",
         f"{many_mb:.0f} MB ({ratio_mb:.2f}x)", f"≤ {TARGET_RATIO}x one program"),
    ]  # fmt: skip
    print(f"Machine: {machine()}; commit {commit()}\n")
    print(f"| measurement | 1 program x {total:,} | {label} | target |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    held = ratio_time <= TARGET_RATIO and ratio_mb <= TARGET_RATIO
    print(f"\nTargets {'hold' if held else 'MISSED'}.")
    return {"time_ratio": ratio_time, "memory_ratio": ratio_mb}


if __name__ == "__main__":
    main()
