"""Finding programs: where a new newcomer or mentor belongs, and a program by its address."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.errors import Invalid, NotFound
from mentormatch.i18n import N_, Words, said
from mentormatch.programs.models import SLUG_PATTERN, Program, ProgramCoordinator


def open_programs(session: Session) -> list[Program]:
    """The programs taking requests (not archived), by name."""
    return list(
        session.scalars(
            select(Program).where(Program.archived_at.is_(None)).order_by(Program.name, Program.id)
        )
    )


def find(session: Session, slug: str) -> Program | None:
    """A program by its address, archived or not; None for an address no program has."""
    if re.fullmatch(SLUG_PATTERN, slug) is None:
        return None  # not even a possible address: no query
    return session.scalar(select(Program).where(Program.slug == slug))


def for_intake(session: Session, slug: str | None) -> Program:
    """The program a public request goes to: the one named, or the only open one."""
    if slug is not None:
        program = find(session, slug)
        if program is None or program.archived:
            raise NotFound(
                said("program: no open program is called %(slug)s", slug=repr(slug)),
                field="program",
            )
        return program
    found = open_programs(session)
    if len(found) != 1:
        names = ", ".join(p.slug for p in found) or Words(N_("none is open"))
        raise Invalid(
            said("program: choose the program to ask (%(names)s)", names=names), field="program"
        )
    return found[0]


def for_new_mentor(session: Session, actor: Principal, slug: str | None) -> Program:
    """The program a coordinator registers a mentor in: the one named (among theirs), or
    their only open program."""
    mine = [p for p in open_programs(session) if actor.sees(p.id)]
    if slug is not None:
        for program in mine:
            if program.slug == slug:
                return program
        raise NotFound(
            said("program: you coordinate no open program called %(slug)s", slug=repr(slug)),
            field="program",
        )
    if len(mine) != 1:
        names = ", ".join(p.slug for p in mine) or Words(N_("you coordinate none"))
        raise Invalid(
            said("program: choose the mentor's program (%(names)s)", names=names), field="program"
        )
    return mine[0]


def join_only_program(session: Session, user_id: int) -> None:
    """A new coordinator joins the installation's program when it runs exactly one (an
    admin assigns them otherwise: `programs.admin`). The caller commits."""
    found = open_programs(session)
    if len(found) == 1:
        session.add(ProgramCoordinator(program_id=found[0].id, user_id=user_id))
        session.flush()


def names_when_several(session: Session, actor: Principal) -> dict[int, str]:
    """The actor's programs' names by id, when they see more than one (pages then say
    which program each person belongs to); empty otherwise."""
    if len(actor.program_ids) < 2:
        return {}
    rows = session.execute(
        select(Program.id, Program.name).where(Program.id.in_(actor.program_ids))
    )
    return {program_id: name for program_id, name in rows}


def names_of(session: Session, actor: Principal) -> list[tuple[int, str]]:
    """The actor's programs as (id, name), by name."""
    if not actor.program_ids:
        return []
    rows = session.execute(
        select(Program.id, Program.name)
        .where(Program.id.in_(actor.program_ids))
        .order_by(Program.name, Program.id)
    )
    return [(program_id, name) for program_id, name in rows]
