"""The `mentormatch` command: database, accounts, demo data, serving, evaluation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy import select

from mentormatch import backup as backups
from mentormatch import demo as demo_data
from mentormatch import migrate
from mentormatch.accounts import service as accounts
from mentormatch.accounts.models import Role
from mentormatch.accounts.schemas import UserCreate
from mentormatch.aftercare import demo as demo_life
from mentormatch.cli_checks import fail, require_database
from mentormatch.config import get_settings
from mentormatch.db import make_engine, make_sessionmaker, utcnow
from mentormatch.errors import MentorMatchError
from mentormatch.matching import evaluation, learning_curve
from mentormatch.pairings.cli import app as pairings_app
from mentormatch.programs.models import Program, ProgramCoordinator
from mentormatch.spreadsheets.cli import app as import_app

app = typer.Typer(
    help="MentorMatch: peer-mentor matching for recovery programs.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(pairings_app, name="pairings")
app.add_typer(import_app, name="import")


def _links_to(host: str, port: int) -> None:
    """Unless MENTORMATCH_PUBLIC_BASE_URL was given, links sent or printed name this server.

    Set in the environment too, so that every worker uvicorn starts builds the same settings.
    """
    if "public_base_url" in get_settings().model_fields_set:
        return
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    os.environ["MENTORMATCH_PUBLIC_BASE_URL"] = f"http://{shown}:{port}"
    get_settings.cache_clear()


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    migrate.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str = "base") -> None:
    """Roll migrations back to REVISION (default: empty)."""
    migrate.downgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Sign-in email")],
    role: Annotated[str, typer.Option(help="admin or coordinator")] = "coordinator",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
    invite: Annotated[
        bool,
        typer.Option("--invite", help="Send a single-use link to choose a password (outbox)"),
    ] = False,
    program: Annotated[
        list[str] | None,
        typer.Option(
            "--program",
            help="A coordinator's program (its slug); repeat for several. Default: the "
            "installation's program when it runs one",
        ),
    ] = None,
) -> None:
    """Create an admin or coordinator account: with a password (prompted, or read from stdin),
    or `--invite`d to choose their own through a link sent by the outbox."""
    require_database(get_settings().database_url)
    if role not in ("admin", "coordinator"):
        fail("--role must be admin or coordinator (mentors are created by a coordinator)")
    if invite and password_stdin:
        fail("--invite and --password-stdin: choose one")
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not invite:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        UserCreate(email=email, role=role, password=password)
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    settings = get_settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as session:
        try:
            user = accounts.create_user(
                session, email=email, password=password, role=Role(role), programs=program or None
            )
            if invite:
                accounts.invite(session, user=user, settings=settings)
            session.commit()
            member_of = session.scalars(
                select(Program.slug)
                .join(ProgramCoordinator, ProgramCoordinator.program_id == Program.id)
                .where(ProgramCoordinator.user_id == user.id)
                .order_by(Program.slug)
            ).all()
        except MentorMatchError as exc:
            fail(exc.message)
    how = "; invitation link queued in the outbox" if invite else ""
    joined = f" in {', '.join(member_of)}" if member_of else ""
    typer.echo(f"created {role} {user.email} (id {user.id}){joined}{how}")
    if role == "coordinator" and not member_of:
        typer.echo("not in any program yet: name one with --program, or an admin assigns it")


@app.command()
def demo(
    host: str = "127.0.0.1",
    port: int = 8000,
    serve_app: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after seeding")
    ] = True,
) -> None:
    """Migrate and seed a demo database (once), print the demo sign-ins, then serve."""
    _links_to(host, port)
    settings = get_settings()
    migrate.upgrade(settings.database_url)
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as session:
        if demo_data.is_seeded(session):
            typer.echo("demo database already seeded; reusing it")
        else:
            counts = demo_data.seed_demo(session, min_age=settings.min_age)
            typer.echo(f"seeded {counts['mentors']} mentors and {counts['newcomers']} newcomers")
            paired = demo_life.seed(session, settings=settings, now=utcnow())
            typer.echo(f"paired {paired}: contacts logged on some, others gone quiet or graduated")
        programs = demo_data.sign_ins(session)
    site = f"http://{host}:{port}"
    lines = [
        f"\nMentorMatch demo on {site}  (API docs: /docs)",
        f"  admin:       {demo_data.ADMIN_EMAIL} / {demo_data.ADMIN_PASSWORD}",
    ]
    for shown in programs:
        lines += [
            f"\n  {shown.program.name} ({shown.highlight}): {site}/p/{shown.program.slug}/",
            f"  coordinator: {shown.coordinator_email} / {shown.coordinator_password}",
        ]
        if shown.mentor_email is not None:
            lines.append(f"  a mentor:    {shown.mentor_email} / {demo_data.MENTOR_PASSWORD}")
    lines.append(f"\n  newcomers:   choose a program and ask for a mentor at {site}/\n")
    typer.echo("\n".join(lines))
    if serve_app:
        serve(host=host, port=port, workers=1)


@app.command()
def evaluate(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic world")] = 7,
    newcomers: Annotated[int, typer.Option(min=1, max=100_000)] = 500,
    mentors: Annotated[int, typer.Option(min=1, max=100_000)] = 300,
    learn: Annotated[
        bool,
        typer.Option(
            "--learn",
            help="Instead: learn weights from a simulated coordinator's decisions and print "
            "NDCG@5 with the defaults and after 100, 300 and 1,000 decisions",
        ),
    ] = False,
) -> None:
    """Rank a synthetic world; print NDCG@5, violations and coverage against a random baseline."""
    if learn:
        curve = learning_curve.curve(seed, mentors=mentors)
        typer.echo(learning_curve.report(curve, seed=seed))
        return
    typer.echo(evaluation.evaluate_command(seed=seed, newcomers=newcomers, mentors=mentors))


@app.command()
def backup(path: Annotated[Path, typer.Argument(help="Where to write the backup")]) -> None:
    """Back up the database to PATH while the app keeps serving (SQLite: online backup API;
    PostgreSQL: pg_dump custom format)."""
    require_database(get_settings().database_url)
    try:
        backups.backup(get_settings().database_url, path)
    except (OSError, ValueError, subprocess.CalledProcessError) as exc:
        fail(f"backup failed: {exc}")
    typer.echo(f"backed up to {path}")


@app.command()
def restore(path: Annotated[Path, typer.Argument(help="A backup made by `backup`")]) -> None:
    """Replace the database's contents with the backup at PATH."""
    try:
        backups.restore(get_settings().database_url, path)
    except (OSError, ValueError, subprocess.CalledProcessError) as exc:
        fail(f"restore failed: {exc}")
    typer.echo(f"restored from {path}")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the app with uvicorn: no reload, no access log; one worker per core in production."""
    import uvicorn

    from mentormatch.matching.service import warm_up

    _links_to(host, port)
    require_database(get_settings().database_url)
    warm_up()  # workers then load the compiled ranking kernel from numba's disk cache
    uvicorn.run(
        "mentormatch.main:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=False,
        # A worker's cold start imports scikit-learn and numba (5 s on a 2-core machine, more
        # when it is busy); uvicorn's default 5 s health check killed workers mid-start in a
        # loop while the load test's machine was loaded.
        timeout_worker_healthcheck=60,
    )
