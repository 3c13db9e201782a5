"""Importing mentors or newcomers from a spreadsheet: every valid row or nothing.

`check` reads the file within its limits and builds a `Plan` (who is new, who changes,
who is as before, and every problem); `apply` writes a plan without problems in one
transaction. A file holding any problem writes nothing: the coordinator fixes it and
imports it again. Matching is by the program's own id for the person (`external_id`),
then by email, so importing the same file twice changes nothing and an edited file
updates the people it names (audited `update`, as an edit through the API is).

New mentors get an account without a password and an invitation link to choose one
(`accounts.service.invite`), as when a coordinator registers one. New newcomers carry a
consent recorded as entered by a coordinator on the person's behalf: the importer's
account id and the file's name (`Consent.entered_by`, `Consent.source`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mentormatch.accounts import passwords
from mentormatch.accounts.models import Role, TokenPurpose, User, normalise_email
from mentormatch.accounts.principal import Principal
from mentormatch.accounts.security import NEWCOMER_TOKEN_PREFIX, UNUSABLE_PASSWORD, new_token
from mentormatch.audit.models import AuditEvent
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.errors import Conflict, Invalid
from mentormatch.i18n import N_, said
from mentormatch.mentors import capacity
from mentormatch.mentors.models import Mentor
from mentormatch.mentors.schemas import MentorCreate
from mentormatch.newcomers import pathways
from mentormatch.newcomers.minimal import consent_scope
from mentormatch.newcomers.models import Consent, Newcomer
from mentormatch.newcomers.schemas import NewcomerIntake
from mentormatch.programs import service as programs
from mentormatch.programs.models import Program
from mentormatch.spreadsheets import mappings
from mentormatch.spreadsheets.checking import (
    Plan,
    Problem,
    choose_fields,
    file_problems,
    read_rows,
)
from mentormatch.spreadsheets.files import Table as Rows
from mentormatch.spreadsheets.files import read_table
from mentormatch.spreadsheets.matching_rows import match_existing

KINDS = ("mentors", "newcomers")
OBJECT = {"mentors": "mentor", "newcomers": "newcomer"}
_AUDIT = insert(cast(Table, AuditEvent.__table__))


@dataclass(frozen=True)
class Outcome:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged"


def program_for(session: Session, actor: Principal, slug: str | None) -> Program:
    """The program imported into: the one named among the actor's open programs, or their
    only one (the same rule as registering one mentor)."""
    return programs.for_new_mentor(session, actor, slug)


def check(
    session: Session,
    *,
    kind: str,
    program: Program,
    content: bytes,
    filename: str,
    chosen: dict[str, str] | None,
    settings: Settings,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Read and check a file (writes nothing); 422 naming `file` when it cannot be read.
    `chosen`: the field for each column header; None, the program's saved choice for files
    with these headers (`mappings`), if any. `progress(checked, total)` hears how far the
    check of the rows is, now and then."""
    if kind not in KINDS:
        raise Invalid(N_("kind: import mentors or newcomers"), field="kind")
    table = _read(content, filename, settings)
    headers = _headers(table)
    if chosen is None:
        chosen = mappings.saved(session, program_id=program.id, kind=kind, headers=headers)
    fields = choose_fields(kind, headers, chosen)
    plan = Plan(kind=kind, program=program, headers=headers, fields=fields, read=len(table.rows))
    plan.chosen = chosen
    plan.problems += file_problems(kind, headers, fields)
    if not table.rows:
        plan.problems.append(Problem(None, None, "the file has no rows below its header"))
    total = len(table.rows)
    read_rows(plan, table, settings, None if progress is None else lambda n: progress(n, total))
    match_existing(session, plan)
    if kind == "mentors":
        _check_capacities(session, plan)
    plan.problems.sort(key=lambda p: p.row or 0)
    return plan


def _read(content: bytes, filename: str, settings: Settings) -> Rows:
    return read_table(
        content, filename, max_bytes=settings.import_max_bytes, max_rows=settings.import_max_rows
    )


def _headers(table: Rows) -> list[str]:
    """The header row, with an empty header for each column a row holds beyond it."""
    width = max((len(r) for _, r in table.rows), default=0)
    return table.header + [""] * (width - len(table.header))


def headers_of(content: bytes, filename: str, settings: Settings) -> list[str]:
    """A file's column headers, as `check` reads them."""
    return _headers(_read(content, filename, settings))


