"""The newcomer's check-in from their status link (issue 15): "how are things?" on a short
scale, "did you and your mentor talk this week?" while paired, and the intake's danger
question. A "yes" to danger opens an urgent case at once (newcomers/urgent.py: the
coordinators are alerted through the outbox, a link only) and the answer carries the
program's crisis resources, so the person sees them without waiting for anyone.

Check-ins are the newcomer's and their coordinators': a mentor never reads them, and the
newcomer's own data export holds them. A closed request takes no check-in (409).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch import profiles as p
from mentormatch.accounts.principal import Principal
from mentormatch.aftercare.models import CheckIn
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.i18n import N_
from mentormatch.newcomers import urgent
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.newcomers.schemas import CrisisResource
from mentormatch.pairings import locking
from mentormatch.pairings.models import PairingStatus
from mentormatch.programs import scope

ACTION = "check_in"
READ = "read_check_ins"
# How things are, in the newcomer's words (the form's choices, 1 to 5).
FEELINGS = {1: N_("Very hard"), 2: N_("Hard"), 3: N_("Okay"), 4: N_("Good"), 5: N_("Very good")}
Feeling = Annotated[
    int, Field(ge=1, le=5, description="1 very hard, 2 hard, 3 okay, 4 good, 5 very good")
]


class CheckInBody(BaseModel):
    """A check-in: how things are, whether you talked with your mentor this week (only while
    you have one), and whether you are in danger now."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"feeling": 4, "talked": True, "in_danger": False}]},
    )

    feeling: Feeling
    talked: p.Flag | None = Field(
        default=None, description="Did you and your mentor talk this week? Only while paired"
    )
    in_danger: p.Flag = Field(
        description="Are you in danger now? Yes shows the crisis resources at once and asks "
        "your program's coordinators to reach you"
    )


class CheckInPublic(BaseModel):
    """A check-in as the newcomer who gave it sees it; crisis resources after a danger yes."""

    model_config = ConfigDict(from_attributes=True)

    answered_at: datetime
    feeling: int
    talked: bool | None
    in_danger: bool
    crisis_resources: list[CrisisResource] = []
    crisis_notice: str | None = None


class CheckInForCoordinator(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    answered_at: datetime
    feeling: int
    talked: bool | None
    in_danger: bool
    pairing_id: int | None


class CheckInPage(BaseModel):
    items: list[CheckInForCoordinator]
    total: int
    limit: int
    offset: int


def record(
    session: Session, *, actor: Principal, body: CheckInBody, now: datetime, settings: Settings
) -> CheckIn:
    """Store the newcomer's check-in (audited); a danger answer opens an urgent case. The
    caller commits."""
    newcomer = session.get(Newcomer, actor.newcomer_id or 0)
    if newcomer is None:
        raise NotFound(N_("no such newcomer"))
    if newcomer.status is NewcomerStatus.closed:
        raise Conflict(N_("status: your request is closed; contact your program"), field="status")
    pairing = locking.open_pairing(session, newcomer.id, statuses=(PairingStatus.active,))
    if body.talked is not None and pairing is None:
        raise Invalid(N_("talked: asked only while you have a mentor"), field="talked")
    row = CheckIn(
        newcomer_id=newcomer.id,
        program_id=newcomer.program_id,
        pairing_id=pairing.id if pairing else None,
        answered_at=now,
        feeling=body.feeling,
        talked=body.talked,
        in_danger=body.in_danger,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action=ACTION, object_type="newcomer", object_id=newcomer.id)
    if body.in_danger:
        urgent.open_case(session, newcomer=newcomer, now=now, settings=settings)
    return row


def latest(session: Session, newcomer_id: int) -> CheckIn | None:
    return session.scalars(
        select(CheckIn)
        .where(CheckIn.newcomer_id == newcomer_id)
        .order_by(CheckIn.answered_at.desc(), CheckIn.id.desc())
        .limit(1)
    ).first()


def for_coordinator(
    session: Session,
    *,
    actor: Principal,
    newcomer_id: int,
    limit: int,
    offset: int,
    audited: bool = True,
) -> tuple[list[CheckIn], int]:
    """A page of the newcomer's check-ins, newest first, and their total (a read, audited
    unless `audited` is False: the newcomer page's own read covers them, as its notes);
    another program's newcomer answers like a missing one."""
    newcomer = session.get(Newcomer, newcomer_id)
    if newcomer is None:
        raise NotFound(N_("no such newcomer"))
    scope.ensure_visible(actor, newcomer.program_id, N_("no such newcomer"))
    mine = CheckIn.newcomer_id == newcomer_id
    total = session.scalar(select(func.count()).select_from(CheckIn).where(mine)) or 0
    rows = list(
        session.scalars(
            select(CheckIn)
            .where(mine)
            .order_by(CheckIn.answered_at.desc(), CheckIn.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    if audited:
        audit.record(
            session, actor=actor, action=READ, object_type="newcomer", object_id=newcomer_id
        )
    return rows, total
