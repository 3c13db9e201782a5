"""`mentormatch pairings …`: expire unanswered requests, remind and escalate quiet pairings,
deliver the outbox (cron-able)."""

from __future__ import annotations

import typer

from mentormatch.aftercare import quiet as quiet_pairings
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


@app.command("quiet")
def quiet() -> None:
    """Remind mentors of pairings with no contact logged for a while; after more quiet days,
    put the pairing in front of a coordinator. Each once per silence: safe to run often."""
    settings = get_settings()
    require_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            report = quiet_pairings.run(session, settings=settings, now=utcnow())
    finally:
        engine.dispose()
    typer.echo(f"reminded {report.reminded}, escalated {report.escalated}")


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
