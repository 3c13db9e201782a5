"""Erasing a newcomer: their record goes, and the audit trail forgets them.

After an erasure no audit row is linked to the person or to any of their pairings, and no
row tells anything about their health: rows whose action itself says something about the
person (the crisis answer, `flag_urgent`, or any action not listed as neutral below) are
deleted; the others — who read or changed a record, and when — stay for the staff's
accountability, unlinked (no object id; where the person acted, no actor id and no client
address). One row remains about them: the erasure, with its time and the role who did it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from mentormatch.audit import service as audit
from mentormatch.audit.models import AuditEvent
from mentormatch.audit.service import Actor
from mentormatch.audit.words import TRAIL
from mentormatch.newcomers import urgent
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing, PairingStatus

OBJECT = "newcomer"
ERASE = "erase"

# Audit actions about a newcomer or a pairing that tell nothing about the person once the
# row is unlinked from them: who read, listed, changed or moved a record, and when.
NEUTRAL_ACTIONS = frozenset(
    {
        "create",
        "read",
        "list",
        "update",
        "export",
        "accesses",
        "contacts",
        TRAIL,
        "fit_checks",
        "suggest",
        "explain",
        "withdraw",
        "do_not_pair",
        "case_note",  # the notes themselves go with the record (cascade)
        "read_notes",
        "read_check_ins",  # the check-ins themselves go with the record (cascade)
        "consent_changed",  # the consents themselves go with the record (cascade)
        "read_assessments",  # the answers themselves go with the record (cascade)
        ERASE,
        *(f"pairing_{status.value}" for status in PairingStatus),
    }
)


def _about(newcomer_id: int, pairing_ids: list[int]) -> ColumnElement[bool]:
    return or_(
        and_(AuditEvent.object_type == OBJECT, AuditEvent.object_id == newcomer_id),
        and_(AuditEvent.object_type == "pairing", AuditEvent.object_id.in_(pairing_ids)),
    )


def forget_in_audit(session: Session, *, newcomer_id: int, pairing_ids: list[int]) -> None:
    """Delete the audit rows that reveal something about the person; unlink the rest."""
    about = _about(newcomer_id, pairing_ids)
    session.execute(
        delete(AuditEvent).where(about, AuditEvent.action.not_in(NEUTRAL_ACTIONS)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(AuditEvent).where(about).values(object_id=None),
        execution_options={"synchronize_session": False},
    )
    by_them = and_(AuditEvent.actor_role == OBJECT, AuditEvent.actor_id == newcomer_id)
    session.execute(
        update(AuditEvent).where(by_them).values(actor_id=None, client=None),
        execution_options={"synchronize_session": False},
    )


def erase(session: Session, *, newcomer: Newcomer, actor: Actor) -> None:
    """Erase the newcomer, their consents and pairings, and forget them in the audit trail.

    The caller commits. The erasure itself is recorded: when, by which role, which record.
    """
    newcomer_id = newcomer.id
    theirs = select(Pairing.id).where(Pairing.newcomer_id == newcomer_id)
    pairing_ids = list(session.scalars(theirs))
    session.delete(newcomer)
    session.flush()
    forget_in_audit(session, newcomer_id=newcomer_id, pairing_ids=pairing_ids)
    # Their urgent contacts and case notes go by cascade.
    urgent.forget_alerts(session, newcomer_id=newcomer_id)
    # The erasure row names the role only: no account id, no client address.
    role_only = RoleOnly(role=str(actor.role))
    audit.record(session, actor=role_only, action=ERASE, object_type=OBJECT, object_id=newcomer_id)


@dataclass(frozen=True, slots=True)
class RoleOnly:
    """An actor known by role alone."""

    role: str
    actor_id: int | None = None
