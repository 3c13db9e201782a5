"""The accounting of accesses: who read or changed a newcomer's record, and when.

Built from the audit trail (HIPAA §164.528, 42 CFR §2.24): every audit row about the
newcomer's record or one of their pairings, newest first, with its true total. Staff
appear by role only, never by name, email or account id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from mentormatch.audit import trail
from mentormatch.audit.models import AuditEvent
from mentormatch.audit.words import READS
from mentormatch.i18n import N_
from mentormatch.newcomers.models import Newcomer
from mentormatch.newcomers.schemas import Access
from mentormatch.pairings.models import Pairing

# What each role is called on the newcomer's own page.
ROLE_LABELS = {
    "newcomer": N_("You"),
    "coordinator": N_("A coordinator"),
    "mentor": N_("A mentor"),
    "admin": N_("An administrator"),
    "system": N_("MentorMatch (automatic)"),
}

# What each audit action did, in the newcomer's words. An action missing here is shown by
# its code, never left out.
ACTION_LABELS = {
    ("newcomer", "create"): N_("created your record"),
    ("newcomer", "flag_urgent"): N_("marked your request urgent"),
    ("newcomer", "urgent_contact"): N_("noted reaching out to you about your urgent request"),
    ("newcomer", "complete_intake"): N_("completed your intake"),
    ("newcomer", "read"): N_("viewed your record"),
    ("newcomer", "update"): N_("changed your record"),
    ("newcomer", "export"): N_("downloaded your data"),
    ("newcomer", "accesses"): N_("viewed this list of accesses"),
    ("newcomer", "trail"): N_("viewed who has seen or changed your record"),
    ("newcomer", "suggest"): N_("looked for mentors for you"),
    ("newcomer", "explain"): N_("checked whether a mentor fits you"),
    ("newcomer", "do_not_pair"): N_("noted a mentor you must not be paired with"),
    ("newcomer", "withdraw"): N_("withdrew your request"),
    ("newcomer", "case_note"): N_("wrote a note on your case"),
    ("newcomer", "read_notes"): N_("read the notes on your case"),
    ("newcomer", "list_left_out"): N_("saw you among those waiting with no proposed mentor"),
    ("newcomer", "consent_changed"): N_("changed what you share"),
    ("newcomer", "milestone_message"): N_("sent you a milestone-day note"),
    ("newcomer", "followup_reminder"): N_("sent you a reminder of a questionnaire"),
    ("newcomer", "new_episode"): N_("reopened your request when you came back"),
    ("newcomer", "check_in"): N_("checked in"),
    ("newcomer", "read_check_ins"): N_("read your check-ins"),
    ("newcomer", "assessment"): N_("recorded your answers to a questionnaire"),
    ("newcomer", "read_assessments"): N_("read your questionnaires"),
    ("pairing", "read"): N_("viewed a pairing request about you"),
    ("pairing", "list"): N_("saw a pairing request about you in their inbox"),
    ("pairing", "list_proposals"): N_("saw a mentor proposed for you in the list of proposals"),
    ("pairing", "pairing_proposed"): N_("proposed a mentor for you"),
    ("pairing", "pairing_approved"): N_("approved a mentor and asked them"),
    ("pairing", "pairing_rejected"): N_("set a proposed mentor aside"),
    ("pairing", "pairing_active"): N_("accepted to be your mentor"),
    ("pairing", "pairing_declined"): N_("declined the request"),
    ("pairing", "pairing_expired"): N_("let the request expire unanswered"),
    ("pairing", "pairing_withdrawn"): N_("withdrew a pairing"),
    ("pairing", "pairing_ended"): N_("ended a pairing"),
    ("pairing", "contact_logged"): N_("noted a day you and your mentor were in touch"),
    ("pairing", "contacts"): N_("looked at the days you and your mentor were in touch"),
    ("pairing", "quiet_reminder"): N_("reminded your mentor to keep in touch"),
    ("pairing", "quiet_escalation"): N_("asked a coordinator to check in on your pairing"),
    ("pairing", "fit_check"): N_("answered whether the pairing is a good fit"),
    ("pairing", "fit_checks"): N_("read the answers to whether the pairing is a good fit"),
    ("pairing", "fit_kept"): N_("decided your pairing goes on after a 'not a fit' answer"),
    ("pairing", "fit_check_reminder"): N_("asked you and your mentor whether it is a good fit"),
}


def about(session: Session, newcomer: Newcomer) -> ColumnElement[bool]:
    """Audit rows about this newcomer's record or any of their pairings, since it was created
    (an id an older, erased record once had never brings that record's rows along).

    The pairings' ids are read first and named in the condition: with a subquery there,
    PostgreSQL read the trail by time from the record's creation on (1.5 s in a trail of a
    million events) instead of the few rows the object index finds (docs/benchmarks.md)."""
    pairing_ids = list(
        session.scalars(select(Pairing.id).where(Pairing.newcomer_id == newcomer.id))
    )
    return and_(
        AuditEvent.at >= newcomer.created_at,
        or_(
            and_(AuditEvent.object_type == "newcomer", AuditEvent.object_id == newcomer.id),
            and_(AuditEvent.object_type == "pairing", AuditEvent.object_id.in_(pairing_ids)),
        ),
    )


def pairing_numbers(session: Session, *, newcomer: Newcomer) -> dict[int, int]:
    """Each of the newcomer's pairings by id -> its number in their own history (1, 2…):
    how the newcomer sees a pairing, without a row id that counts other people's."""
    ids = session.scalars(
        select(Pairing.id).where(Pairing.newcomer_id == newcomer.id).order_by(Pairing.id)
    )
    return {pairing_id: n for n, pairing_id in enumerate(ids, start=1)}


def _access(event: AuditEvent, numbers: dict[int, int]) -> Access:
    label = ACTION_LABELS.get((event.object_type, event.action), event.action)
    return Access(
        at=event.at,
        role=event.actor_role,
        kind="read" if event.action in READS else "change",
        action=event.action,
        description=label,
        pairing=numbers.get(event.object_id or 0) if event.object_type == "pairing" else None,
        outcome=event.outcome,
    )


def count(session: Session, *, newcomer: Newcomer, as_of: datetime) -> int:
    """How many reads and changes of the newcomer's record the audit trail holds."""
    return trail.count(session, where=about(session, newcomer), as_of=as_of)


def accesses(
    session: Session, *, newcomer: Newcomer, as_of: datetime, limit: int | None, offset: int = 0
) -> tuple[list[Access], int]:
    """A page of the accounting up to `as_of`, newest first, and its total (`limit=None`: all).

    Pages read with the same `as_of` stay put while new accesses (reading the list is one)
    are recorded.
    """
    rows, total = trail.page(
        session, where=about(session, newcomer), as_of=as_of, limit=limit, offset=offset
    )
    numbers = pairing_numbers(session, newcomer=newcomer)
    return [_access(e, numbers) for e in rows], total
