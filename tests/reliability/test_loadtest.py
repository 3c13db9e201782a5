"""The load test's tool works: a short run on SQLite drives every route of the mix, error-free.

It starts the production server (`mentormatch serve`) and headless locust processes, as
`make loadtest` does, only briefly and with a small pool; the figures themselves live in
docs/reliability.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks import loadtest
from benchmarks.loadmix import HEALTHZ, MIX


@pytest.mark.slow
def test_a_short_run_exercises_every_route_without_errors(tmp_path: Path) -> None:
    (result,) = loadtest.main(
        [
            "--backend=sqlite",
            "--users=20",
            "--mentors=300",
            "--newcomers=100",
            "--workers=1",
            "--warmup=0",
            "--ceiling=3",
            "--duration=5",
            "--paced=4",
            "--think=0.1",
            f"--workdir={tmp_path}",
        ]
    )
    assert result.errors == 0, [p.failures for p in result.phases]
    ceiling = result.phase("ceiling")
    assert [r.name for r in ceiling.routes] == [HEALTHZ]
    assert ceiling.routes[0].requests > 0
    for name in ("mix", "paced"):
        phase = result.phase(name)
        exercised = {route.name: route.requests for route in phase.routes}
        assert set(exercised) == set(MIX), (name, exercised)
        assert all(count > 0 for count in exercised.values()), (name, exercised)
        assert phase.server_cpu_ms > 0
        assert phase.loadavg_start and phase.loadavg_end
