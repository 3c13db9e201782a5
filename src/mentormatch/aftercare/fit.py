"""The first-meeting fit check: after the first logged contact, or `fit_check_days` after
the pairing began, its mentor and its newcomer are each asked once: a good fit, not sure
yet, or not a fit, with an optional word.

Each answers for themselves; only the program's coordinators read the answers and words
(each read audited). "Not a fit" from either side puts the pairing in front of a
coordinator (`pairings.attention`) with a one-click end that returns the newcomer to the
queue with their waiting time, to be asked another mentor, or a one-click keep when the
coordinator judges the pairing should go on; the system never ends or re-pairs on its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.aftercare import contacts
from mentormatch.aftercare.models import Contact, FitAnswer, FitCheck
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.decisions import record
from mentormatch.errors import Conflict, NotFound
from mentormatch.i18n import N_
from mentormatch.pairings import locking
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.programs import settings as program_settings

OBJECT = "pairing"
ANSWERED = "fit_check"
READ = "fit_checks"
KEPT = "fit_kept"


def awaiting_decision() -> ColumnElement[bool]:
    """A "not a fit" answer no coordinator has acted on yet (ending the pairing clears it
    too: only active pairings are listed)."""
    return and_(FitCheck.answer == FitAnswer.not_a_fit, FitCheck.kept_at.is_(None))


def side_of(actor: Principal) -> str:
    return "mentor" if actor.role is Role.mentor else "newcomer"


def due(session: Session, *, pairing: Pairing, settings: Settings, now: datetime) -> bool:
    """Whether the pairing's people are asked now: active, and a contact logged or
    `fit_check_days` since it began."""
    if pairing.status is not PairingStatus.active:
        return False
    if session.scalar(select(Contact.id).where(Contact.pairing_id == pairing.id).limit(1)):
        return True
    began = contacts.accepted_at(session, pairing.id)
    days = program_settings.of_program(session, pairing.program_id, settings).fit_check_days
    return began is not None and now >= began + timedelta(days=days)


def answer_of(session: Session, *, pairing_id: int, side: str) -> FitCheck | None:
    return session.scalar(
        select(FitCheck).where(FitCheck.pairing_id == pairing_id, FitCheck.side == side)
    )


def own_pairing(session: Session, *, actor: Principal) -> Pairing:
    """The newcomer's active pairing, or 404."""
    pairing = locking.open_pairing(
        session, actor.newcomer_id or 0, statuses=(PairingStatus.active,)
    )
    if pairing is None:
        raise NotFound(N_("you have no active pairing"), field="pairing")
    return pairing


def answer(
    session: Session,
    *,
    actor: Principal,
    pairing: Pairing,
    choice: FitAnswer,
    word: str | None,
    settings: Settings,
    now: datetime,
) -> FitCheck:
    """Record the actor's answer once (409 naming `status` if the pairing is no longer
    active, `answer` if not asked yet or already answered; commits)."""
    locked = locking.lock_row(session, Pairing, pairing.id)
    if locked is None or locked.status is not PairingStatus.active:
        raise Conflict(N_("the pairing is no longer active"), field="status")
    if not due(session, pairing=locked, settings=settings, now=now):
        raise Conflict(
            N_(
                "you are asked after your first logged contact, or a little while after the "
                "pairing began"
            ),
            field="answer",
        )
    check = FitCheck(
        pairing_id=locked.id,
        program_id=locked.program_id,
        side=side_of(actor),
        answer=choice,
        word=word or None,
        answered_at=now,
    )
    try:
        with session.begin_nested():
            session.add(check)
    except IntegrityError:
        session.rollback()
        raise Conflict(N_("you have already answered"), field="answer") from None
    audit.record(session, actor=actor, action=ANSWERED, object_type=OBJECT, object_id=locked.id)
    if choice is FitAnswer.not_a_fit:  # a lesson for the weights (decisions)
        record.decided(session, pairing=locked, kind="not_a_fit", reason="fit_check",
                       actor=actor, at=now)  # fmt: skip
    session.commit()
    return check


def read_answers(session: Session, *, actor: Principal, pairing: Pairing) -> list[FitCheck]:
    """Both sides' answers with their words, for the program's coordinators (audited)."""
    rows = list(
        session.scalars(
            select(FitCheck).where(FitCheck.pairing_id == pairing.id).order_by(FitCheck.id)
        )
    )
    audit.record_read(session, actor=actor, action=READ, object_type=OBJECT, object_id=pairing.id)
    return rows


def keep(session: Session, *, actor: Principal, pairing_id: int, now: datetime) -> None:
    """The coordinator keeps an active pairing found not a fit: its "not a fit" answers are
    marked kept, so it leaves the "Needs action" list (404 if not theirs to see; 409 naming
    `status` if no longer active, `answer` if no "not a fit" waits; commits)."""
    pairing = locking.lock_pairing(session, pairing_id, actor=actor)
    if pairing.status is not PairingStatus.active:
        raise Conflict(N_("the pairing is no longer active"), field="status")
    waiting = and_(FitCheck.pairing_id == pairing.id, awaiting_decision())
    if session.scalar(select(FitCheck.id).where(waiting).limit(1)) is None:
        raise Conflict(N_("no 'not a fit' answer waits for a decision"), field="answer")
    session.execute(
        update(FitCheck).where(waiting).values(kept_at=now, kept_by=actor.user_id),
        execution_options={"synchronize_session": False},
    )
    audit.record(session, actor=actor, action=KEPT, object_type=OBJECT, object_id=pairing.id)
    session.commit()


def newcomers_answers(session: Session, *, newcomer_id: int) -> list[FitCheck]:
    """The newcomer's own answers over all their pairings, oldest first (for their export)."""
    return list(
        session.scalars(
            select(FitCheck)
            .join(Pairing, Pairing.id == FitCheck.pairing_id)
            .where(Pairing.newcomer_id == newcomer_id, FitCheck.side == "newcomer")
            .order_by(FitCheck.id)
        )
    )
