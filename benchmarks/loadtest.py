"""Load test (issue 6): the production server on SQLite and PostgreSQL under a realistic mix.

For each back end: a throwaway database (``tests/db.py``), migrated, seeded with a pool of
mentors (10k by default) and thousands of waiting newcomers from the synthetic world
(``mentormatch.demo``), whole-pool proposals, some approved and accepted; coordinator and
mentor API tokens. Then ``mentormatch serve`` runs as a subprocess with production settings
and locust, in a second process on loopback, drives it, each phase a fresh locust run
against the same server:

1. warm-up (the mix, discarded: each worker fits its ranker on first use);
2. ceiling: /healthz alone, every client sending its next request as soon as the last
   one is answered;
3. mix, saturated: intakes, coordinator lists and suggestions, mentor inbox, no think time
   — the server's throughput, reported per route and as a ratio to the ceiling;
4. mix, paced: the same clients, each waiting ``--think`` seconds between requests
   (people reading a page), the latency a person sees.

Prints a markdown table per phase and back end: requests/s, p50/p95/p99, errors, the
ratio to /healthz, the server's CPU time per request, and the load average before and
after (the machine may be shared).

    python benchmarks/loadtest.py                            # both back ends, ~16 min
    python benchmarks/loadtest.py --backend sqlite --quick   # ~30 s smoke run
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable for its db helpers
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402
from benchmarks.loadmix import (  # noqa: E402
    CEILING_USERS,
    MIX_USERS,
    TARGET_P99_MS,
    TARGET_ROUTES,
)
from sqlalchemy import select  # noqa: E402
from tests.db import throwaway_database  # noqa: E402
from tests.factories import token_for  # noqa: E402
from tests.reliability.server import free_port, wait_ready  # noqa: E402

from mentormatch import demo, migrate  # noqa: E402
from mentormatch.accounts.models import Role, User  # noqa: E402
from mentormatch.accounts.principal import Principal  # noqa: E402
from mentormatch.config import Settings  # noqa: E402
from mentormatch.db import make_engine, make_sessionmaker  # noqa: E402
from mentormatch.matching import synthetic  # noqa: E402
from mentormatch.matching.service import RankerCache  # noqa: E402
from mentormatch.mentors.models import Mentor  # noqa: E402
from mentormatch.newcomers.models import Newcomer  # noqa: E402
from mentormatch.newcomers.schemas import NewcomerIntake  # noqa: E402
from mentormatch.pairings import requests, whole_pool  # noqa: E402
from mentormatch.pairings.models import Pairing, PairingStatus  # noqa: E402
from mentormatch.programs.models import DEFAULT_PROGRAM_ID  # noqa: E402

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
BIN = Path(sys.executable).parent


@dataclass
class Config:
    backend: str
    users: int
    mentors: int
    newcomers: int
    duration_s: int  # the saturated mix
    ceiling_s: int  # /healthz alone
    warmup_s: int
    paced_s: int  # the paced mix (0: skipped)
    think_s: float  # each client's pause between requests in the paced mix
    workers: int
    seed: int = 7
    approved: int = 100  # pairings approved (mentor asked), half of them then accepted
    mentor_tokens: int = 300
    coordinator_tokens: int = 5


@dataclass
class Route:
    name: str
    requests: int
    errors: int
    rps: float
    p50: float
    p95: float
    p99: float
    ratio: float = 0.0


@dataclass
class Phase:
    """One locust run against the server, and what it cost the server."""

    name: str
    seconds: int
    think_s: float
    routes: list[Route] = field(default_factory=list)
    total: Route | None = None
    server_cpu_ms: float = 0.0  # server CPU time (all workers) per request
    locust_cpu_pct: float = 0.0  # the load generator's CPU use, % of one core
    loadavg_start: str = ""
    loadavg_end: str = ""
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.routes)


@dataclass
class Result:
    backend: str
    config: dict[str, Any]
    seed_s: float
    start_s: float
    phases: list[Phase] = field(default_factory=list)

    def phase(self, name: str) -> Phase:
        return next(p for p in self.phases if p.name == name)

    @property
    def errors(self) -> int:
        return sum(p.errors for p in self.phases)  # the warm-up's count too


def say(message: str) -> None:
    """Progress on stderr (the report goes to stdout)."""
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages (the machine is shared: context for every figure)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the database -----------------------------------------------------------------------


def intake_bodies(seed: int, count: int, today: date) -> list[dict[str, Any]]:
    """Intake form bodies from a second synthetic world, each valid (checked by the schema)."""
    world = synthetic.generate(seed, mentors=1, newcomers=count)
    bodies = []
    for row in world.newcomers.to_dict("records"):
        if int(row["age"]) < 18:
            continue
        body = demo.newcomer_fields(row, today) | {
            "in_crisis": row["id"] % 50 == 0,
            "consent": {"agree": True, "version": "2026-11", "share_with_mentor": True},
        }
        bodies.append(NewcomerIntake.model_validate(body).model_dump(mode="json"))
    return bodies


def seed(url: str, cfg: Config) -> dict[str, Any]:
    """Migrate and seed; returns the plan the locust users read (tokens, ids, intake bodies)."""
    migrate.upgrade(url)
    settings = Settings(environment="test", database_url=url, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with factory() as session:
        demo.seed_demo(
            session,
            seed=cfg.seed,
            mentors=cfg.mentors,
            newcomers=cfg.newcomers,
            two_programs=False,  # one program: figures comparable with earlier runs
        )
        coordinator = session.scalar(select(User).where(User.email == demo.COORDINATOR_EMAIL))
        assert coordinator is not None
        actor = Principal(
            Role.coordinator, user_id=coordinator.id, program_ids=frozenset({DEFAULT_PROGRAM_ID})
        )
        ranker = RankerCache(settings)
        # The coordinators' pairings list: whole-pool proposals, some approved (the mentor is
        # asked) and half of those accepted, through the same services the API uses.
        proposal = whole_pool.propose(session, actor=actor, ranker=ranker, settings=settings)
        for i, p in enumerate(proposal.pairings[: cfg.approved]):
            pairing = requests.approve(
                session, actor=actor, ranker=ranker, settings=settings, pairing_id=p.id
            )
            if i % 2:
                mentor = session.get(Mentor, pairing.mentor_id)
                assert mentor is not None
                me = Principal(
                    Role.mentor,
                    user_id=mentor.user_id,
                    mentor_id=mentor.id,
                    program_ids=frozenset({mentor.program_id}),
                )
                requests.accept(session, actor=me, settings=settings, pairing_id=pairing.id)
        asked = session.scalars(
            select(Pairing.mentor_id)
            .where(Pairing.status.in_((PairingStatus.approved, PairingStatus.active)))
            .distinct()
        ).all()
        others = session.scalars(
            select(Mentor.id).where(Mentor.id.not_in(asked)).order_by(Mentor.id)
        ).all()
        mentor_ids = [*asked, *others[: max(cfg.mentor_tokens - len(asked), 0)]]
        users = dict(session.execute(select(Mentor.id, Mentor.user_id)).all())
        ttl = timedelta(hours=6)
        mentor_tokens = [
            token_for(session, session.get_one(User, users[mid]), ttl=ttl) for mid in mentor_ids
        ]
        coordinator_tokens = [
            token_for(session, coordinator, ttl=ttl) for _ in range(cfg.coordinator_tokens)
        ]
        newcomer_ids = session.scalars(select(Newcomer.id).order_by(Newcomer.id)).all()
        session.commit()
    engine.dispose()
    return {
        "seed": cfg.seed,
        "coordinator_tokens": coordinator_tokens,
        "mentor_tokens": mentor_tokens,
        "newcomer_ids": list(newcomer_ids),
        "queue_pages": 5,  # coordinators work from the top of the queue
        "intakes": intake_bodies(cfg.seed + 1, 2000, datetime.now(UTC).date()),
    }


# --- the server -------------------------------------------------------------------------


def server_env(url: str) -> dict[str, str]:
    """Production settings: a real secret, and one BLAS/OpenMP thread per worker process
    (the workers already use both cores; nested thread pools would oversubscribe them)."""
    return os.environ | {
        "MENTORMATCH_DATABASE_URL": url,
        "MENTORMATCH_ENVIRONMENT": "production",
        "MENTORMATCH_SECRET_KEY": secrets.token_urlsafe(48),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMBA_NUM_THREADS": "1",
    }


@contextmanager
def serving(url: str, workers: int, log: Path) -> Iterator[tuple[str, psutil.Process]]:
    """`mentormatch serve` with `workers` processes (uvicorn, no reload, no access log)."""
    port = free_port()
    cmd = [str(BIN / "mentormatch"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*cmd, "--workers", str(workers)], env=server_env(url), stdout=out, stderr=out
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base_url, lambda: process.poll() is None, deadline_s=120)
            yield base_url, psutil.Process(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def drain(base_url: str) -> None:
    """Wait for the requests a finished phase left in the server's queues (locust stops its
    clients at the deadline, the server still answers them): one /healthz request, served
    after them, so each phase starts on an idle server."""
    httpx.get(f"{base_url}/healthz", timeout=120).raise_for_status()


def cpu_seconds(server: psutil.Process) -> float:
    """User + system CPU time of the server and its worker processes so far."""
    total = 0.0
    for proc in [server, *server.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


# --- the load ---------------------------------------------------------------------------


def run_locust(
    base_url: str, plan: Path, users: Sequence[str], count: int, phase: Phase, prefix: Path
) -> None:
    """One headless locust run; its stats land in `prefix`_stats.csv."""
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base_url,
        "--users",
        str(count),
        "--spawn-rate",
        str(count),
        "--run-time",
        f"{phase.seconds}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *users,
    ]
    env = os.environ | {
        "MENTORMATCH_LOADTEST_PLAN": str(plan),
        "MENTORMATCH_LOADTEST_THINK": str(phase.think_s),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    phase.locust_cpu_pct = 100 * used / wall
    if not prefix.with_name(prefix.name + "_stats.csv").exists():
        raise RuntimeError(f"locust wrote no stats (exit {done.returncode}):\n{done.stderr}")
    phase.warnings = [line for line in done.stderr.splitlines() if "CPU usage" in line]


def _ms(value: str) -> float:
    return float("nan") if value == "N/A" else float(value)


def read_stats(prefix: Path) -> tuple[list[Route], Route]:
    """Per-route rows and the aggregated row of a locust stats CSV."""
    routes: list[Route] = []
    total: Route | None = None
    with prefix.with_name(prefix.name + "_stats.csv").open() as f:
        for row in csv.DictReader(f):
            route = Route(
                name=row["Name"],
                requests=int(row["Request Count"]),
                errors=int(row["Failure Count"]),
                rps=float(row["Requests/s"]),
                p50=_ms(row["50%"]),
                p95=_ms(row["95%"]),
                p99=_ms(row["99%"]),
            )
            if row["Name"] == "Aggregated":
                total = route
            else:
                routes.append(route)
    assert total is not None
    return routes, total


def read_failures(prefix: Path) -> list[str]:
    path = prefix.with_name(prefix.name + "_failures.csv")
    if not path.exists():
        return []
    with path.open() as f:
        return [f"{r['Occurrences']}x {r['Name']}: {r['Error']}" for r in csv.DictReader(f)]


def run_backend(cfg: Config, work: Path) -> Result:
    """Seed, serve, then run the phases against the one server, on one back end."""
    with throwaway_database(cfg.backend, work) as url:
        t0 = time.perf_counter()
        plan = seed(url, cfg)
        result = Result(cfg.backend, asdict(cfg), time.perf_counter() - t0, 0.0)
        say(f"{cfg.backend}: seeded in {result.seed_s:.1f} s")
        plan_path = work / f"plan-{cfg.backend}.json"
        plan_path.write_text(json.dumps(plan))
        t0 = time.perf_counter()
        with serving(url, cfg.workers, work / f"server-{cfg.backend}.log") as (base_url, server):
            result.start_s = time.perf_counter() - t0
            say(f"{cfg.backend}: server ({cfg.workers} workers) up in {result.start_s:.1f} s")
            phases = [
                (Phase("warmup", cfg.warmup_s, 0.0), MIX_USERS),
                (Phase("ceiling", cfg.ceiling_s, 0.0), CEILING_USERS),
                (Phase("mix", cfg.duration_s, 0.0), MIX_USERS),
            ]
            if cfg.paced_s:
                phases.append((Phase("paced", cfg.paced_s, cfg.think_s), MIX_USERS))
            for phase, users in phases:
                if not phase.seconds:
                    continue
                drain(base_url)
                say(f"{cfg.backend}: {phase.name}, {cfg.users} users, {phase.seconds} s")
                prefix = work / f"{cfg.backend}-{phase.name}"
                phase.loadavg_start = loadavg()
                cpu = cpu_seconds(server)
                run_locust(base_url, plan_path, users, cfg.users, phase, prefix)
                cpu = cpu_seconds(server) - cpu
                phase.loadavg_end = loadavg()
                phase.routes, phase.total = read_stats(prefix)
                phase.failures = read_failures(prefix)
                if phase.total.requests:
                    phase.server_cpu_ms = 1000 * cpu / phase.total.requests
                result.phases.append(phase)
    ceiling = result.phase("ceiling").total
    assert ceiling is not None
    for phase in result.phases:
        for route in (*phase.routes, phase.total):
            if route is not None:
                route.ratio = route.rps / ceiling.rps if ceiling.rps else float("nan")
    return result


# --- the report -------------------------------------------------------------------------


def verdicts(result: Result) -> list[str]:
    """Whether the issue's targets hold in this run, per measured phase."""
    answered = sum(p.total.requests for p in result.phases if p.total is not None)
    lines = [
        f"errors: {result.errors} of {answered:,} requests, warm-up included "
        f"(target 0: {'met' if result.errors == 0 else 'MISSED'})"
    ]
    for phase in result.phases:
        if phase.name not in ("mix", "paced"):
            continue
        for route in phase.routes:
            if route.name in TARGET_ROUTES:
                ok = route.p99 < TARGET_P99_MS
                lines.append(
                    f"{phase.name}: p99 {route.name} {route.p99:.0f} ms "
                    f"(target < {TARGET_P99_MS:.0f} ms: {'met' if ok else 'MISSED'})"
                )
    return lines


