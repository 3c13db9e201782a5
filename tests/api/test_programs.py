"""The admin's programs API: create, rename, archive, coordinators, settings and their record."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.audit.models import AuditEvent
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, ProgramCoordinator
from tests.conftest import Actor
from tests.factories import bearer, make_user, token_for

API = "/api/v1/programs"


def create(client: TestClient, admin: Actor, slug: str = "circle", name: str = "Circle") -> int:
    response = client.post(API, json={"slug": slug, "name": name}, headers=admin.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def read_settings(client: TestClient, actor: Actor, program_id: int) -> dict[str, Any]:
    response = client.get(f"{API}/{program_id}/settings", headers=actor.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def patch_settings(
    client: TestClient, admin: Actor, program_id: int, version: int, **changes: Any
) -> Any:
    return client.patch(
        f"{API}/{program_id}/settings",
        json={"settings_version": version, **changes},
        headers=admin.headers,
    )


def field_at_fault(response: Any) -> str:
    """The field a 422 names: a broken rule's `field`, or a validation problem's place."""
    body = response.json()
    if body["type"] == "validation_error":
        return ".".join(str(part) for part in body["detail"][0]["loc"][1:])
    return str(body["field"])


class TestPrograms:
    def test_create_rename_archive_reopen(self, client: TestClient, admin: Actor) -> None:
        program_id = create(client, admin)
        listed = client.get(API, headers=admin.headers).json()
        assert listed["total"] == 2
        assert {(p["slug"], p["archived"]) for p in listed["items"]} == {
            ("main", False),
            ("circle", False),
        }
        renamed = client.patch(
            f"{API}/{program_id}", json={"name": "Women's circle"}, headers=admin.headers
        )
        assert renamed.json()["name"] == "Women's circle"
        archived = client.patch(
            f"{API}/{program_id}", json={"archived": True}, headers=admin.headers
        )
        assert archived.json()["archived"] is True
        # Archived programs take no public requests.
        assert client.get("/api/v1/vocabulary").status_code == 200
        reopened = client.patch(
            f"{API}/{program_id}", json={"archived": False}, headers=admin.headers
        )
        assert reopened.json()["archived"] is False

    def test_a_taken_slug_is_a_conflict_naming_it(self, client: TestClient, admin: Actor) -> None:
        response = client.post(API, json={"slug": "main", "name": "Again"}, headers=admin.headers)
        assert response.status_code == 409
        assert response.json()["field"] == "slug"

    def test_a_bad_slug_is_refused_naming_it(self, client: TestClient, admin: Actor) -> None:
        response = client.post(API, json={"slug": "Not A Slug", "name": "X"}, headers=admin.headers)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "slug"]

    def test_the_last_open_program_cannot_be_archived(
        self, client: TestClient, admin: Actor
    ) -> None:
        response = client.patch(
            f"{API}/{DEFAULT_PROGRAM_ID}", json={"archived": True}, headers=admin.headers
        )
        assert response.status_code == 409
        assert response.json()["field"] == "archived"
        assert (
            client.get(f"{API}/{DEFAULT_PROGRAM_ID}", headers=admin.headers).json()["archived"]
            is False
        )

    def test_list_pages_with_true_total(self, client: TestClient, admin: Actor) -> None:
        for n in range(3):
            create(client, admin, slug=f"p{n}", name=f"P{n}")
        page = client.get(API, params={"limit": 2, "offset": 2}, headers=admin.headers).json()
        assert (page["total"], len(page["items"]), page["offset"]) == (4, 2, 2)

    def test_changes_are_audited(self, client: TestClient, admin: Actor, db: Session) -> None:
        program_id = create(client, admin)
        client.patch(f"{API}/{program_id}", json={"name": "New"}, headers=admin.headers)
        actions = set(
            db.execute(
                select(AuditEvent.action, AuditEvent.actor_id).where(
                    AuditEvent.object_type == "program", AuditEvent.object_id == program_id
                )
            ).all()
        )
        assert {("create", admin.user_id), ("update", admin.user_id)} <= actions


class TestCoordinators:
    def test_assign_and_remove(self, client: TestClient, admin: Actor, db: Session) -> None:
        program_id = create(client, admin)
        kim = make_user(db, Role.coordinator, programs=())
        lee = make_user(db, Role.coordinator, programs=())
        db.commit()
        url = f"{API}/{program_id}/coordinators"
        both = client.put(url, json={"user_ids": [kim.id, lee.id]}, headers=admin.headers)
        assert sorted(u["id"] for u in both.json()) == sorted([kim.id, lee.id])
        assert (
            client.get(f"{API}/{program_id}", headers=admin.headers).json()["coordinator_count"]
            == 2
        )
        client.put(url, json={"user_ids": [lee.id]}, headers=admin.headers)
        assert [u["id"] for u in client.get(url, headers=admin.headers).json()] == [lee.id]

    def test_only_coordinator_accounts(self, client: TestClient, admin: Actor) -> None:
        program_id = create(client, admin)
        response = client.put(
            f"{API}/{program_id}/coordinators",
            json={"user_ids": [admin.user_id]},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert response.json()["field"] == "user_ids"

    def test_a_new_coordinator_joins_the_programs_named(
        self, client: TestClient, admin: Actor, db: Session
    ) -> None:
        program_id = create(client, admin)
        body = {"email": "new@example.org", "role": "coordinator", "programs": ["circle"]}
        created = client.post("/api/v1/users", json=body, headers=admin.headers)
        assert created.status_code == 201, created.text
        joined = db.scalars(
            select(ProgramCoordinator.program_id).where(
                ProgramCoordinator.user_id == created.json()["id"]
            )
        ).all()
        assert joined == [program_id]

    def test_an_unknown_program_is_refused_naming_programs(
        self, client: TestClient, admin: Actor
    ) -> None:
        body = {"email": "new@example.org", "role": "coordinator", "programs": ["nowhere"]}
        response = client.post("/api/v1/users", json=body, headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["field"] == "programs"
        as_admin = client.post(
            "/api/v1/users", json=body | {"role": "admin"}, headers=admin.headers
        )
        assert as_admin.status_code == 409
        assert as_admin.json()["field"] == "programs"
        # Nothing half-written: the email is still free.
        body["programs"] = ["main"]
        assert client.post("/api/v1/users", json=body, headers=admin.headers).status_code == 201


class TestSettings:
    def test_a_change_is_recorded_old_to_new_and_the_version_rises(
        self, client: TestClient, admin: Actor
    ) -> None:
        program_id = create(client, admin)
        before = read_settings(client, admin, program_id)
        assert before["own"] == []
        assert before["values"] == before["defaults"]
        old_days = before["values"]["min_recovery_days"]
        response = patch_settings(
            client,
            admin,
            program_id,
            before["settings_version"],
            min_recovery_days=730,
            weights={"substance": 5},
        )
        assert response.status_code == 200, response.text
        after = response.json()
        assert after["settings_version"] == before["settings_version"] + 1
        assert after["values"]["min_recovery_days"] == 730
        assert after["values"]["weights"]["substance"] == 5
        # The other criteria keep their weights.
        assert after["values"]["weights"]["schedule"] == before["values"]["weights"]["schedule"]
        assert sorted(after["own"]) == ["min_recovery_days", "weights"]
        changes = client.get(f"{API}/{program_id}/settings/changes", headers=admin.headers).json()
        assert changes["total"] == 2
        found = {c["name"]: (c["old"], c["new"], c["changed_by"]) for c in changes["items"]}
        assert found["min_recovery_days"][:2] == (old_days, 730)
        assert found["weights.substance"][:2] == (before["values"]["weights"]["substance"], 5)
        assert found["min_recovery_days"][2] is not None
        # The main program is untouched.
        main = read_settings(client, admin, DEFAULT_PROGRAM_ID)
        assert main["values"]["min_recovery_days"] == old_days

    def test_changes_list_newest_first(self, client: TestClient, admin: Actor) -> None:
        program_id = create(client, admin)
        assert patch_settings(client, admin, program_id, 1, capacity_cap=4).status_code == 200
        assert patch_settings(client, admin, program_id, 2, capacity_cap=5).status_code == 200
        items = client.get(f"{API}/{program_id}/settings/changes", headers=admin.headers).json()[
            "items"
        ]
        assert [(c["old"], c["new"]) for c in items] == [(4, 5), (10, 4)]

    def test_nothing_changed_writes_nothing(self, client: TestClient, admin: Actor) -> None:
        program_id = create(client, admin)
        same = read_settings(client, admin, program_id)["values"]["capacity_cap"]
        response = patch_settings(client, admin, program_id, 1, capacity_cap=same)
        assert response.json()["settings_version"] == 1
        changes = client.get(f"{API}/{program_id}/settings/changes", headers=admin.headers)
        assert changes.json()["total"] == 0

    def test_back_to_the_default(self, client: TestClient, admin: Actor) -> None:
        program_id = create(client, admin)
        patch_settings(client, admin, program_id, 1, min_recovery_days=30)
        response = patch_settings(client, admin, program_id, 2, min_recovery_days=None)
        body = response.json()
        assert body["own"] == []
        assert body["values"]["min_recovery_days"] == body["defaults"]["min_recovery_days"]

    def test_a_stale_version_is_a_conflict(self, client: TestClient, admin: Actor) -> None:
        program_id = create(client, admin)
        assert patch_settings(client, admin, program_id, 1, capacity_cap=3).status_code == 200
        stale = patch_settings(client, admin, program_id, 1, capacity_cap=4)
        assert stale.status_code == 409
        assert stale.json()["field"] == "settings_version"
        assert read_settings(client, admin, program_id)["values"]["capacity_cap"] == 3

    def test_invalid_values_name_the_field_and_change_nothing(
        self, client: TestClient, admin: Actor
    ) -> None:
        program_id = create(client, admin)
        cases = [
            ({"weights": {"substance": -1}}, "weights.substance"),
            ({"weights": {"nonsense": 1}}, "weights.nonsense"),
            ({"min_recovery_days": 99999}, "min_recovery_days"),
            ({"intake_languages": []}, "intake_languages"),
            ({"intake_languages": ["xx"]}, "intake_languages"),
            ({"reminder_after_days": 9, "request_expiry_days": 3}, "reminder_after_days"),
            (
                {
                    "crisis_resources": [
                        {
                            "name": "X",
                            "contact": "Y",
                            "links": [{"label": "L", "href": "javascript:x"}],
                        }
                    ]
                },
                "crisis_resources.0.links.0.href",
            ),
        ]
        for changes, field in cases:
            response = patch_settings(client, admin, program_id, 1, min_age=21, **changes)
            assert response.status_code == 422, (changes, response.text)
            assert field_at_fault(response) == field, response.text
        settings = read_settings(client, admin, program_id)
        assert (settings["settings_version"], settings["own"]) == (1, [])

    def test_an_unknown_setting_is_refused(self, client: TestClient, admin: Actor) -> None:
        program_id = create(client, admin)
        response = patch_settings(client, admin, program_id, 1, colour="blue")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "colour"]


class TestCoordinatorReadsSettings:
    def test_own_program_read_only_others_like_missing(
        self, client: TestClient, admin: Actor, coordinator: Actor
    ) -> None:
        other = create(client, admin)
        assert read_settings(client, coordinator, DEFAULT_PROGRAM_ID)["program_id"] == 1
        theirs = client.get(f"{API}/{other}/settings", headers=coordinator.headers)
        missing = client.get(f"{API}/2000000000/settings", headers=coordinator.headers)
        assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
        assert theirs.status_code == 404
        change = client.patch(
            f"{API}/{DEFAULT_PROGRAM_ID}/settings",
            json={"settings_version": 1, "capacity_cap": 2},
            headers=coordinator.headers,
        )
        assert change.status_code == 403
        assert client.get(API, headers=coordinator.headers).status_code == 403

    def test_assigned_coordinator_reads_the_new_program(
        self, client: TestClient, admin: Actor, db: Session
    ) -> None:
        program_id = create(client, admin)
        kim = make_user(db, Role.coordinator, programs=())
        headers = bearer(token_for(db, kim))
        db.commit()
        url = f"{API}/{program_id}/settings"
        assert client.get(url, headers=headers).status_code == 404
        client.put(
            f"{API}/{program_id}/coordinators", json={"user_ids": [kim.id]}, headers=admin.headers
        )
        assert client.get(url, headers=headers).status_code == 200
