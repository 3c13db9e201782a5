"""Urgent cases: the coordinators' alert, the record of each attempt to reach the person,
and which cases still wait for someone to reach them.

A crisis intake (the full intake with the danger answer, or the minimal urgent request)
enqueues one outbox message per active coordinator in the intake's own transaction: a
link to the newcomer's page and nothing else (no answer, no health detail). So does a
later change that opens a case (a coordinator marks an existing newcomer urgent, or
reopens an urgent one), once per case opened. A coordinator
records each attempt to reach the person (`UrgentContact`): who, when, the outcome and an
optional note. The case is handled once an attempt that reached the person (`reached`,
`referred` or `other`) is recorded with `handled`; until then it waits, counted from the
intake — an unanswered call does not restart the clock, since the person is still not
reached (the last attempt is shown beside it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Enum,
    ForeignKey,
    Select,
    Text,
    delete,
    exists,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from mentormatch.accounts.models import Role, User
from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import Base, UTCDateTime, utcnow
from mentormatch.error_words import lowered
from mentormatch.errors import Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.newcomers.minimal import URGENT_CONTACT
from mentormatch.newcomers.models import Consent, Newcomer, NewcomerStatus
from mentormatch.pairings import outbox
from mentormatch.programs import scope
from mentormatch.programs.models import ProgramCoordinator

OBJECT = "newcomer"
ACTION = "urgent_contact"
NOTE_MAX = 2000


class Outcome(enum.StrEnum):
    reached = "reached"  # spoke with them
    no_answer = "no_answer"
    left_message = "left_message"
    referred = "referred"  # referred to a crisis line or emergency services
    other = "other"


OUTCOME_LABELS: Final = {
    Outcome.reached: N_("Reached them"),
    Outcome.no_answer: N_("No answer"),
    Outcome.left_message: N_("Left a message"),
    Outcome.referred: N_("Referred to a crisis line or emergency services"),
    Outcome.other: N_("Other"),
}
# Attempts that did not reach the person cannot close the case.
NOT_REACHED: Final = frozenset({Outcome.no_answer, Outcome.left_message})


def handled_by_default(outcome: Outcome) -> bool:
    """The form's checkbox starts ticked for `reached` only: the coordinator decides."""
    return outcome is Outcome.reached


class UrgentContact(Base):
    """One attempt by a coordinator to reach a newcomer in an urgent case."""

    __tablename__ = "urgent_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomers.id", ondelete="CASCADE"), index=True
    )
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[Outcome] = mapped_column(
        Enum(Outcome, name="urgent_outcome", native_enum=False, length=20)
    )
    handled: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")


