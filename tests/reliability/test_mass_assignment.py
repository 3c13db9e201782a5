"""Mass assignment: fields a caller may not set are refused with 422 and nothing changes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy.orm import Session

from mentormatch.config import Settings
from mentormatch.main import create_app
from tests.reliability.people import BODIES, allowed_roles, make_cast
from tests.reliability.routes import RouteInfo, all_routes
from tests.reliability.snapshot import rows

EXTRAS = {
    "role": "admin",
    "status": "paired",
    "capacity": 10,
    "mentor_id": 1,
    "id": 424242,
    "vetted": True,
    "is_active": True,
    "password_hash": "x",
    "status_token_hash": "x",
    "urgent": True,
}
# Who calls each route, in order of preference among the roles its rule admits.
CALLER_ORDER = ("coordinator", "admin", "mentor", "newcomer", "anonymous")


def _body_routes() -> list[RouteInfo]:
    app = create_app(Settings(environment="test", database_url="sqlite://", _env_file=None))  # type: ignore[call-arg]
    return [
        r
        for r in all_routes(app)
        if r.path.startswith("/api/")
        and r.body_model is not None
        and issubclass(r.body_model, BaseModel)
        and not r.body_model.__name__.startswith("Body_")  # OAuth2 form, not JSON
    ]


BODY_ROUTES = _body_routes()
TESTED = [r for r in BODY_ROUTES if (r.method, r.path) in BODIES]


@pytest.mark.parametrize("route", BODY_ROUTES, ids=[f"{r.method} {r.path}" for r in BODY_ROUTES])
def test_every_json_body_refuses_unknown_fields(route: RouteInfo) -> None:
    assert route.body_model is not None
    assert route.body_model.model_config.get("extra") == "forbid", route.body_model.__name__


@pytest.mark.parametrize("route", TESTED, ids=[f"{r.method} {r.path}" for r in TESTED])
def test_extra_fields_are_422_and_change_nothing(
    route: RouteInfo, client: TestClient, db: Session
) -> None:
    cast = make_cast(client, db)
    allowed = allowed_roles(route)
    role = next(r for r in CALLER_ORDER if r in allowed)
    assert route.body_model is not None
    declared = set(route.body_model.model_fields)
    extras = {k: v for k, v in EXTRAS.items() if k not in declared}
    url = route.path.format(**{n: cast.own[role][n] for n in route.id_params})
    for name, value in extras.items():
        body = BODIES[(route.method, route.path)](cast)["json"] | {name: value}
        db.expire_all()
        before = rows(db)
        response = client.request(route.method, url, json=body, headers=cast.headers[role])
        assert response.status_code == 422, (name, response.text)
        assert any(name in e["loc"] for e in response.json()["detail"]), response.text
        db.expire_all()
        assert rows(db) == before, f"{route.method} {route.path} with {name} wrote something"
