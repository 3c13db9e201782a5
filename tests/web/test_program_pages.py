"""The admin's programs pages: list, create, rename, archive, coordinators, settings form and
its history (TestClient, both back ends)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program, ProgramSettingChange
from mentormatch.programs.settings import FOLLOWUP_INSTRUMENTS
from tests.factories import make_user
from tests.web.conftest import post_form
from tests.web.test_account_pages import sign_in_as

FIELD = re.compile(r'<input id="([^"]+)" name="[^"]+" type="(?:number|text)" [^>]*value="([^"]*)"')


def settings_form(html: str) -> dict[str, Any]:
    """What the settings form would send as it stands (text and number inputs, ticked boxes,
    the version and the notice)."""
    data: dict[str, Any] = {k: unescape(v) for k, v in FIELD.findall(html)}
    data["settings_version"] = re.search(r'name="settings_version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    for many in ("intake_languages", *FOLLOWUP_INSTRUMENTS):
        data[many] = re.findall(rf'name="{many}" value="([^"]+)"[^>]* checked', html)
    for flag in re.findall(r'name="([a-z_]+)" value="yes" checked', html):
        data[flag] = "yes"
    notice = re.search(r'<textarea id="crisis_notice"[^>]*>([^<]*)</textarea>', html)
    data["crisis_notice"] = unescape(notice.group(1)) if notice else ""
    return data


def signed_in_admin(client: TestClient, db: Session) -> None:
    sign_in_as(client, db, make_user(db, Role.admin))


def create(client: TestClient, slug: str = "circle", name: str = "Circle") -> Any:
    return post_form(client, "/admin/programs", "/admin/programs", {"slug": slug, "name": name})


class TestProgramPages:
    def test_the_admin_navigation_links_the_programs(self, client: TestClient, db: Session) -> None:
        signed_in_admin(client, db)
        assert 'href="/admin/programs"' in client.get("/admin").text

    def test_create_rename_archive_reopen(self, client: TestClient, db: Session) -> None:
        signed_in_admin(client, db)
        created = create(client)
        assert created.status_code == 303
        page_url = created.headers["location"].split("?")[0]
        assert "Program created" in client.get(created.headers["location"]).text
        listing = client.get("/admin/programs").text
        assert "2 programs" in listing and "/p/circle/" in listing
        renamed = post_form(client, page_url, f"{page_url}/name", {"name": "Women's circle"})
        assert renamed.status_code == 303
        assert "Women&#39;s circle" in client.get(page_url).text
        archived = post_form(client, page_url, f"{page_url}/archived", {"archived": "yes"})
        assert "Archived" in client.get(archived.headers["location"]).text
        post_form(client, page_url, f"{page_url}/archived", {"archived": "no"})
        program = db.scalars(select(Program).where(Program.slug == "circle")).one()
        db.refresh(program)
        assert (program.name, program.archived) == ("Women's circle", False)

    def test_mistakes_are_shown_by_their_field(self, client: TestClient, db: Session) -> None:
        signed_in_admin(client, db)
        taken = create(client, slug="main")
        assert taken.status_code == 409 and 'id="slug-error"' in taken.text
        bad = create(client, slug="Not OK", name="")
        assert bad.status_code == 422
        assert 'id="slug-error"' in bad.text and 'id="name-error"' in bad.text
        last = post_form(
            client, "/admin/programs/1", "/admin/programs/1/archived", {"archived": "yes"}
        )
        assert last.status_code == 409 and 'id="archived-error"' in last.text

    def test_add_and_remove_a_coordinator(self, client: TestClient, db: Session) -> None:
        kim = make_user(db, Role.coordinator, email="kim@example.org", programs=())
        mentor = make_user(db, Role.mentor)
        signed_in_admin(client, db)
        page = f"/admin/programs/{DEFAULT_PROGRAM_ID}"
        added = post_form(client, page, f"{page}/coordinators/add", {"user_id": str(kim.id)})
        assert added.status_code == 303
        assert 'id="coordinator-' + str(kim.id) in client.get(page).text
        refused = post_form(client, page, f"{page}/coordinators/add", {"user_id": str(mentor.id)})
        assert refused.status_code == 422 and 'id="user_id-error"' in refused.text
        removed = post_form(client, page, f"{page}/coordinators/remove", {"user_id": str(kim.id)})
        assert removed.status_code == 303
        assert 'id="coordinator-' + str(kim.id) not in client.get(page).text

    def test_a_missing_program_is_404(self, client: TestClient, db: Session) -> None:
        signed_in_admin(client, db)
        assert client.get("/admin/programs/2000000000").status_code == 404
        assert client.get("/admin/programs/2000000000/settings").status_code == 404

    def test_coordinators_may_not_open_them(self, client: TestClient, db: Session) -> None:
        sign_in_as(client, db, make_user(db, Role.coordinator))
        assert client.get("/admin/programs").status_code == 403


class TestSettingsPage:
    def test_every_setting_is_shown_with_its_state(self, client: TestClient, db: Session) -> None:
        signed_in_admin(client, db)
        html = client.get("/admin/programs/1/settings").text
        for name in ("weights.substance", "min_recovery_days", "crisis_resources.0.name"):
            assert f'id="{name}"' in html
        assert "A mentor&#39;s shortest time in recovery, in days" in html
        assert "Installation default" in html and "Program's own" not in html

    def test_saving_records_each_change_and_shows_it(self, client: TestClient, db: Session) -> None:
        signed_in_admin(client, db)
        url = "/admin/programs/1/settings"
        form = settings_form(client.get(url).text)
        old_days = form["min_recovery_days"]
        form |= {"min_recovery_days": "730", "weights.substance": "4.5"}
        form["crisis_resources.2.name"] = "Local warm line"
        form["crisis_resources.2.contact"] = "Weekdays 9-5"
        form["crisis_resources.2.links.0.label"] = "Call"
        form["crisis_resources.2.links.0.href"] = "tel:5551234"
        saved = post_form(client, url, url, form)
        assert saved.status_code == 303, saved.text
        page = client.get(saved.headers["location"]).text
        assert "3 changes recorded" in page
        assert "Program's own" in page and "Local warm line" in page
        rows = db.scalars(select(ProgramSettingChange).order_by(ProgramSettingChange.name)).all()
        assert [(r.name, r.old, r.new) for r in rows if r.name != "crisis_resources"] == [
            ("min_recovery_days", int(old_days), 730),
            ("weights.substance", 3.0, 4.5),
        ]
        # Saving the same form again changes nothing.
        again = settings_form(page)
        assert post_form(client, url, url, again).headers["location"].endswith("saved=0")

    def test_mistakes_are_shown_next_to_their_field(self, client: TestClient, db: Session) -> None:
        signed_in_admin(client, db)
        url = "/admin/programs/1/settings"
        form = settings_form(client.get(url).text)
        form |= {
            "weights.substance": "-1",
            "min_recovery_days": "٣",
            "crisis_resources.0.links.0.href": "javascript:alert(1)",
        }
        response = post_form(client, url, url, form)
        assert response.status_code == 422
        assert 'id="weights.substance-error"' in response.text
        assert 'id="min_recovery_days-error"' in response.text
        form["weights.substance"] = "2"
        form["min_recovery_days"] = "30"
        form["reminder_after_days"] = "40"
        response = post_form(client, url, url, form)
        assert response.status_code == 422
        assert 'id="crisis_resources.0.links.0.href-error"' in response.text
        assert 'id="error-summary"' in response.text
        # Rules across settings are checked once each setting holds on its own.
        form["crisis_resources.0.links.0.href"] = "tel:988"
        response = post_form(client, url, url, form)
        assert response.status_code == 422
        assert 'id="reminder_after_days-error"' in response.text
        assert db.scalar(select(ProgramSettingChange.id)) is None

    def test_a_stale_form_is_refused(self, client: TestClient, db: Session) -> None:
        signed_in_admin(client, db)
        url = "/admin/programs/1/settings"
        form = settings_form(client.get(url).text)
        first = post_form(client, url, url, form | {"capacity_cap": "4"})
        assert first.status_code == 303
        stale = post_form(client, url, url, form | {"capacity_cap": "5"})
        assert stale.status_code == 409 and 'id="settings_version-error"' in stale.text