PHASE_TITLES = {
    "ceiling": "/healthz alone (the ceiling)",
    "mix": "the mix, saturated (no think time)",
    "paced": "the mix, paced",
}


def table(result: Result) -> str:
    """The markdown report for one back end."""
    cfg = result.config
    out = [
        f"## {result.backend}: {cfg['users']} clients, {cfg['mentors']:,} mentors, "
        f"{cfg['workers']} worker(s)\n",
        f"seeding {result.seed_s:.0f} s, server start {result.start_s:.0f} s\n",
    ]
    for phase in result.phases:
        if phase.name == "warmup" or phase.total is None:
            out += [f"- warm-up failure: {failure}" for failure in phase.failures[:10]]
            continue
        title = PHASE_TITLES[phase.name]
        if phase.name == "paced":
            title += f" (each client waits {phase.think_s:g} s between requests)"
        out.append(
            f"### {title}: {phase.seconds} s\n\n"
            f"load average {phase.loadavg_start} at start, {phase.loadavg_end} at end; "
            f"server CPU {phase.server_cpu_ms:.1f} ms per request; "
            f"locust used {phase.locust_cpu_pct:.0f} % of a core\n\n"
            "| route | requests | req/s | p50 ms | p95 ms | p99 ms | errors "
            "| ratio to /healthz |\n|---|---|---|---|---|---|---|---|"
        )
        rows = phase.routes if phase.name == "ceiling" else [*phase.routes, phase.total]
        for r in rows:
            name = "**all routes**" if r is phase.total else r.name
            out.append(
                f"| {name} | {r.requests:,} | {r.rps:.1f} | {r.p50:.0f} | {r.p95:.0f} | "
                f"{r.p99:.0f} | {r.errors} | {r.ratio:.3f} |"
            )
        out.append("")
        for failure in phase.failures[:10]:
            out.append(f"- failure: {failure}")
        for warning in phase.warnings:
            out.append(f"- locust: {warning}")
    out.append("Targets:\n\n" + "\n".join(f"- {line}" for line in verdicts(result)) + "\n")
    return "\n".join(out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=int, default=180, help="seconds of the saturated mix")
    parser.add_argument("--ceiling", type=int, default=60, help="seconds of /healthz alone")
    parser.add_argument("--warmup", type=int, default=15, help="seconds of discarded mix")
    parser.add_argument("--paced", type=int, default=120, help="seconds of the paced mix (0: skip)")
    parser.add_argument("--think", type=float, default=1.0, help="pause per client, paced mix")
    parser.add_argument("--users", type=int, default=50, help="concurrent clients")
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--newcomers", type=int, default=5_000, help="waiting when seeded")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--workdir", type=Path, help="keep plans, logs and locust CSVs here")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 500 mentors, 1 worker, 14 s of load"
    )
    args = parser.parse_args(argv)
    if args.ceiling < 1 or args.duration < 1:
        parser.error("--ceiling and --duration must be at least 1 s")
    if args.quick:
        args.warmup, args.ceiling, args.duration, args.paced = 1, 3, 6, 4
        args.mentors, args.newcomers, args.workers = 500, 200, 1
    return args


def main(argv: list[str] | None = None) -> list[Result]:
    args = parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"# Load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {cpu_model()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {loadavg()}\n",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="mm-load-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for backend in backends:
            cfg = Config(
                backend=backend,
                users=args.users,
                mentors=args.mentors,
                newcomers=args.newcomers,
                duration_s=args.duration,
                ceiling_s=args.ceiling,
                warmup_s=args.warmup,
                paced_s=args.paced,
                think_s=args.think,
                workers=args.workers,
                approved=min(100, args.newcomers // 10),
                mentor_tokens=min(300, args.mentors // 3),
            )
            result = run_backend(cfg, work)
            print(table(result), flush=True)
            results.append(result)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return results


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(1 if any(r.errors for r in main()) else 0)
