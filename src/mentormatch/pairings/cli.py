"""`mentormatch pairings …`: expire unanswered requests, remind and escalate quiet pairings,
ask for fit checks, graduate pairings, send milestone notes, remind newcomers of follow-up
questionnaires, deliver the outbox (cron-able;
each safe to run twice)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from mentormatch.aftercare import fit_reminders, graduation, milestone_messages
from mentormatch.aftercare import quiet as quiet_pairings
from mentormatch.assessments import reminders
from mentormatch.cli_checks import require_database
from mentormatch.config import get_settings
from mentormatch.db import make_engine, make_sessionmaker, utcnow
from mentormatch.pairings import expiry, outbox

app = typer.Typer(
    help="Pairing housekeeping: expiry, reminders, notifications.", no_args_is_help=True
)


@app.command("expire")
def expire() -> None:
    """Remind mentors halfway through the answer window; expire requests left unanswered."""
    settings = get_settings()
    require_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            reminded = expiry.remind_due(session, settings=settings)
            expired = expiry.expire_due(session, settings=settings)
    finally:
        engine.dispose()
    typer.echo(f"reminded {reminded}, expired {expired}")


def _daily(job: Callable[..., Any], now: datetime | None = None) -> Any:
    """Run one of the daily jobs on the configured database, now (or at `now`)."""
    settings = get_settings()
    require_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return job(session, settings=settings, now=now or utcnow())
    finally:
        engine.dispose()


@app.command("quiet")
def quiet() -> None:
    """Remind mentors of pairings with no contact logged for a while; after more quiet days,
    put the pairing in front of a coordinator. Each once per silence: safe to run often."""
    report = _daily(quiet_pairings.run)
    typer.echo(f"reminded {report.reminded}, escalated {report.escalated}")


@app.command("fit-checks")
def fit_checks() -> None:
    """Ask both people of each pairing whose fit check is due, by email, once."""
    typer.echo(f"asked {_daily(fit_reminders.run)}")


@app.command("graduate")
def graduate() -> None:
    """End as planned (graduate) the pairings that have run the program's pairing length."""
    typer.echo(f"graduated {_daily(graduation.run)}")


@app.command("milestones")
def milestones() -> None:
    """Send today's milestone notes to the newcomers who asked for them (run daily)."""
    typer.echo(f"sent {_daily(milestone_messages.run)}")


@app.command("follow-ups")
def follow_ups(
    today: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="The day to run for")
    ] = None,
) -> None:
    """Remind newcomers by email of their follow-up questionnaires: when a window opens and
    once more before it closes, once each (run daily)."""
    at = today.replace(tzinfo=UTC) if today is not None else None
    typer.echo(f"reminded {_daily(reminders.run, at)}")


@app.command("deliver")
def deliver(limit: int = 100) -> None:
    """Send due outbox messages by SMTP (MENTORMATCH_SMTP_URL); failures are retried later."""
    settings = get_settings()
    require_database(settings.database_url)
    if not settings.smtp_url:
        typer.echo("MENTORMATCH_SMTP_URL is not set: messages stay in the outbox")
        return
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            report = outbox.deliver(session, settings=settings, limit=limit)
    finally:
        engine.dispose()
    typer.echo(f"sent {report.sent}, failed {report.failed}")
