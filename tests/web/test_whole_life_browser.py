"""A pairing's whole life in headless Chromium, with axe-core on each new page: the mentor
accepts and sees the planned end; logs the first contact; both answer the fit check; the
pairing goes quiet, the job reminds the mentor and escalates, a coordinator sees it, and the
mentor's next contact clears it; the newcomer asks for milestone notes and reaches 90 days
(their page and their mentor's say so, and the note goes out); they start again with a new
date, which the mentor sees without the earlier one; and the pairing graduates at the end
of the program's six months, the newcomer congratulated.

The live server runs on the real clock, so the journey moves the pairing's past instead:
its acceptance and contacts are moved back as if the days had passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.accounts.principal import Principal
from mentormatch.aftercare import graduation, milestone_messages, quiet
from mentormatch.aftercare.models import Contact
from mentormatch.db import make_engine, utcnow
from mentormatch.mentors import service as mentors
from mentormatch.mentors.schemas import MentorCreate
from mentormatch.newcomers import service as newcomers
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.newcomers.schemas import NewcomerIntake
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.programs.models import DEFAULT_PROGRAM_ID
from tests.factories import PASSWORD, accept_invitation, intake_body, mentor_body
from tests.web.conftest import Live
from tests.web.test_browser import Checker, check, laptop, phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["check", "laptop", "phone"]  # fixtures shared with test_browser

MENTOR_EMAIL = "morgan@example.org"
CHICAGO = ZoneInfo("America/Chicago")  # the newcomer's zone (the example intake's)


@pytest.fixture
def database(live_server: Live) -> Iterator[Callable[[Callable[[Session], Any]], Any]]:
    """Run a function in a session on the live server's database, committed."""
    engine = make_engine(live_server.settings.database_url)

    def run(work: Callable[[Session], Any]) -> Any:
        with Session(engine) as session:
            result = work(session)
            session.commit()
            return result

    yield run
    engine.dispose()


def _asked(session: Session, live: Live) -> tuple[int, str]:
    """Kai's intake and a request to Morgan (a mentor of this journey's own): (pairing, link)."""
    staff = session.scalars(select(User).where(User.email == live.coordinator_email)).one()
    actor = Principal(
        Role.coordinator, user_id=staff.id, program_ids=frozenset((DEFAULT_PROGRAM_ID,))
    )
    body = MentorCreate.model_validate(
        mentor_body(email=MENTOR_EMAIL, first_name="Morgan", capacity=2)
    )
    mentor, _, _ = mentors.create_mentor(session, actor=actor, body=body, settings=live.settings)
    accept_invitation(session, MENTOR_EMAIL, PASSWORD)
    consent = intake_body()["consent"] | {"share_milestones": True}
    intake = NewcomerIntake.model_validate(
        intake_body(first_name="Kai", email="kai@example.org", consent=consent)
    )
    newcomer, token = newcomers.intake(session, body=intake, settings=live.settings)
    newcomer.status = NewcomerStatus.pending
    pairing = Pairing(
        program_id=DEFAULT_PROGRAM_ID,
        newcomer_id=newcomer.id,
        mentor_id=mentor.id,
        status=PairingStatus.approved,
        expires_at=utcnow() + timedelta(days=7),
    )
    pairing.events.append(
        PairingEvent(to_status="approved", actor_role="coordinator", reason="approved")
    )
    session.add(pairing)
    session.flush()
    return pairing.id, f"{live.url}/s/{token}"


def _days_pass(session: Session, pairing_id: int, days: int) -> None:
    """As if `days` had passed since the pairing began and its contacts were logged."""
    for event in session.scalars(select(PairingEvent).where(PairingEvent.pairing_id == pairing_id)):
        event.at -= timedelta(days=days)
    for contact in session.scalars(select(Contact).where(Contact.pairing_id == pairing_id)):
        contact.contacted_on -= timedelta(days=days)


def _log_contact(page: Page) -> None:
    page.fill("#contacted_on", page.locator("#contacted_on").get_attribute("max") or "")
    page.check("#mode-phone")
    page.select_option("#minutes", "30")
    page.click("button:has-text('Log this contact')")
    expect(page.locator("#logged")).to_contain_text("phone call")


def _body_of(session: Session, kind: MessageKind, recipient: str) -> str:
    found = session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.kind == kind, OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert found is not None, (kind, recipient)
    return str(found)


