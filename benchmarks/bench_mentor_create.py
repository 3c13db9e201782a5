"""Benchmark registering mentors through the API: 1,000 `POST /api/v1/mentors` per back end.

Plain script; prints a markdown table (figures for docs/benchmarks.md). Each back end gets
a fresh migrated database (SQLite file, throwaway PostgreSQL database) and the app served
in-process (Starlette's TestClient: the whole request path, routing, validation, role
rule, service, commit, without a network hop). One coordinator posts the mentors one
after another; every answer must be 201. Issue 13 sets the target: 1,000 in under 30 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable for its db helpers
    sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from tests.db import throwaway_database  # noqa: E402
from tests.factories import bearer, make_user, mentor_body, token_for  # noqa: E402

from mentormatch import migrate  # noqa: E402
from mentormatch.accounts.models import AccountToken, Role  # noqa: E402
from mentormatch.config import Settings  # noqa: E402
from mentormatch.main import create_app  # noqa: E402
from mentormatch.pairings.outbox import OutboxMessage  # noqa: E402

TARGET_SECONDS = 30.0


def run(backend: str, count: int) -> tuple[float, float, float]:
    """Seconds to create `count` mentors, this process's CPU seconds for them (client and
    app; the database server's work aside), and the slowest single request in ms."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, Path(tmp)) as url,
    ):
        migrate.upgrade(url)
        settings = Settings(environment="test", database_url=url, _env_file=None)  # type: ignore[call-arg]
        app = create_app(settings)
        with app.state.sessionmaker() as session:
            headers = bearer(token_for(session, make_user(session, Role.coordinator)))
            session.commit()
        bodies = [mentor_body(email=f"bench-{i}@example.org") for i in range(count)]
        slowest = 0.0
        with TestClient(app) as client:
            client.post("/api/v1/mentors", json=mentor_body(), headers=headers)  # warm up
            start, cpu = time.perf_counter(), time.process_time()
            for body in bodies:
                began = time.perf_counter()
                response = client.post("/api/v1/mentors", json=body, headers=headers)
                slowest = max(slowest, time.perf_counter() - began)
                assert response.status_code == 201, response.text
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        with app.state.sessionmaker() as session:
            for table in (AccountToken, OutboxMessage):
                rows = session.scalar(select(func.count()).select_from(table))
                assert rows == count + 1, (table, rows)  # one invitation per mentor
        app.state.engine.dispose()
    return elapsed, cpu, slowest * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="100 mentors (smoke run)")
    args = parser.parse_args()
    count = 100 if args.quick else args.count
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    print(f"mentor creation through the API — {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, commit {commit}")  # fmt: skip
    print(
        f"\n| back end | mentors | total | per mentor | slowest | target {TARGET_SECONDS:.0f} s |"
    )
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print(
        "\n| back end | mentors | total | per mentor | CPU per mentor (app + client) | slowest "
        f"| 1,000 under {TARGET_SECONDS:.0f} s |"
    )
    print("|---|---|---|---|---|---|---|")
    for backend in backends:
        elapsed, cpu, slowest = run(backend, count)
        per = elapsed * 1000 / count  # ms per mentor = seconds per 1,000
        verdict = "met" if per < TARGET_SECONDS else "MISSED"
        print(
            f"| {backend} | {count} | {elapsed:.1f} s | {per:.1f} ms | "
            f"{cpu * 1000 / count:.1f} ms | {slowest:.0f} ms | {verdict} |"
        )


if __name__ == "__main__":
    main()
