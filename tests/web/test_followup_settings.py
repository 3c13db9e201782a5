"""A program's follow-up settings (issue 19): which questionnaires are due, the windows and
the rate target, changed by an admin like every setting (recorded, versioned, a 422 naming
the field), and followed by the coordinator's follow-ups page (both back ends)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, ProgramSettingChange
from mentormatch.programs.settings import FOLLOWUP_INSTRUMENTS
from tests.conftest import Actor
from tests.pairings.test_repair import signed_in
from tests.web.conftest import post_form
from tests.web.test_program_pages import settings_form, signed_in_admin

URL = f"/api/v1/programs/{DEFAULT_PROGRAM_ID}/settings"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _patch(client: TestClient, admin: Actor, **changes: object) -> object:
    version = client.get(URL, headers=admin.headers).json()["settings_version"]
    return client.patch(URL, json={"settings_version": version, **changes}, headers=admin.headers)


def test_the_defaults_are_samhsas_schedule(client: TestClient, admin: Actor) -> None:
    values = client.get(URL, headers=admin.headers).json()["values"]
    assert {k: v for k, v in values.items() if k.startswith("followup_")} == {
        "followup_baseline_instruments": ["barc10"],
        "followup_day_instruments": ["barc10"],
        "followup_yearly_instruments": ["barc10"],
        "followup_closeout_instruments": ["barc10"],
        "followup_baseline_days": 30,
        "followup_day": 180,
        "followup_tolerance_days": 30,
        "followup_yearly_tolerance_days": 30,
        "followup_closeout_days": 30,
        "followup_target_percent": 80,
    }


def test_windows_that_would_overlap_are_refused_naming_the_field(
    client: TestClient, db: Session, admin: Actor
) -> None:
    cases = [
        ({"followup_tolerance_days": 91}, "followup_tolerance_days", "at most half"),
        ({"followup_baseline_days": 150}, "followup_baseline_days", "before the follow-up"),
        ({"followup_yearly_tolerance_days": 160}, "followup_yearly_tolerance_days", "first year"),
        ({"followup_target_percent": 0}, "followup_target_percent", ""),
        ({"followup_target_percent": 101}, "followup_target_percent", ""),
        ({"followup_day": 400}, "followup_day", ""),
        (
            {name: [] for name in FOLLOWUP_INSTRUMENTS},
            "followup_baseline_instruments",
            "at least one window",
        ),
        (
            {"followup_closeout_instruments": ["gpra"]},
            "followup_closeout_instruments",
            "no questionnaire 'gpra'",
        ),
        ({"followup_day_instruments": ["Bad Code"]}, "followup_day_instruments", ""),
    ]
    for changes, field, words in cases:
        refused = _patch(client, admin, **changes)
        assert refused.status_code == 422, (changes, refused.text)  # type: ignore[attr-defined]
        assert field in refused.text and words in refused.text, refused.text  # type: ignore[attr-defined]
    assert db.scalar(select(ProgramSettingChange.id)) is None  # nothing half-written


def test_a_program_sets_its_own_windows_and_target_and_the_page_follows(
    app: FastAPI,
    client: TestClient,
    db: Session,
    admin: Actor,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
) -> None:
    app.state.clock = lambda: NOW
    done = _patch(
        client, admin, followup_day=90, followup_tolerance_days=14, followup_baseline_days=14,
        followup_target_percent=60,
    )  # fmt: skip
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]
    changed = db.scalars(select(ProgramSettingChange.name).order_by(ProgramSettingChange.name))
    assert list(changed) == [
        "followup_baseline_days", "followup_day", "followup_target_percent",
        "followup_tolerance_days",
    ]  # fmt: skip
    bo = make_newcomer(first_name="Bo")
    db.execute(
        update(Newcomer)
        .where(Newcomer.id == bo.newcomer_id)
        .values(created_at=NOW - timedelta(days=80))  # 3 months opens on day 76
    )
    db.commit()
    signed_in(client, db, coordinator.user_id)
    page = client.get("/coordinator/follow-ups").text
    rows = page.split('id="follow-ups"')[1]
    assert "3 months" in rows and "6 months" not in rows
    assert "0 overdue, 1 due now, 0 due soon, 1 missed." in page  # 14-day baseline missed
    assert "60 %" in page.split('id="rate-main"')[1].split("</tr>")[0]


def test_each_kind_of_window_has_its_own_questionnaires_and_one_with_none_is_not_followed(
    app: FastAPI,
    client: TestClient,
    db: Session,
    admin: Actor,
    coordinator: Actor,
    make_newcomer: Callable[..., Actor],
) -> None:
    app.state.clock = lambda: NOW
    scale = [{"value": v, "label": {"en": w}} for v, w in ((0, "No"), (1, "Yes"))]
    funder = {"code": "housing", "name": "Housing", "languages": ["en"], "scale": scale,
              "items": [{"code": "housed", "text": {"en": "I have stable housing."}}]}  # fmt: skip
    added = client.post("/api/v1/instruments", json=funder, headers=admin.headers)
    assert added.status_code == 201, added.text
    done = _patch(client, admin, followup_yearly_instruments=[],
                  followup_baseline_instruments=["barc10", "housing"])  # fmt: skip
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]
    cy = make_newcomer(first_name="Cy")
    db.execute(
        update(Newcomer)
        .where(Newcomer.id == cy.newcomer_id)
        .values(created_at=NOW - timedelta(days=370))  # the first year's day was 5 days ago
    )
    db.commit()
    app.state.clock = lambda: NOW - timedelta(days=365)  # answered BARC-10 at the baseline
    barc = {
        "instrument": "barc10",
        "answers": [{"item": f"q{n}", "value": 4} for n in range(1, 11)],
    }
    assert client.post("/api/v1/newcomers/me/assessments", json=barc,
                       headers=cy.headers).status_code == 201  # fmt: skip
    app.state.clock = lambda: NOW
    signed_in(client, db, coordinator.user_id)
    rows = client.get("/coordinator/follow-ups").text.split('id="follow-ups"')[1]
    assert "1 year" not in rows  # no questionnaire is due at the yearly follow-ups
    baseline = rows.split("<td>baseline</td>")[1].split("</tr>")[0]
    assert "missed" in baseline.lower()  # BARC-10 alone: the housing questions were due too


def test_the_admin_page_shows_and_checks_the_follow_up_settings(
    client: TestClient, db: Session
) -> None:
    signed_in_admin(client, db)
    url = f"/admin/programs/{DEFAULT_PROGRAM_ID}/settings"
    html = client.get(url).text
    assert 'id="followup_closeout_instruments-barc10" checked' in html
    form = settings_form(html)
    refused = post_form(client, url, url, form | {"followup_tolerance_days": "100"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert 'id="followup_tolerance_days-error"' in refused.text  # type: ignore[attr-defined]
    nothing = post_form(client, url, url, form | {n: [] for n in FOLLOWUP_INSTRUMENTS})
    assert 'id="followup_baseline_instruments-error"' in nothing.text  # type: ignore[attr-defined]
    saved = post_form(client, url, url, form | {"followup_closeout_days": "45"})
    assert saved.status_code == 303  # type: ignore[attr-defined]
    change = db.scalar(select(ProgramSettingChange))
    assert change is not None and (change.name, change.old, change.new) == (
        "followup_closeout_days", 30, 45,
    )  # fmt: skip
