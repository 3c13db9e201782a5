"""An admin's management of programs: create, rename, archive or reopen, and coordinators.

Every change is audited and committed here; errors name the field at fault (`slug`,
`archived`, `user_ids`, `programs`). A program's settings are changed in
`programs.settings_change`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.db import utcnow
from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.programs.models import Program, ProgramCoordinator
from mentormatch.programs.service import open_programs

MISSING = N_("no such program")


def get(session: Session, program_id: int) -> Program:
    """A program, archived or not; 404 when there is none."""
    program = session.get(Program, program_id)
    if program is None:
        raise NotFound(MISSING)
    return program


def visible(session: Session, *, actor: Principal, program_id: int) -> Program:
    """A program an admin may open, or a coordinator of it; others answer like a missing one."""
    program = session.get(Program, program_id)
    if program is None or (actor.role is not Role.admin and not actor.sees(program_id)):
        raise NotFound(MISSING)
    return program


def list_programs(
    session: Session, *, limit: int, offset: int
) -> tuple[list[tuple[Program, int]], int]:
    """A page of programs (open first, then by name) with their coordinator counts, and how
    many programs there are in all."""
    counts = (
        select(ProgramCoordinator.program_id, func.count().label("n"))
        .group_by(ProgramCoordinator.program_id)
        .subquery()
    )
    rows = session.execute(
        select(Program, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.program_id == Program.id)
        .order_by(Program.archived_at.is_not(None), Program.name, Program.id)
        .limit(limit)
        .offset(offset)
    ).all()
    total = session.scalar(select(func.count()).select_from(Program)) or 0
    return [(program, int(n)) for program, n in rows], total


def create(session: Session, *, actor: Principal, slug: str, name: str) -> Program:
    """A new open program following the installation's default settings; 409 naming `slug`
    when the address is taken (by an open or an archived program)."""
    program = Program(slug=slug, name=name, settings={}, settings_version=1)
    session.add(program)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        if "slug" not in str(exc.orig):
            raise
        raise Conflict(
            said("slug: a program is already called %(slug)s", slug=repr(slug)), field="slug"
        ) from exc
    audit.record(session, actor=actor, action="create", object_type="program", object_id=program.id)
    session.commit()
    return program


def update(
    session: Session,
    *,
    actor: Principal,
    program_id: int,
    name: str | None = None,
    archived: bool | None = None,
) -> Program:
    """Rename, archive or reopen a program; archiving the last open program is a 409 naming
    `archived` (public requests need somewhere to go)."""
    program = get(session, program_id)
    if name is not None:
        program.name = name
    if archived is True and not program.archived:
        others = [p for p in open_programs(session) if p.id != program.id]
        if not others:
            raise Conflict(
                N_("archived: this is the only open program; open another before archiving it"),
                field="archived",
            )
        program.archived_at = utcnow()
    elif archived is False and program.archived:
        program.archived_at = None
    audit.record(session, actor=actor, action="update", object_type="program", object_id=program_id)
    session.commit()
    return program


def coordinators(session: Session, program_id: int) -> list[User]:
    """The program's coordinators, by email."""
    return list(
        session.scalars(
            select(User)
            .join(ProgramCoordinator, ProgramCoordinator.user_id == User.id)
            .where(ProgramCoordinator.program_id == program_id)
            .order_by(User.email)
        )
    )


def coordinator_accounts(session: Session) -> list[User]:
    """Every coordinator account (the choices for a program's coordinators), by email."""
    return list(
        session.scalars(select(User).where(User.role == Role.coordinator).order_by(User.email))
    )


def _check_coordinators(session: Session, user_ids: Sequence[int], field: str) -> None:
    """422 naming `field` unless every id is a coordinator's account."""
    wanted = set(user_ids)
    found = set(
        session.scalars(select(User.id).where(User.id.in_(wanted), User.role == Role.coordinator))
    )
    strangers = sorted(wanted - found)
    if strangers:
        raise Invalid(
            said(
                "%(field)s: account %(strangers)s is not a coordinator's (only "
                "coordinators can be assigned to a program)",
                field=field,
                strangers=strangers[0],
            ),
            field=field,
        )


def set_coordinators(
    session: Session, *, actor: Principal, program_id: int, user_ids: Sequence[int]
) -> list[User]:
    """Make exactly these coordinator accounts the program's coordinators (422 naming
    `user_ids` for any other account); returns them."""
    get(session, program_id)
    _check_coordinators(session, user_ids, "user_ids")
    current = set(
        session.scalars(
            select(ProgramCoordinator.user_id).where(ProgramCoordinator.program_id == program_id)
        )
    )
    wanted = set(user_ids)
    if current - wanted:
        session.execute(
            delete(ProgramCoordinator).where(
                ProgramCoordinator.program_id == program_id,
                ProgramCoordinator.user_id.in_(current - wanted),
            )
        )
    session.add_all(
        ProgramCoordinator(program_id=program_id, user_id=u) for u in sorted(wanted - current)
    )
    audit.record(session, actor=actor, action="assign", object_type="program", object_id=program_id)
    session.commit()
    return coordinators(session, program_id)


def add_coordinator(session: Session, *, actor: Principal, program_id: int, user_id: int) -> None:
    """Add one coordinator account to the program (nothing changes if they belong already)."""
    current = [u.id for u in coordinators(session, get(session, program_id).id)]
    set_coordinators(session, actor=actor, program_id=program_id, user_ids=[*current, user_id])


def remove_coordinator(
    session: Session, *, actor: Principal, program_id: int, user_id: int
) -> None:
    """Take one coordinator off the program; 404 when they are not one of its coordinators."""
    current = [u.id for u in coordinators(session, get(session, program_id).id)]
    if user_id not in current:
        raise NotFound(N_("user_id: not a coordinator of this program"), field="user_id")
    rest = [u for u in current if u != user_id]
    set_coordinators(session, actor=actor, program_id=program_id, user_ids=rest)


def join_by_slugs(session: Session, *, user_id: int, slugs: Sequence[str]) -> None:
    """A new coordinator joins the open programs named by slug; 404 naming `programs` for an
    unknown or archived one (as the intake answers). The caller commits."""
    wanted = list(dict.fromkeys(slugs))
    found = {p.slug: p for p in open_programs(session) if p.slug in wanted}
    for slug in wanted:
        if slug not in found:
            raise NotFound(
                said("programs: no open program is called %(slug)s", slug=repr(slug)),
                field="programs",
            )
    session.add_all(ProgramCoordinator(program_id=found[s].id, user_id=user_id) for s in wanted)
    session.flush()
