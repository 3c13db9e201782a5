"""What the pages show of a pairing's life after acceptance: the contact form's choices and
the rhythm, for the mentor's pairing page and the newcomer's status page; and what the
newcomer alone sees of their own recovery there."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.aftercare import contacts, graduation, recovery_dates
from mentormatch.aftercare.models import MODE_LABELS
from mentormatch.assessments import service as assessments
from mentormatch.newcomers import sharing
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import locking
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.web import fit_pages

# "Roughly how long": a few taps rather than typing minutes.
DURATIONS = (
    ("5", "A few minutes"),
    ("15", "About 15 minutes"),
    ("30", "About half an hour"),
    ("60", "About an hour"),
    ("90", "About an hour and a half"),
    ("120", "Two hours or more"),
)
DURATION_LABELS = dict(DURATIONS)
MODES = tuple((mode.value, label) for mode, label in MODE_LABELS.items())
# The latest contacts on the mentor's pairing page; the whole log is one click away.
RECENT = 5


def now_of(request: Request) -> datetime:
    """Now, by the app's clock (tests move it instead of sleeping)."""
    now: datetime = request.app.state.clock()
    return now


def minutes_label(minutes: int) -> str:
    if str(minutes) in DURATION_LABELS:
        return DURATION_LABELS[str(minutes)]
    return f"About {minutes} minutes"


def mentor_context(
    request: Request,
    session: Session,
    pairing: Pairing,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The contact form and the rhythm on an active pairing's page (nothing otherwise)."""
    if pairing.status is not PairingStatus.active:
        return {"life": None, "fit": None}
    now = now_of(request)
    today = contacts.today_of(session, pairing, now)
    recent, total = contacts.recent(session, pairing_id=pairing.id, limit=RECENT)
    return {
        "life": {
            "pairing_id": pairing.id,
            "rhythm": contacts.rhythm(session, pairing=pairing, now=now),
            "recent": recent,
            "total": total,
            "today": today.isoformat(),
            "entered": values or {"contacted_on": today.isoformat()},
            "errors": errors or {},
            "modes": MODES,
            "durations": DURATIONS,
            "mode_labels": {m.value: label for m, label in MODE_LABELS.items()},
            "minutes_label": minutes_label,
            "planned_end": graduation.planned_end_of(session, pairing, request.app.state.settings),
        },
        **fit_pages.context(request, session, pairing_actor(request), pairing),
    }


def newcomer_context(request: Request, session: Session, me: Principal) -> dict[str, Any]:
    """The rhythm of the newcomer's active pairing (counts and dates, nothing else), the day
    it is planned to end, and the fit check when they are asked."""
    pairing = locking.open_pairing(session, me.newcomer_id or 0, statuses=(PairingStatus.active,))
    settings = request.app.state.settings
    return {
        "planned_end": graduation.planned_end_of(session, pairing, settings) if pairing else None,
        "rhythm": contacts.newcomer_rhythm(session, actor=me, now=now_of(request)),
        **fit_pages.context(request, session, me, pairing),
    }


def newcomer_own(session: Session, newcomer: Newcomer, now: datetime) -> dict[str, Any]:
    """What only the newcomer sees of their own recovery on their status page: what they
    share (changeable), their earlier start dates, their questionnaires, and the day they
    graduated, if they did."""
    zone = ZoneInfo(newcomer.timezone or "UTC")
    done = newcomer.status is NewcomerStatus.closed
    return {
        "sharing": sharing.shown(newcomer) if sharing.current(newcomer) else None,
        "earlier_dates": recovery_dates.earlier(session, newcomer.id),
        "assessments": assessments.scored(session, newcomer.id),
        "today": now.astimezone(zone).date().isoformat(),
        "graduated_on": graduation.graduated_on(session, newcomer.id, newcomer.timezone)
        if done
        else None,
    }


def pairing_actor(request: Request) -> Principal:
    """The signed-in person the page is for (set by the page's role dependency)."""
    principal: Principal = request.state.principal
    return principal
