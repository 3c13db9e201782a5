"""Matching an import's rows to the program's people: each checked row is matched by the
program's own id, then email, and what would change is listed; an id or email that points
at someone else, or a change an import may not make, is a problem of the row.

Nothing here writes: `import_.apply` writes a checked plan, all of it or none.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mentormatch.accounts.models import User, normalise_email
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.views import shares_with_mentor
from mentormatch.spreadsheets.checking import Plan, Problem, Row

# Fields compared when a row matches someone already in the program.
# (A mentor's email is their sign-in: never changed by an import; a newcomer's may be.)
NOT_COMPARED = {
    "mentors": frozenset({"email", "external_id", "program"}),
    "newcomers": frozenset({"external_id", "program", "shares_with_mentor"}),
}
SEVERAL = object()  # more than one newcomer of the program has this email


def _chunks(values: list[str], size: int = 2000) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def match_existing(session: Session, plan: Plan) -> None:
    """Match each row to the person it updates (by the program's id, then email) and list
    what would change; an email held by an account elsewhere is a problem."""
    by_id: dict[str, Any] = {}
    by_email: dict[str, Any] = {}
    accounts: dict[int, str] = {}  # a mentor's sign-in email by mentor id
    if plan.kind == "mentors":
        query = select(Mentor, User.email).join(User, User.id == Mentor.user_id)
        for mentor, account in session.execute(query.where(Mentor.program_id == plan.program.id)):
            accounts[mentor.id] = account
            by_email[account] = mentor
            if mentor.external_id:
                by_id[mentor.external_id] = mentor
        emails = [normalise_email(r.body.email) for r in plan.rows]  # type: ignore[attr-defined]
        taken = {
            e
            for chunk in _chunks(emails)
            for e in session.scalars(select(User.email).where(User.email.in_(chunk)))
        }
    else:
        for newcomer in session.scalars(
            select(Newcomer)
            .where(Newcomer.program_id == plan.program.id)
            .options(selectinload(Newcomer.consents))
        ):
            if newcomer.email:
                known = newcomer.email.casefold()
                by_email[known] = SEVERAL if known in by_email else newcomer
            if newcomer.external_id:
                by_id[newcomer.external_id] = newcomer
        taken = set()
    column_of = {f: h for h, f in zip(plan.headers, plan.fields, strict=True) if f}
    present = set(column_of) - NOT_COMPARED[plan.kind]
    kept = []
    for row in plan.rows:
        email = cast(str | None, getattr(row.body, "email", None))
        email_key: str | None = None
        if email:
            email_key = normalise_email(email) if plan.kind == "mentors" else email.casefold()
        found = by_id.get(row.external_id) if row.external_id else None
        other = by_email.get(email_key) if email_key else None
        problem = _match_problem(plan, row, found, other, email_key, taken, accounts)
        if problem:
            where = column_of.get("email") or column_of.get("external_id")
            plan.problems.append(Problem(row.number, where, problem))
            continue
        row.existing = found or other
        if row.existing is not None:
            row.changes = _changes(row, present)
        kept.append(row)
    plan.rows = kept


def _match_problem(
    plan: Plan,
    row: Row,
    found: Any,
    other: Any,
    email: str | None,
    taken: set[str],
    accounts: dict[int, str],
) -> str | None:
    if found is None and other is SEVERAL:
        return (
            "several newcomers of the program have this email: add the program's own id "
            "for this person (a Member ID column) so the import knows which one"
        )
    if other is SEVERAL:
        other = None
    if (
        plan.kind == "newcomers"
        and found is None
        and other is None
        and not (email or row.external_id)
    ):
        return (
            "a newcomer needs an email or an id of yours (a Member ID column), so that "
            "importing the file again does not add them twice"
        )
    if found is not None and other is not None and found is not other:
        return "this id and this email belong to two different people already in the program"
    existing = found or other
    if existing is None:
        if plan.kind == "mentors" and email in taken:
            return "an account with this email already exists (not a mentor of this program)"
        return None
    if row.external_id and existing.external_id and existing.external_id != row.external_id:
        known = existing.external_id
        return f"this email belongs to someone the program knows by another id ({known})"
    if plan.kind == "mentors" and email is not None and accounts[existing.id] != email:
        return "an import cannot change a mentor's sign-in email; change it in the mentor's account"
    if plan.kind == "newcomers" and existing.minimal:
        return (
            "this person sent an urgent request and completes it themself through their "
            "private link; leave this row out"
        )
    if (
        plan.kind == "newcomers"
        and "shares_with_mentor" in plan.fields
        and (row.shares_with_mentor != shares_with_mentor(existing))
    ):
        return (
            "an import cannot change what a newcomer agreed to share with a mentor; "
            "they change it themself"
        )
    return None


def _comparable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _changes(row: Row, present: set[str]) -> dict[str, Any]:
    new = row.body.model_dump(mode="json")
    changes = {
        name: new[name]
        for name in present
        if name in new and _comparable(getattr(row.existing, name, None)) != new[name]
    }
    if row.external_id and row.existing.external_id != row.external_id:
        changes["external_id"] = row.external_id
    if "recovery_start" in changes and changes["recovery_start"] is not None:
        changes["recovery_start"] = row.body.recovery_start  # type: ignore[attr-defined]
    return changes
