"""Reading a large audit trail on PostgreSQL: a record's trail and the admin's searches.

    python benchmarks/bench_audit.py              # 1,000,000 events
    python benchmarks/bench_audit.py --events 100000

A throwaway PostgreSQL database (MENTORMATCH_BENCH_PG, default the test server at
127.0.0.1:5432) is migrated and filled with a year of events: 40% by 50,000 newcomers,
30% by 20 coordinators, 20% by 500 mentors, the rest automatic or anonymous; most about
newcomers, some about pairings and accounts. Each query goes through the app's own code
(`audit.trail`, `audit.search`); the time is the median of 5 runs after one warm-up, and
the plan's index is read from EXPLAIN. Prints a markdown table (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, create_engine, text
from sqlalchemy.orm import Session

from bench_ranker import machine  # the same machine line as the ranker's table
from mentormatch import migrate
from mentormatch.audit import search, trail
from mentormatch.db import make_engine
from mentormatch.newcomers import accounting
from mentormatch.newcomers.models import Newcomer

SERVER = os.environ.get("MENTORMATCH_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
END = datetime(2026, 12, 3, tzinfo=UTC)

FILL = """
INSERT INTO audit_events (at, actor_role, actor_id, action, object_type, object_id, outcome)
SELECT :end - (g * interval '31.536 seconds') * (1000000.0 / :n),
       CASE WHEN g % 10 < 4 THEN 'newcomer' WHEN g % 10 < 7 THEN 'coordinator'
            WHEN g % 10 < 9 THEN 'mentor' WHEN g % 20 = 9 THEN 'system' ELSE 'anonymous' END,
       CASE WHEN g % 10 < 4 THEN g % 50000 + 1 WHEN g % 10 < 7 THEN g % 20 + 1
            WHEN g % 10 < 9 THEN g % 500 + 100 ELSE NULL END,
       (ARRAY['read','read','read','list','update','suggest','explain','login','create',
              'pairing_approved'])[g % 10 + 1],
       CASE WHEN g % 7 = 0 THEN 'pairing' WHEN g % 13 = 0 THEN 'user' ELSE 'newcomer' END,
       CASE WHEN g % 7 = 0 THEN g % 20000 + 1 ELSE (g / 7) % 50000 + 1 END,
       CASE WHEN g % 97 = 0 THEN 'denied' ELSE 'ok' END
FROM generate_series(1, :n) AS g
"""


def timed(run: Callable[[], Any]) -> float:
    run()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plan_index(session: Session, where: ColumnElement[bool]) -> str:
    """The indexes the first page's plan reads ('none: sequential scan' when it reads none)."""
    query = trail.events(where, END).limit(search.PER_PAGE)
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    lines = [r[0] for r in session.execute(text(f"EXPLAIN {compiled}"))]
    used = sorted(
        {w for line in lines for w in line.replace("(", " ").split() if w.startswith("ix_")}
    )
    return ", ".join(used) or ("sequential scan" if any("Seq Scan" in x for x in lines) else "—")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    name = f"bench_audit_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{SERVER}/{name}"
    engine = make_engine(url)
    try:
        migrate.upgrade(url)
        start = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text(FILL), {"n": args.events, "end": END})
            conn.execute(text("ANALYZE audit_events"))
        filled = time.perf_counter() - start
        newcomer = Newcomer(id=4242, created_at=END - timedelta(days=400))
        day = date(2026, 11, 20)
        with Session(engine) as session:
            about = accounting.about(session, newcomer)
        cases: list[tuple[str, ColumnElement[bool]]] = [
            ("a newcomer's trail (their record and pairings)", about),
            ("everything (no filter)", trail.Filters().where()),
            (
                "by actor (one coordinator)",
                trail.Filters(actor_role="coordinator", actor_id=7).where(),
            ),
            ("by action (`update`)", trail.Filters(action="update").where()),
            (
                "by record (newcomer 4242)",
                trail.Filters(object_type="newcomer", object_id=4242).where(),
            ),
            ("one day", trail.Filters(since=day, until=day).where()),
            (
                "by actor, one day",
                trail.Filters(actor_role="coordinator", actor_id=7, since=day, until=day).where(),
            ),
            ("refused requests (`denied`)", trail.Filters(outcome="denied").where()),
        ]
        print(
            f"{args.events:,} audit events on PostgreSQL (filled in {filled:.0f} s); {machine()}\n"
        )
        print("| search | matches | first page + total | index read |")
        print("| --- | ---: | ---: | --- |")
        with Session(engine) as session:
            for label, where in cases:
                total = trail.count(session, where=where, as_of=END)
                seconds = timed(
                    lambda w=where: trail.page(session, where=w, as_of=END, limit=search.PER_PAGE)
                )
                index = plan_index(session, where)
                print(f"| {label} | {total:,} | {seconds * 1000:.0f} ms | {index} |")
            where = trail.Filters(actor_role="coordinator", actor_id=7).where()
            start = time.perf_counter()
            size = sum(len(line) for line in search.csv_lines(session, where=where, as_of=END))
            export = time.perf_counter() - start
            total = trail.count(session, where=where, as_of=END)
        mb = size / 1e6
        print(f"\nCSV export of one coordinator's {total:,} events: {export:.1f} s, {mb:.1f} MB")
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


if __name__ == "__main__":
    main()