def _check_capacities(session: Session, plan: Plan) -> None:
    for row in plan.updates:
        if "capacity" in row.changes:
            try:
                capacity.check_new_capacity(session, row.existing, row.changes["capacity"])
            except Conflict as exc:
                column = next(
                    (h for h, f in zip(plan.headers, plan.fields, strict=True) if f == "capacity"),
                    "capacity",
                )
                plan.problems.append(Problem(row.number, column, exc.message.split(": ", 1)[-1]))


def apply(
    session: Session, *, actor: Principal, plan: Plan, filename: str, settings: Settings
) -> Outcome:
    """Write a checked plan in one transaction (409 if it still holds problems)."""
    if plan.problems:
        raise Conflict(
            said(
                "file: the file has %(count)s problem(s); nothing was imported",
                count=len(plan.problems),
            ),
            field="file",
        )
    try:
        created = (
            _create_mentors(session, actor, plan, settings)
            if plan.kind == "mentors"
            else _create_newcomers(session, actor, plan, filename, settings)
        )
        for row in plan.updates:
            for name, value in row.changes.items():
                setattr(row.existing, name, value)
        session.flush()
        _audit(
            session,
            actor,
            plan.kind,
            [("create", i) for i in created] + [("update", r.existing.id) for r in plan.updates],
        )
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            N_(
                "file: someone added or changed one of these people while the file was imported; "
                "nothing was imported — check the file again"
            ),
            field="file",
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return Outcome(len(created), len(plan.updates), plan.unchanged)


def _create_mentors(
    session: Session, actor: Principal, plan: Plan, settings: Settings
) -> list[int]:
    """New mentors' accounts (no password yet), profiles and invitations: bulk inserts, as
    10,000 mentors must import in under 30 s (issue 18)."""
    rows = plan.creates
    if not rows:
        return []
    emails = [normalise_email(cast(MentorCreate, r.body).email) for r in rows]
    user_ids = list(
        session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [{"email": e, "password_hash": UNUSABLE_PASSWORD, "role": Role.mentor} for e in emails],
        )
    )
    profiles = []
    for row, user_id in zip(rows, user_ids, strict=True):
        body = cast(MentorCreate, row.body)
        fields: dict[str, Any] = body.model_dump(exclude={"email", "program"}, mode="json")
        fields |= {"recovery_start": body.recovery_start, "user_id": user_id,
                   "program_id": plan.program.id, "external_id": row.external_id}  # fmt: skip
        profiles.append(fields)
    mentor_ids = list(
        session.scalars(insert(Mentor).returning(Mentor.id, sort_by_parameter_order=True), profiles)
    )
    for user_id, email in zip(user_ids, emails, strict=True):
        passwords.send_link(session, user_id=user_id, email=email, settings=settings, language="en",
                            purpose=TokenPurpose.invitation,
                            mentor_program_id=plan.program.id)  # fmt: skip
    return mentor_ids


def _create_newcomers(
    session: Session, actor: Principal, plan: Plan, filename: str, settings: Settings
) -> list[int]:
    newcomers = []
    for row in plan.creates:
        body = cast(NewcomerIntake, row.body)
        fields = body.model_dump(exclude={"in_crisis", "consent", "program"}, mode="json")
        fields["recovery_start"] = body.recovery_start
        pathways.fold(fields, sent=body.model_fields_set, current=[])
        _, digest = new_token(NEWCOMER_TOKEN_PREFIX)  # nobody holds it: no link was given
        newcomer = Newcomer(
            **fields,
            program_id=plan.program.id,
            external_id=row.external_id,
            status_token_hash=digest,
        )
        newcomer.consents.append(
            Consent(
                scope=consent_scope(body.consent, share_contact=body.share_contact),
                version=body.consent.version,
                entered_by=actor.user_id,
                source=f"spreadsheet import: {filename}"[:200],
            )
        )
        newcomers.append(newcomer)
    session.add_all(newcomers)
    session.flush()
    return [n.id for n in newcomers]


def _audit(session: Session, actor: Principal, kind: str, done: list[tuple[str, int]]) -> None:
    """One audit row per person created or changed, in one statement."""
    if not done:
        return
    at = utcnow()
    session.execute(
        _AUDIT,
        [
            {
                "at": at,
                "actor_role": str(actor.role),
                "actor_id": actor.actor_id,
                "action": action,
                "object_type": OBJECT[kind],
                "object_id": object_id,
                "outcome": "ok",
                "client": None,
            }
            for action, object_id in done
        ],
    )
