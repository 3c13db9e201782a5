"""`mentormatch import mentors|newcomers FILE`: the same check and import as the page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User, normalise_email
from mentormatch.accounts.principal import Principal
from mentormatch.cli_checks import fail, require_database
from mentormatch.config import get_settings
from mentormatch.db import make_engine, make_sessionmaker
from mentormatch.errors import MentorMatchError
from mentormatch.programs import service as programs
from mentormatch.programs.models import ProgramCoordinator
from mentormatch.spreadsheets import import_

app = typer.Typer(
    help="Import mentors or newcomers from a CSV or .xlsx file.", no_args_is_help=True
)

FileArg = Annotated[Path, typer.Argument(help="A .csv or .xlsx file, one person per row")]
ProgramOpt = Annotated[
    str | None, typer.Option(help="The program's slug (may be left out when there is one)")
]
ByOpt = Annotated[
    str,
    typer.Option(
        "--by", help="Your staff account's email: recorded as the importer (coordinator or admin)"
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check the file and say what would change; write nothing")
]


def _importer(session: Session, email: str, slug: str | None) -> Principal:
    """The staff account recorded as the importer, seeing the program imported into."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active or user.role not in (Role.coordinator, Role.admin):
        fail(f"--by: no active coordinator or admin account has the email {email!r}")
    if user.role is Role.admin:  # an admin imports into any open program
        found = [p for p in programs.open_programs(session) if slug in (None, p.slug)]
        ids = frozenset(p.id for p in found)
    else:
        ids = frozenset(
            session.scalars(
                select(ProgramCoordinator.program_id).where(ProgramCoordinator.user_id == user.id)
            )
        )
    return Principal(user.role, user_id=user.id, program_ids=ids)


def _run(kind: str, path: Path, program: str | None, by: str, dry_run: bool) -> None:
    settings = get_settings()
    require_database(settings.database_url)
    try:
        content = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            actor = _importer(session, by, program)
            try:
                target = import_.program_for(session, actor, program)
                plan = import_.check(session, kind=kind, program=target, content=content,
                                     filename=path.name, chosen=None,  # the saved choice
                                     settings=settings)  # fmt: skip
            except MentorMatchError as exc:
                fail(exc.message)
            for problem in plan.problems:
                typer.echo(str(problem), err=True)
            summary = (
                f"{len(plan.creates)} to add, {len(plan.updates)} to update, "
                f"{plan.unchanged} unchanged"
            )
            if plan.problems:
                typer.secho(
                    f"{len(plan.problems)} problem(s): nothing was imported; fix the file and "
                    "run the import again",
                    fg=typer.colors.RED,
                    err=True,
                )
                raise typer.Exit(1)
            if dry_run:
                typer.echo(f"dry run, nothing written: {summary}")
                return
            outcome = import_.apply(
                session, actor=actor, plan=plan, filename=path.name, settings=settings
            )
    finally:
        engine.dispose()
    invited = " (each sent an invitation to choose a password)" if kind == "mentors" else ""
    typer.echo(f"imported into {target.slug}: {outcome}{invited if outcome.created else ''}")


@app.command("mentors")
def mentors(
    path: FileArg, by: ByOpt, program: ProgramOpt = None, dry_run: DryRunOpt = False
) -> None:
    """Add or update a program's mentors; new mentors are invited to choose a password."""
    _run("mentors", path, program, by, dry_run)


@app.command("newcomers")
def newcomers(
    path: FileArg, by: ByOpt, program: ProgramOpt = None, dry_run: DryRunOpt = False
) -> None:
    """Add or update a program's newcomers, their consent recorded as entered on their behalf."""
    _run("newcomers", path, program, by, dry_run)
