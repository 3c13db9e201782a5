"""What the sign-in throttle adds to one sign-in, in milliseconds, per back end.

A throwaway database, migrated, holds `--background` recorded failures (an attack in
progress: many clients, many accounts, spread over the last day). Then, per round, on a
fresh (account, client): a successful sign-in's throttle work (`attempt`, `succeeded`,
the commit), a failed one's (`attempt` alone: its commit is the audit row's, which a
sign-in writes anyway), and a refused one (`attempt` on a throttled pair: one read).
For scale: one audit row written and committed (every sign-in writes one), and the
argon2id check every answered sign-in makes.

    python benchmarks/bench_login_throttle.py --backend both
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from tests.db import throwaway_database  # noqa: E402

from mentormatch import migrate  # noqa: E402
from mentormatch.accounts import security, throttle  # noqa: E402
from mentormatch.accounts.models import LoginFailure  # noqa: E402
from mentormatch.audit import service as audit  # noqa: E402
from mentormatch.config import Settings  # noqa: E402
from mentormatch.db import make_engine, make_sessionmaker  # noqa: E402

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def timed(rounds: int, work: Callable[[int], None]) -> tuple[float, float]:
    """Median and 95th percentile of `work(i)` over the rounds, in ms."""
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        work(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def run(backend: str, rounds: int, background: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(backend, Path(tmp)) as url:
        migrate.upgrade(url)
        settings = Settings(environment="test", database_url=url, _env_file=None)  # type: ignore[call-arg]
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        rng = random.Random(1)
        with engine.begin() as conn:
            conn.execute(
                insert(LoginFailure),
                [
                    {
                        "account": f"{rng.getrandbits(256):064x}",
                        "client": f"198.18.{rng.randrange(8)}.{rng.randrange(250)}",
                        "failed_at": NOW - timedelta(seconds=rng.uniform(0, 86_000)),
                    }
                    for _ in range(background)
                ],
            )

        def who(i: int, kind: str) -> dict[str, str]:
            """A fresh (account, client) per round and kind."""
            return {
                "email": f"{kind}{i}@example.org",
                "client": f"10.{i // 250}.{i % 250}.{len(kind)}",
            }

        def success(i: int) -> None:
            with sessions() as session:
                wait = throttle.attempt(session, **who(i, "ok"), now=NOW, settings=settings)
                assert wait is None
                throttle.succeeded(session, **who(i, "ok"), settings=settings)
                session.commit()

        def failure(i: int) -> None:
            with sessions() as session:
                wait = throttle.attempt(session, **who(i, "bad"), now=NOW, settings=settings)
                assert wait is None

        with sessions() as session:  # throttled pairs for the refused rounds
            for i in range(rounds):
                for _ in range(settings.login_free_failures):
                    throttle.failed(session, **who(i, "no"), now=NOW, settings=settings)
            session.commit()

        def refused(i: int) -> None:
            with sessions() as session:
                wait = throttle.attempt(session, **who(i, "no"), now=NOW, settings=settings)
                assert wait is not None

        def audit_row(i: int) -> None:
            with sessions() as session:
                audit.record(session, actor=None, action="login", object_type="user")
                session.commit()

        stored = security.hash_password("correct horse battery staple")
        figures = {
            "success (attempt + succeeded + commit)": timed(rounds, success),
            "failure (attempt)": timed(rounds, failure),
            "refused (attempt, throttled)": timed(rounds, refused),
            "for scale: one audit row and its commit": timed(rounds, audit_row),
            "for scale: the argon2id check": timed(
                min(rounds, 30), lambda i: security.verify_password(stored, "wrong")
            ),
        }
        engine.dispose()
    print(f"{backend}: {background:,} failures recorded, {rounds} rounds (median / p95 ms)")
    for name, (median, p95) in figures.items():
        print(f"  {name:42s} {median:7.2f} / {p95:7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--background", type=int, default=20_000)
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.rounds, args.background)


if __name__ == "__main__":
    main()
