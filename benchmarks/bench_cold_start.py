"""The first whole-pool proposal after start-up against the second, on the demo data;
prints a markdown table (figures for docs/benchmarks.md, "Start-up").

    python benchmarks/bench_cold_start.py

The demo database (`mentormatch demo`'s seed: 100 mentors, ~300 newcomers, two programs)
is made once in a temporary directory. Each case then runs in a fresh Python process, as
a server worker starts: build the app, run its start-up (`main.lifespan`: with
`Settings.warm_up` it compiles the ranking kernel — or loads it from numba's disk cache —
and fits each program's ranker before the first request is let in), then time
`POST /api/v1/pairings/proposals?program_id=1` through the app twice. Between the two the
proposals the first made are deleted, so that the second does exactly the same work.

Cases: a fresh install (numba's disk cache empty), a restart (the cache the first case
wrote), and a fresh install with the warm-up turned off (`MENTORMATCH_WARM_UP=false`:
what the first request paid before). Target (issue 14): the first proposal within 2x of
the second.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, select

from bench_ranker import machine  # the same machine line as the ranker's table
from mentormatch import demo, migrate
from mentormatch.accounts.models import AuthSession, User
from mentormatch.accounts.security import STAFF_TOKEN_PREFIX, new_token
from mentormatch.db import make_engine, make_sessionmaker, utcnow

TARGET_RATIO = 2.0
PROGRAM_ID = 1


def seed(url: str) -> str:
    """Migrate and seed the demo database; a bearer token of its first coordinator."""
    migrate.upgrade(url)
    with make_sessionmaker(make_engine(url))() as session:
        demo.seed_demo(session)
        user = session.scalars(select(User).where(User.email == demo.COORDINATOR_EMAIL)).one()
        token, digest = new_token(STAFF_TOKEN_PREFIX)
        session.add(
            AuthSession(token_hash=digest, user_id=user.id, expires_at=utcnow().replace(year=2100))
        )
        session.commit()
    return token


def child(url: str, token: str) -> None:
    """One start-up and two proposals, timed; prints a JSON line."""
    from fastapi.testclient import TestClient

    from mentormatch.config import Settings
    from mentormatch.main import create_app
    from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus

    started = time.perf_counter()
    app = create_app(Settings(database_url=url))  # type: ignore[call-arg]
    headers = {"Authorization": f"Bearer {token}"}
    url_path = f"/api/v1/pairings/proposals?program_id={PROGRAM_ID}"
    with TestClient(app) as client:
        ready = time.perf_counter() - started
        times, placed = [], []
        for _ in range(2):
            start = time.perf_counter()
            response = client.post(url_path, headers=headers)
            times.append(time.perf_counter() - start)
            assert response.status_code == 201, response.text
            placed.append(response.json()["placed"])
            with app.state.sessionmaker() as session:  # back to the state before the proposal
                ids = select(Pairing.id).where(Pairing.status == PairingStatus.proposed)
                session.execute(delete(PairingEvent).where(PairingEvent.pairing_id.in_(ids)))
                session.execute(delete(Pairing).where(Pairing.status == PairingStatus.proposed))
                session.commit()
    print(json.dumps({"ready": ready, "first": times[0], "second": times[1], "placed": placed}))


def run_case(url: str, token: str, cache_dir: Path, *, warm_up: bool) -> dict[str, float]:
    env = os.environ | {"NUMBA_CACHE_DIR": str(cache_dir)}
    env["MENTORMATCH_WARM_UP"] = "true" if warm_up else "false"
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, token],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        token = seed(url)
        cases = [
            ("fresh install (numba cache empty)", Path(tmp) / "cache-a", True),
            ("restart (numba cache on disk)", Path(tmp) / "cache-a", True),
            ("fresh install, warm-up off (before)", Path(tmp) / "cache-b", False),
        ]
        rows = []
        for name, cache, warm_up in cases:
            cache.mkdir(exist_ok=True)
            r = run_case(url, token, cache, warm_up=warm_up)
            ratio = r["first"] / r["second"]
            ok = "yes" if ratio <= TARGET_RATIO else "no"
            rows.append(
                f"| {name} | {r['ready']:.2f} s | {r['first'] * 1000:.0f} ms | "
                f"{r['second'] * 1000:.0f} ms | {ratio:.2f}x | {ok} |"
            )
            placed = r["placed"]
    print(f"\n{machine()}; demo data, program 1, {placed[0]} placed per proposal\n")
    print("| case | start-up | first proposal | second proposal | first / second | ≤ 2x |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
