"""Crash safety: SIGKILL the server at random moments; nothing acknowledged is ever lost.

The server runs as a real process on a SQLite file (WAL, synchronous=FULL). Writers post
intakes; after a random number of acknowledgements (seeded) the server is killed mid-traffic,
then restarted. Every intake the client saw acknowledged (201) must still be there, and
`PRAGMA integrity_check` must say `ok`.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
from pathlib import Path

import httpx
import pytest

from mentormatch import migrate
from tests.factories import intake_body
from tests.reliability.server import Zygote

ROUNDS = 30
WRITERS = 3
SEED = 20261121


class Writers:
    """Threads posting intakes until stopped; they remember every id acknowledged with 201."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.acknowledged: list[int] = []
        self.cond = threading.Condition()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run) for _ in range(WRITERS)]

    def _run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10.0) as client:
            while not self.stop.is_set():
                try:
                    response = client.post("/api/v1/newcomers", json=intake_body())
                except httpx.TransportError:
                    continue  # killed mid-request: not acknowledged
                if response.status_code == 201:
                    with self.cond:
                        self.acknowledged.append(response.json()["reference"])
                        self.cond.notify_all()

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.acknowledged) >= count, timeout)

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def check(path: Path, acknowledged: set[int]) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT reference FROM newcomers")}
        consents = {
            row[0]
            for row in conn.execute(
                "SELECT n.reference FROM consents c JOIN newcomers n ON n.id = c.newcomer_id"
            )
        }
    conn.close()
    assert acknowledged <= stored, f"lost acknowledged intakes: {sorted(acknowledged - stored)}"
    assert stored <= consents, "an intake was stored without its consent record"


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_intake(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    rng = random.Random(SEED)
    zygote = Zygote(url)
    acknowledged: set[int] = set()
    try:
        for _ in range(ROUNDS):
            pid, base_url = zygote.spawn()
            with Writers(base_url) as writers:
                writers.wait_for(rng.randint(1, 25))
                os.kill(pid, signal.SIGKILL)
            acknowledged |= set(writers.acknowledged)
            check(path, acknowledged)
        # A last restart: the server comes up on the crashed file and serves it.
        pid, base_url = zygote.spawn()
        with httpx.Client(base_url=base_url) as client:
            assert client.post("/api/v1/newcomers", json=intake_body()).status_code == 201
        os.kill(pid, signal.SIGTERM)
    finally:
        zygote.close()
    assert len(acknowledged) >= ROUNDS
    check(path, acknowledged)
