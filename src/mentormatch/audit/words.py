"""The audit trail in staff's words: what each action did, who did it, how it ended.

Codes stay in the table and the exports; pages show these words. An action missing here is
shown with its code's words ("mentor left" for `mentor_left`), never left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.audit.models import AuditEvent
from mentormatch.mentors.models import Mentor

# The admin's own actions on the trail (each view and export of it is recorded).
SEARCH = "audit_search"
EXPORT = "audit_export"
# A coordinator opened a record's trail.
TRAIL = "trail"
# Roles whose actor id is an account (`users.id`); a newcomer's is their record's id.
ACCOUNT_ROLES = frozenset({"admin", "coordinator", "mentor"})

ACTIONS: dict[str, str] = {
    "read": "opened it",
    "list": "saw it in a list",
    "create": "created it",
    "update": "changed it",
    "export": "downloaded the newcomer's data",
    "accesses": "viewed the newcomer's list of accesses",
    TRAIL: "viewed this trail",
    SEARCH: "searched the audit trail",
    EXPORT: "downloaded the audit trail",
    "suggest": "looked for mentors",
    "explain": "checked whether a mentor fits",
    "do_not_pair": "added a do-not-pair entry",
    "withdraw": "withdrew the request",
    "flag_urgent": "marked the request urgent",
    "complete_intake": "completed the intake",
    "erase": "erased the record",
    "urgent_contact": "recorded reaching out about an urgent request",
    "pairing_proposed": "proposed the pairing",
    "pairing_approved": "approved the pairing and asked the mentor",
    "pairing_rejected": "set the proposed pairing aside",
    "pairing_active": "accepted the pairing",
    "pairing_declined": "declined the pairing",
    "pairing_expired": "let the request expire unanswered",
    "pairing_withdrawn": "withdrew the pairing",
    "pairing_ended": "ended the pairing",
    "mentor_left": "ended it as the mentor left",
    "contacts": "read the contacts logged",
    "contact_logged": "logged a contact",
    "fit_check": "answered the fit check",
    "fit_checks": "read the fit check answers",
    "fit_kept": "kept the pairing after a 'not a fit'",
    "outcomes_export": "downloaded the program's outcome figures",
    "followups_export": "downloaded the program's questionnaires and follow-ups",
    "check_in": "checked in",
    "read_check_ins": "read the check-ins",
    "consent_changed": "changed what they share",
    "assessment": "recorded a questionnaire's answers",
    "read_assessments": "read the questionnaires' answers",
    "add_instrument": "added a questionnaire",
    "milestone_message": "sent a milestone-day note",
    "fit_check_reminder": "asked both, by email, whether it is a good fit",
    "propose": "ran a whole-pool proposal",
    "assign": "assigned mentors from a proposal",
    "cap_capacity": "lowered a mentor's capacity",
    "update_settings": "changed the program's settings",
    "save_columns": "saved how an import reads a file's columns",
    "forget_columns": "forgot a saved choice of columns for imports",
    "login": "signed in",
    "logout": "signed out",
    "authenticate": "used an unknown or expired sign-in",
    "change_password": "changed their password",
    "set_password": "chose a password",
    "set_password_invitation": "chose a password from an invitation",
    "set_password_reset": "chose a new password from a reset link",
    "password_reset_request": "asked for a password reset link",
    "password_reset_sent": "sent a password reset link",
}

ROLES: dict[str, str] = {
    "admin": "An administrator",
    "coordinator": "A coordinator",
    "mentor": "A mentor",
    "newcomer": "The newcomer",
    "system": "MentorMatch (automatic)",
    "anonymous": "Someone not signed in",
}

# What kind of record an event is about, for the admin's filter and table.
OBJECT_TYPES: dict[str, str] = {
    "newcomer": "Newcomer",
    "mentor": "Mentor",
    "pairing": "Pairing",
    "user": "Account",
    "program": "Program",
    "audit": "Audit trail",
    "page": "Page",
    "route": "API route",
    "token": "Sign-in token",
}

OUTCOMES: dict[str, str] = {
    "ok": "",
    "denied": "refused",
    "failed": "failed",
    "throttled": "refused: too many tries",
    "sent": "sent",
    "unknown": "no such account",
}


def action_words(action: str) -> str:
    """What an action did, in words (a refused request names the address asked for)."""
    if action in ACTIONS:
        return ACTIONS[action]
    method, _, path = action.partition(" ")
    if path.startswith("/"):
        return f"asked for {path}" if method == "GET" else f"sent {method} {path}"
    return action.replace("_", " ")


def outcome_words(outcome: str) -> str:
    """How it ended, in words ('' when it simply went through)."""
    return OUTCOMES.get(outcome, outcome.replace("_", " "))


def object_words(object_type: str) -> str:
    return OBJECT_TYPES.get(object_type, object_type.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class Entry:
    """One event as a page shows it."""

    id: int
    at: datetime
    who: str
    role: str
    did: str
    outcome: str
    object_type: str
    object_id: int | None
    kind: str


def emails(
    session: Session, rows: Iterable[Any], roles: Iterable[str] = ACCOUNT_ROLES
) -> dict[int, str]:
    """The email of each account acting in `rows` (events or their rows, of the given
    roles), by account id."""
    wanted = frozenset(roles)
    ids = {e.actor_id for e in rows if e.actor_id and e.actor_role in wanted}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def _mentors(session: Session, rows: Iterable[AuditEvent]) -> dict[int, str]:
    ids = {e.actor_id for e in rows if e.actor_id and e.actor_role == "mentor"}
    if not ids:
        return {}
    found = session.execute(
        select(Mentor.user_id, Mentor.first_name).where(Mentor.user_id.in_(ids))
    )
    return dict(found.all())


def entries(session: Session, rows: list[AuditEvent], *, viewer_id: int | None) -> list[Entry]:
    """Events in words. Staff show by the name a coordinator or admin may see: an account's
    email (the viewer's own as "You"), a mentor's first name; a newcomer by role only."""
    accounts = emails(session, rows, ("admin", "coordinator"))
    mentors = _mentors(session, rows)
    shown = []
    for e in rows:
        role = ROLES.get(e.actor_role, e.actor_role.capitalize())
        who = role
        if e.actor_id is not None and e.actor_role in ACCOUNT_ROLES:
            if e.actor_id == viewer_id:
                who = "You"
            else:
                names = mentors if e.actor_role == "mentor" else accounts
                who = names.get(e.actor_id, role)
        shown.append(
            Entry(
                id=e.id,
                at=e.at,
                who=who,
                role=role,
                did=action_words(e.action),
                outcome=outcome_words(e.outcome),
                object_type=object_words(e.object_type),
                object_id=e.object_id,
                kind="read" if e.action in READS else "change",
            )
        )
    return shown


# Actions that only read; every other action changed something (or tried to).
READS = frozenset(
    {
        *("read", "list", "search", "export", "suggest", "explain", "accesses", "contacts"),
        "fit_checks",
        "outcomes_export",
        "followups_export",
        "read_check_ins",
        "read_assessments",
        *("read_notes", "list_proposals", "list_left_out", TRAIL, SEARCH, EXPORT),
    }
)
