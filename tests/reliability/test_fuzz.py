"""Fuzzing the API with schemathesis, from the app's own OpenAPI schema, as every role.

Every operation gets generated requests (valid and invalid) as anonymous, newcomer, mentor,
coordinator and admin, with every default check: no server error, every status and body
as documented, schema-valid data accepted (but for the rules in `fuzzing.EXCUSED`),
schema-invalid data refused. The caller stays signed in: a request that signs itself out,
disables its own account or erases its own record is followed by fresh credentials.
Stateful runs (chains of requests following the schema's links) are in test_fuzz_stateful.py.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from tests.reliability.fuzzing import (
    ADDITIONAL_CHECKS,
    EXCLUDED_CHECKS,
    Actors,
    credentials,
    excused,
    same_draws_every_run,
)
from tests.reliability.people import ROLES

MAX_EXAMPLES = 6


def fuzz(operation: Any, role: str, actors: Actors, tally: Counter[tuple[str, int]]) -> None:
    """Generate cases for one operation, send them as `role`, run the checks."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: a failure always reproduces
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        response = case.call_and_validate(
            headers=credentials(case, actors.for_role(role)),
            excluded_checks=EXCLUDED_CHECKS,
            additional_checks=ADDITIONAL_CHECKS,
        )
        tally[role, response.status_code // 100] += 1

    run()


def test_every_operation_as_every_role(
    app: FastAPI, client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    same_draws_every_run(monkeypatch)
    excused.clear()
    actors = Actors.cast(client, db)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    tally: Counter[tuple[str, int]] = Counter()
    for role in ROLES:
        for operation in operations:
            fuzz(operation, role, actors, tally)
    cases = sum(tally.values())
    print(f"schemathesis: {cases} generated cases over {len(operations)} operations x {len(ROLES)}")
    for role in ROLES:
        print(f"  {role}: " + ", ".join(f"{k}xx {tally[role, k]}" for k in (2, 4, 5)))
    print(f"  fresh credentials after a request ended them: {dict(actors.revived)}")
    print(f"  excused 422s on schema-valid data: {dict(excused)}")
    assert cases >= len(operations) * len(ROLES)
    # Signed-in roles really reach the routes they may use (not only 401 after a sign-out).
    for role in ROLES[1:]:
        assert tally[role, 2] >= 10, (role, tally)