def test_a_pairing_s_whole_life(
    live_server: Live, database: Callable[..., Any], check: Checker, phone: Page, laptop: Page
) -> None:
    url = live_server.url
    settings = live_server.settings
    pairing_id, status_link = database(lambda s: _asked(s, live_server))

    # accepted: the mentor says yes and sees when the pairing is planned to end
    sign_in(laptop, live_server, MENTOR_EMAIL, PASSWORD)
    laptop.goto(f"{url}/mentor/pairings/{pairing_id}")
    laptop.click("button:has-text('Accept Kai')")
    expect(laptop.locator("[role=status]")).to_contain_text("request accepted")
    laptop.goto(f"{url}/mentor/pairings/{pairing_id}")
    expect(laptop.locator("#planned-end")).to_contain_text("Planned to end on")
    check(laptop, "mentor-pairing-planned-end")

    # first contact, then the fit check on both sides
    _log_contact(laptop)
    laptop.goto(f"{url}/mentor/pairings/{pairing_id}#fit")
    laptop.check("#answer-good_fit")
    laptop.click("#fit button:has-text('Send my answer')")
    expect(laptop.locator("#fit-answered")).to_contain_text("A good fit")
    phone.goto(status_link)
    expect(phone.locator("#planned-end")).to_contain_text("planned to run until")
    phone.check("#answer-good_fit")
    phone.click("#fit button:has-text('Send my answer')")
    expect(phone.locator("#fit-answered")).to_contain_text("A good fit")

    # quiet: 25 days without a contact; the mentor is reminded, the coordinators alerted
    database(lambda s: _days_pass(s, pairing_id, 25))
    report = database(lambda s: quiet.run(s, settings=settings, now=utcnow()))
    assert report.reminded >= 1 and report.escalated >= 1
    coordinator = laptop.context.browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[union-attr]
    desk = coordinator.new_page()
    sign_in(desk, live_server, live_server.coordinator_email, PASSWORD)
    desk.goto(url + "/coordinator/pairings?status=needs_action")
    expect(desk.locator("table.list tr", has_text="Kai")).to_contain_text("quiet")
    reminder = database(lambda s: _body_of(s, MessageKind.quiet_reminder, MENTOR_EMAIL))
    link = re.search(r"http\S+", reminder)
    assert link is not None
    laptop.goto(link.group(0))  # the reminder's link: straight to the contact form
    _log_contact(laptop)
    desk.reload()
    expect(desk.locator("table.list tr", has_text="Kai")).to_have_count(0)

    # a milestone: the newcomer asks for notes, and today they reach 90 days
    def ninety_days_ago(session: Session) -> None:
        today = utcnow().astimezone(CHICAGO).date()
        person = session.scalars(select(Newcomer).where(Newcomer.email == "kai@example.org"))
        person.one().recovery_start = today - timedelta(days=90)

    database(ninety_days_ago)
    phone.goto(url + "/status")
    phone.check("#sharing-milestone_messages")
    phone.click("button:has-text('Save what I share')")
    expect(phone.locator("#sharing-saved")).to_be_visible()
    expect(phone.locator("#milestones-today")).to_contain_text("Today is 90 days")
    check(phone, "status-milestone-sharing-phone")
    assert database(lambda s: milestone_messages.run(s, settings=settings, now=utcnow())) >= 1
    note = database(lambda s: _body_of(s, MessageKind.milestone_reached, "kai@example.org"))
    assert "90 days" not in note and "something to celebrate" in note
    laptop.goto(f"{url}/mentor/pairings/{pairing_id}")
    expect(laptop.locator("body")).to_contain_text("Today Kai reaches 90 days in recovery")

    # starting again: a new date, the earlier one kept for Kai alone
    restart = utcnow().astimezone(CHICAGO).date() - timedelta(days=10)
    phone.fill("#started_on", date.isoformat(restart))
    phone.click("button:has-text('Count from this date')")
    expect(phone.locator("#start-again-saved")).to_be_visible()
    expect(phone.locator("#earlier-dates li")).to_have_count(1)
    expect(phone.locator("#milestones-next")).to_contain_text("30 days")
    check(phone, "status-started-again-phone")
    laptop.reload()
    expect(laptop.locator("body")).to_contain_text("Kai's next milestone: 30 days")
    expect(laptop.locator("body")).not_to_contain_text("90 days")

    # the planned end: six months on, the pairing graduates and both are congratulated
    database(lambda s: _days_pass(s, pairing_id, 190))
    assert database(lambda s: graduation.run(s, settings=settings, now=utcnow())) >= 1
    phone.goto(url + "/status")
    expect(phone.locator("#graduated")).to_contain_text("You completed your planned time")
    check(phone, "status-graduated-phone")
    laptop.goto(f"{url}/mentor/pairings/{pairing_id}")
    expect(laptop.locator("#graduated")).to_contain_text("Kai completed the planned time with you")
    assert database(lambda s: _body_of(s, MessageKind.mentor_graduated, MENTOR_EMAIL))
    coordinator.close()
