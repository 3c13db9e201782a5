"""Locust users for `benchmarks/loadtest.py`: the realistic mix, and /healthz as the ceiling.

Run by loadtest.py in its own process (locust patches the standard library with gevent),
with the plan it wrote (tokens, newcomer ids, intake bodies) named by
``MENTORMATCH_LOADTEST_PLAN``. With no think time (``MENTORMATCH_LOADTEST_THINK`` = 0) users
send their next request as soon as the last one is answered, so 50 users keep 50 requests
in flight; with a think time T each waits a random 0 to 2T seconds (mean T) between requests,
so clients do not fall into step and arrive in bursts; each also waits such a pause
before its first request, so the phase does not open with every client at once.

The mix, per person: newcomers fill the public intake form; coordinators page through the
waiting queue and the proposed pairings and open a newcomer's ranked suggestions; mentors
look at their inbox.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, between, constant, task

from loadmix import HEALTHZ, INBOX, INTAKE, PAIRINGS, QUEUE, SUGGESTIONS

PLAN: dict[str, Any] = json.loads(Path(os.environ["MENTORMATCH_LOADTEST_PLAN"]).read_text())
THINK_S = float(os.environ.get("MENTORMATCH_LOADTEST_THINK", "0"))

_intakes = itertools.cycle(PLAN["intakes"])
_coordinators = itertools.cycle(PLAN["coordinator_tokens"])
_mentors = itertools.cycle(PLAN["mentor_tokens"])
_seeds = itertools.count(PLAN["seed"])


class _User(FastHttpUser):
    abstract = True
    wait_time = between(0, 2 * THINK_S) if THINK_S else constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(next(_seeds))
        if THINK_S:
            # A person arrives at some point, not on the phase's first millisecond: with
            # every client's first request at once, the paced phase opened with a burst of
            # 50 simultaneous requests (a moment of the saturated phase) whose 300-840 ms
            # made up half of the paced phase's slowest 1 %.
            gevent.sleep(self.rng.uniform(0, 2 * THINK_S))

    def expect(self, method: str, path: str, name: str, status: int, **kwargs: Any) -> None:
        """Send a request; anything but `status` counts as an error, with the reason."""
        with self.client.request(method, path, name=name, catch_response=True, **kwargs) as r:
            if r.status_code != status:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")


class NewcomerUser(_User):
    weight = 2

    @task
    def intake(self) -> None:
        self.expect("POST", "/api/v1/newcomers", INTAKE, 201, json=next(_intakes))


class CoordinatorUser(_User):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.headers = {"Authorization": f"Bearer {next(_coordinators)}"}

    @task(1)
    def queue(self) -> None:
        offset = self.rng.randrange(0, PLAN["queue_pages"]) * 50
        path = f"/api/v1/newcomers?status=waiting&limit=50&offset={offset}"
        self.expect("GET", path, QUEUE, 200, headers=self.headers)

    @task(1)
    def pairings(self) -> None:
        status = self.rng.choice(("proposed", "approved", "active"))
        self.expect("GET", f"/api/v1/pairings?status={status}", PAIRINGS, 200, headers=self.headers)

    @task(2)
    def suggestions(self) -> None:
        newcomer_id = self.rng.choice(PLAN["newcomer_ids"])
        path = f"/api/v1/newcomers/{newcomer_id}/suggestions"
        self.expect("GET", path, SUGGESTIONS, 200, headers=self.headers)


class MentorUser(_User):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.headers = {"Authorization": f"Bearer {next(_mentors)}"}

    @task
    def inbox(self) -> None:
        self.expect("GET", "/api/v1/mentors/me/pairings", INBOX, 200, headers=self.headers)


class HealthUser(_User):
    @task
    def healthz(self) -> None:
        self.expect("GET", "/healthz", HEALTHZ, 200)
