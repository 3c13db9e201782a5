"""The audit trail in staff's words: what each action did, who did it, how it ended.

Codes stay in the table and the exports; pages show these words, translated where shown
(`|t`: they are marked `N_` for the catalog). An action missing here is shown by its code
with spaces ("quiet reminder" for `quiet_reminder`, English, marked so on the page), never left out.
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
from mentormatch.i18n import N_, said
from mentormatch.mentors.models import Mentor

# The admin's own actions on the trail (each view and export of it is recorded).
SEARCH = "audit_search"
EXPORT = "audit_export"
# A coordinator opened a record's trail.
TRAIL = "trail"
# Roles whose actor id is an account (`users.id`); a newcomer's is their record's id.
ACCOUNT_ROLES = frozenset({"admin", "coordinator", "mentor"})
# The viewer's own events.
YOU = N_("You")

ACTIONS: dict[str, str] = {
    "read": N_("opened it"),
    "list": N_("saw it in a list"),
    "create": N_("created it"),
    "update": N_("changed it"),
    "export": N_("downloaded the newcomer's data"),
    "accesses": N_("viewed the newcomer's list of accesses"),
    TRAIL: N_("viewed this trail"),
    SEARCH: N_("searched the audit trail"),
    EXPORT: N_("downloaded the audit trail"),
    "suggest": N_("looked for mentors"),
    "explain": N_("checked whether a mentor fits"),
    "do_not_pair": N_("added a do-not-pair entry"),
    "case_note": N_("wrote a case note"),
    "read_notes": N_("read the case notes"),
    "list_left_out": N_("saw them among those waiting with no proposed mentor"),
    "list_proposals": N_("saw it in the list of proposals"),
    "withdraw": N_("withdrew the request"),
    "flag_urgent": N_("marked the request urgent"),
    "complete_intake": N_("completed the intake"),
    "erase": N_("erased the record"),
    "urgent_contact": N_("recorded reaching out about an urgent request"),
    "pairing_proposed": N_("proposed the pairing"),
    "pairing_approved": N_("approved the pairing and asked the mentor"),
    "pairing_rejected": N_("set the proposed pairing aside"),
    "pairing_active": N_("accepted the pairing"),
    "pairing_declined": N_("declined the pairing"),
    "pairing_expired": N_("let the request expire unanswered"),
    "pairing_withdrawn": N_("withdrew the pairing"),
    "pairing_ended": N_("ended the pairing"),
    "mentor_left": N_("ended it as the mentor left"),
    "contacts": N_("read the contacts logged"),
    "contact_logged": N_("logged a contact"),
    "fit_check": N_("answered the fit check"),
    "fit_checks": N_("read the fit check answers"),
    "fit_kept": N_("kept the pairing after a 'not a fit'"),
    "outcomes_export": N_("downloaded the program's outcome figures"),
    "followups_export": N_("downloaded the program's questionnaires and follow-ups"),
    "check_in": N_("checked in"),
    "read_check_ins": N_("read the check-ins"),
    "consent_changed": N_("changed what they share"),
    "assessment": N_("recorded a questionnaire's answers"),
    "read_assessments": N_("read the questionnaires' answers"),
    "add_instrument": N_("added a questionnaire"),
    "milestone_message": N_("sent a milestone-day note"),
    "followup_reminder": N_("sent a follow-up questionnaire reminder"),
    "new_episode": N_("reopened a closed request as a new episode of care"),
    "fit_check_reminder": N_("asked both, by email, whether it is a good fit"),
    "propose": N_("ran a whole-pool proposal"),
    "assign": N_("assigned mentors from a proposal"),
    "cap_capacity": N_("lowered a mentor's capacity"),
    "update_settings": N_("changed the program's settings"),
    "propose_weights": N_("had criterion weights learned from decisions"),
    "adopt_weights": N_("adopted learned criterion weights"),
    "dismiss_weights": N_("dismissed learned criterion weights"),
    "save_columns": N_("saved how an import reads a file's columns"),
    "forget_columns": N_("forgot a saved choice of columns for imports"),
    "login": N_("signed in"),
    "logout": N_("signed out"),
    "authenticate": N_("used an unknown or expired sign-in"),
    "change_password": N_("changed their password"),
    "set_password": N_("chose a password"),
    "set_password_invitation": N_("chose a password from an invitation"),
    "set_password_reset": N_("chose a new password from a reset link"),
    "password_reset_request": N_("asked for a password reset link"),
    "password_reset_sent": N_("sent a password reset link"),
}

ROLES: dict[str, str] = {
    "admin": N_("An administrator"),
    "coordinator": N_("A coordinator"),
    "mentor": N_("A mentor"),
    "newcomer": N_("The newcomer"),
    "system": N_("MentorMatch (automatic)"),
    "anonymous": N_("Someone not signed in"),
}

# What kind of record an event is about, for the admin's filter and table.
OBJECT_TYPES: dict[str, str] = {
    "newcomer": N_("Newcomer"),
    "mentor": N_("Mentor"),
    "pairing": N_("Pairing"),
    "user": N_("Account"),
    "program": N_("Program"),
    "audit": N_("Audit trail"),
    "page": N_("Page"),
    "route": N_("API route"),
    "token": N_("Sign-in token"),
}

OUTCOMES: dict[str, str] = {
    "ok": "",
    "denied": N_("refused"),
    "failed": N_("failed"),
    "throttled": N_("refused: too many tries"),
    "sent": N_("sent"),
    "unknown": N_("no such account"),
}


def action_words(action: str) -> str:
    """What an action did, in words (a refused request names the address asked for)."""
    if action in ACTIONS:
        return ACTIONS[action]
    method, _, path = action.partition(" ")
    if path.startswith("/"):
        if method == "GET":
            return said("asked for %(path)s", path=path)
        return said("sent %(method)s %(path)s", method=method, path=path)
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
                who = YOU
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
