"""Server CPU per request, per route of the load test's mix, one request at a time.

Seeds a database as `benchmarks/loadtest.py` does (10k mentors by default), starts
`mentormatch serve --workers 1` on it and sends each route of the mix ``--requests`` times
in turn, one request in flight, from one keep-alive client; the server's CPU time (user +
system, psutil) over those requests divided by their number is the route's cost, without
the queueing, contention and load generator of the load test. ``--spy DIR`` also records
each route's stacks with py-spy (all threads: the routes run in the worker threads, where
cProfile does not look), if py-spy is installed.

    python benchmarks/route_cost.py --backend sqlite
    python benchmarks/route_cost.py --backend postgresql --spy /tmp/stacks
    python benchmarks/route_cost.py --keep /tmp/mm-cost   # reuse the seeded SQLite file next time
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from benchmarks import loadtest  # noqa: E402
from benchmarks.loadmix import HEALTHZ, INBOX, INTAKE, PAIRINGS, QUEUE, SUGGESTIONS  # noqa: E402
from tests.db import throwaway_database  # noqa: E402

Request = tuple[str, str, dict[str, Any], int]  # method, path, httpx kwargs, expected status


def requests_for(plan: dict[str, Any], seed: int = 1) -> dict[str, Callable[[], Request]]:
    """One request maker per route, drawing as the locust users do."""
    rng = random.Random(seed)
    intakes = iter(plan["intakes"] * 100)
    coord = {"headers": {"Authorization": f"Bearer {plan['coordinator_tokens'][0]}"}}
    mentors = plan["mentor_tokens"]

    def intake() -> Request:
        return "POST", "/api/v1/newcomers", {"json": next(intakes)}, 201

    def queue() -> Request:
        offset = rng.randrange(0, plan["queue_pages"]) * 50
        return "GET", f"/api/v1/newcomers?status=waiting&limit=50&offset={offset}", coord, 200

    def pairings() -> Request:
        status = rng.choice(("proposed", "approved", "active"))
        return "GET", f"/api/v1/pairings?status={status}", coord, 200

    def suggestions() -> Request:
        nid = rng.choice(plan["newcomer_ids"])
        return "GET", f"/api/v1/newcomers/{nid}/suggestions", coord, 200

    def inbox() -> Request:
        token = rng.choice(mentors)
        return "GET", "/api/v1/mentors/me/pairings", {"headers": _auth(token)}, 200

    def healthz() -> Request:
        return "GET", "/healthz", {}, 200

    return {
        HEALTHZ: healthz,
        INTAKE: intake,
        SUGGESTIONS: suggestions,
        QUEUE: queue,
        PAIRINGS: pairings,
        INBOX: inbox,
    }


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def seeded(backend: str, mentors: int, keep: Path | None) -> Iterator[tuple[str, dict[str, Any]]]:
    """A seeded database URL and its plan; a kept SQLite file is reused when present."""
    cfg = loadtest.Config(
        backend=backend,
        users=50,
        mentors=mentors,
        newcomers=5000,
        duration_s=1,
        ceiling_s=1,
        warmup_s=0,
        paced_s=0,
        think_s=0,
        workers=1,
    )
    if keep is not None and backend == "sqlite":
        keep.mkdir(parents=True, exist_ok=True)
        db, plan_path = keep / f"cost-{mentors}.db", keep / f"cost-{mentors}.json"
        url = f"sqlite:///{db}"
        if not plan_path.exists():
            db.unlink(missing_ok=True)
            plan_path.write_text(json.dumps(loadtest.seed(url, cfg)))
        yield url, json.loads(plan_path.read_text())
        return
    with (
        tempfile.TemporaryDirectory(prefix="mm-cost-") as tmp,
        throwaway_database(backend, Path(tmp)) as url,
    ):
        t0 = time.perf_counter()
        plan = loadtest.seed(url, cfg)
        loadtest.say(f"{backend}: seeded in {time.perf_counter() - t0:.0f} s")
        yield url, plan


def measure_server(
    url: str,
    plan: dict[str, Any],
    count: int,
    warmup: int,
    spy: Path | None = None,
    batches: int = 10,
) -> dict[str, float]:
    """Server CPU ms per request per route, one worker, one request in flight.

    The requests go in `batches`; the cheapest batch is the figure: on a shared machine
    other work only ever adds to a batch's CPU time (caches, the other hyperthread).

    With `spy`, py-spy (if installed) samples the server's threads during each route's
    requests and writes collapsed stacks there, one file per route.
    """
    makers = requests_for(plan)
    out: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory(prefix="mm-cost-log-") as tmp,
        loadtest.serving(url, 1, Path(tmp) / "server.log") as (base, server),
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        for name, make in makers.items():
            for _ in range(warmup):
                _send(client, make())
            per_batch = []
            with sampling(server.pid, spy, name):
                for _ in range(batches):
                    cpu = loadtest.cpu_seconds(server)
                    for _ in range(count // batches):
                        _send(client, make())
                    per_batch.append(
                        1000 * (loadtest.cpu_seconds(server) - cpu) / (count // batches)
                    )
            out[name] = min(per_batch)
            loadtest.say(
                f"{name}: server CPU per request {min(per_batch):.2f} ms in the cheapest of "
                f"{batches} batches, median {statistics.median(per_batch):.2f} ms"
            )
    return out


@contextmanager
def sampling(pid: int, spy: Path | None, name: str) -> Iterator[None]:
    """py-spy recording the process's threads while the block runs (nothing without `spy`)."""
    if spy is None:
        yield
        return
    spy.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "_" for c in name.split(" (")[0]).strip("_")
    out = spy / f"{slug}.txt"
    recorder = subprocess.Popen(
        [str(loadtest.BIN / "py-spy"), "record", "--pid", str(pid), "--rate", "400",
         "--format", "raw", "--output", str(out), "--threads"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.0)  # py-spy attaches before the first request is sent
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=60)


def _send(client: httpx.Client, request: Request) -> None:
    method, path, kwargs, status = request
    response = client.request(method, path, **kwargs)
    if response.status_code != status:
        raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:200]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=480, help="per route")
    parser.add_argument("--warmup", type=int, default=30, help="per route, not counted")
    parser.add_argument("--batches", type=int, default=8, help="per route; the cheapest counts")
    parser.add_argument("--spy", type=Path, help="py-spy stacks per route into this folder")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the seeded SQLite file here")
    args = parser.parse_args(argv)
    print(f"# route cost, {args.backend}, {args.mentors:,} mentors, load {loadtest.loadavg()}")
    with seeded(args.backend, args.mentors, args.keep) as (url, plan):
        costs = measure_server(url, plan, args.requests, args.warmup, args.spy, args.batches)
        print("\n| route | server CPU ms per request (cheapest batch) |\n|---|---|")
        for name, ms in costs.items():
            print(f"| {name} | {ms:.2f} |")
    print(f"\nload average at end {loadtest.loadavg()}")


if __name__ == "__main__":
    main()