def alert_coordinators(session: Session, *, newcomer: Newcomer, settings: Settings) -> int:
    """One message per active coordinator of the newcomer's program, in the caller's
    transaction: a link, no answers."""
    emails = session.execute(
        select(User.email, User.interface_language)
        .join(ProgramCoordinator, ProgramCoordinator.user_id == User.id)
        .where(
            ProgramCoordinator.program_id == newcomer.program_id,
            User.role == Role.coordinator,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    ).all()
    link = f"{settings.public_base_url}/coordinator/newcomers/{newcomer.id}"
    for email, language in emails:
        outbox.enqueue(
            session,
            kind=outbox.MessageKind.urgent_intake,
            recipient=email,
            link=link,
            program_id=newcomer.program_id,
            language=language,  # each coordinator's own (issue 18)
        )
    return len(emails)


def forget_alerts(session: Session, *, newcomer_id: int) -> None:
    """Erasure: the alerts naming this newcomer's page go too (they tell the id was urgent)."""
    session.execute(
        delete(outbox.OutboxMessage).where(
            outbox.OutboxMessage.kind == outbox.MessageKind.urgent_intake,
            outbox.OutboxMessage.body.like(f"%/coordinator/newcomers/{newcomer_id}\n%"),
        ),
        execution_options={"synchronize_session": False},
    )


def record_contact(
    session: Session,
    *,
    actor: Principal,
    newcomer_id: int,
    outcome: Outcome,
    note: str,
    handled: bool | None,
    now: datetime,
) -> UrgentContact:
    """Record an attempt to reach the newcomer (audited; the caller commits)."""
    newcomer = session.get(Newcomer, newcomer_id)
    if newcomer is None:
        raise NotFound(N_("no such newcomer"))
    scope.ensure_visible(actor, newcomer.program_id, N_("no such newcomer"))
    if handled is None:
        handled = handled_by_default(outcome)
    if handled and outcome in NOT_REACHED:
        raise Invalid(
            said(
                "handled: a case is handled once the person was reached, not after '%(outcome)s'",
                outcome=lowered(OUTCOME_LABELS[outcome]),
            ),
            field="handled",
        )
    contact = UrgentContact(
        newcomer_id=newcomer_id,
        coordinator_id=actor.user_id,
        contacted_at=now,
        outcome=outcome,
        handled=handled,
        note=note,
    )
    session.add(contact)
    session.flush()
    audit.record(session, actor=actor, action=ACTION, object_type=OBJECT, object_id=newcomer_id)
    return contact


def open_case(session: Session, *, newcomer: Newcomer, now: datetime, settings: Settings) -> bool:
    """A new urgent case from `now` (a danger answer after intake): attempts recorded before
    it do not handle it, and the coordinators are alerted as at a crisis intake. Nothing
    changes while a case is open already. Whether a case was opened."""
    if case_open(session, newcomer.id):
        return False
    start_case(session, newcomer=newcomer, now=now)
    return alert_if_opened(session, newcomer=newcomer, was_open=False, settings=settings)


def start_case(session: Session, *, newcomer: Newcomer, now: datetime) -> None:
    """Mark the newcomer urgent with a case waiting from `now`: the attempts recorded before
    belong to earlier cases and do not handle it. No alert (the caller decides)."""
    newcomer.urgent = True
    newcomer.urgent_since = now
    newcomer.urgent_case_after = (
        session.scalar(
            select(func.max(UrgentContact.id)).where(UrgentContact.newcomer_id == newcomer.id)
        )
        or 0
    )
    session.flush()


def case_since(newcomer: Newcomer) -> datetime:
    """When the current case opened: a danger answer after intake, else the intake."""
    return newcomer.urgent_since or newcomer.created_at


def current_contacts(newcomer: Newcomer, contacts: list[UrgentContact]) -> list[UrgentContact]:
    """The attempts of the current case (those recorded after it opened)."""
    return [c for c in contacts if c.id > newcomer.urgent_case_after]


def contacts_of(session: Session, newcomer_id: int) -> list[UrgentContact]:
    """Every recorded attempt for this newcomer, oldest first."""
    return list(
        session.scalars(
            select(UrgentContact)
            .where(UrgentContact.newcomer_id == newcomer_id)
            .order_by(UrgentContact.contacted_at, UrgentContact.id)
        )
    )


def is_handled(contacts: list[UrgentContact]) -> bool:
    return any(c.handled for c in contacts)


def consented_to_urgent_contact(newcomer: Newcomer) -> Consent | None:
    """The consent to be contacted urgently (sending a minimal request), if given."""
    return next((c for c in newcomer.consents if URGENT_CONTACT in c.scope), None)


def coordinator_names(session: Session, contacts: list[UrgentContact]) -> dict[int, str]:
    """Who recorded each attempt (their account's email), by account id."""
    ids = {c.coordinator_id for c in contacts if c.coordinator_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


@dataclass(frozen=True, slots=True)
class OpenCase:
    """An urgent newcomer nobody has reached yet, and for how long they have waited."""

    newcomer_id: int
    reference: str
    first_name: str
    since: datetime
    waited_seconds: int
    attempts: int
    last_attempt_at: datetime | None
    last_outcome: Outcome | None


def _is_open() -> tuple[ColumnElement[bool], ...]:
    """The one definition of an open case: urgent, not closed, and no attempt recorded in
    the current case (after `urgent_case_after`) handled it."""
    handled = exists().where(
        UrgentContact.newcomer_id == Newcomer.id,
        UrgentContact.handled.is_(True),
        UrgentContact.id > Newcomer.urgent_case_after,
    )
    return (Newcomer.urgent.is_(True), Newcomer.status != NewcomerStatus.closed, ~handled)


def _open_query(actor: Principal) -> Select[Newcomer]:
    return select(Newcomer).where(scope.where(actor, Newcomer.program_id), *_is_open())


def case_open(session: Session, newcomer_id: int) -> bool:
    """Whether this newcomer's urgent case is open now (pending changes flushed first)."""
    query = select(Newcomer.id).where(Newcomer.id == newcomer_id, *_is_open())
    return session.scalar(query) is not None


def alert_if_opened(
    session: Session, *, newcomer: Newcomer, was_open: bool, settings: Settings
) -> bool:
    """After a change to an existing newcomer (flagged urgent, or reopened while urgent):
    the intake's alert, once, when the change opened a case that was not open before."""
    if was_open or not case_open(session, newcomer.id):
        return False
    alert_coordinators(session, newcomer=newcomer, settings=settings)
    return True


def open_cases(
    session: Session, *, actor: Principal, now: datetime, limit: int | None = None
) -> list[OpenCase]:
    """The actor's programs' unhandled urgent cases, longest waiting (since the case opened)
    first."""
    opened = func.coalesce(Newcomer.urgent_since, Newcomer.created_at)
    query = _open_query(actor).order_by(opened, Newcomer.id)
    newcomers = list(session.scalars(query.limit(limit) if limit else query))
    attempts: dict[int, list[UrgentContact]] = {n.id: [] for n in newcomers}
    if newcomers:
        rows = session.scalars(
            select(UrgentContact)
            .where(UrgentContact.newcomer_id.in_(attempts))
            .order_by(UrgentContact.contacted_at, UrgentContact.id)
        )
        for contact in rows:
            attempts[contact.newcomer_id].append(contact)
    cases = []
    for n in newcomers:
        tried = current_contacts(n, attempts[n.id])
        since = case_since(n)
        cases.append(
            OpenCase(
                newcomer_id=n.id,
                reference=n.reference,
                first_name=n.first_name,
                since=since,
                waited_seconds=max(int((now - since).total_seconds()), 0),
                attempts=len(tried),
                last_attempt_at=tried[-1].contacted_at if tried else None,
                last_outcome=tried[-1].outcome if tried else None,
            )
        )
    return cases


def count_open(session: Session, actor: Principal) -> int:
    return session.scalar(select(func.count()).select_from(_open_query(actor).subquery())) or 0


def case_context(session: Session, newcomer: Newcomer) -> dict[str, Any]:
    """What the newcomer's page shows about reaching them (coordinators only)."""
    contacts = contacts_of(session, newcomer.id)
    return {
        "contacts": contacts,
        "contact_by": coordinator_names(session, contacts),
        "handled": is_handled(current_contacts(newcomer, contacts)),
        "urgent_consent": consented_to_urgent_contact(newcomer),
        "outcomes": OUTCOME_LABELS,
    }


def open_context(session: Session, *, actor: Principal, now: datetime) -> dict[str, Any]:
    """What the queue and the dashboard show of the open urgent cases (all of them)."""
    return {
        "open_cases": open_cases(session, actor=actor, now=now),
        "now": now,
        "outcomes": OUTCOME_LABELS,
    }
