"""What the proposals page lists for one program: open proposals (longest waiting first)
and the proposals withdrawn lately, each with the people's names and the reason in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.i18n import N_
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings import stale
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus
from mentormatch.programs import scope

S = PairingStatus
OBJECT = "pairing"
# Withdrawn proposals stay on the page this long, so a coordinator sees why they went.
WITHDRAWN_SHOWN = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """An open proposal as the page shows it."""

    pairing: Pairing
    newcomer: str  # "Sam (K7QX2MPA)"
    mentor: str
    waiting_since: datetime


@dataclass(frozen=True, slots=True)
class WithdrawnRow:
    """A withdrawn proposal and why, in words."""

    pairing_id: int
    newcomer_id: int
    newcomer: str
    mentor: str
    at: datetime
    why: str


def open_proposals(
    session: Session, *, actor: Principal, program_id: int, limit: int, offset: int
) -> tuple[list[ProposalRow], int]:
    """A page of the program's open proposals, longest-waiting newcomer first, with the
    true total (the caller has checked the program is the actor's)."""
    scope.ensure_visible(actor, program_id, N_("no such program"))
    where = (Pairing.program_id == program_id) & (Pairing.status == S.proposed)
    total = session.scalar(select(func.count()).select_from(Pairing).where(where)) or 0
    rows = session.execute(
        select(
            Pairing,
            Newcomer.first_name,
            Newcomer.reference,
            Newcomer.waiting_since,
            Mentor.first_name,
        )
        .join(Newcomer, Newcomer.id == Pairing.newcomer_id)
        .join(Mentor, Mentor.id == Pairing.mentor_id)
        .where(where)
        .order_by(Newcomer.waiting_since, Newcomer.id, Pairing.id)
        .limit(limit)
        .offset(offset)
    ).all()
    shown = [
        ProposalRow(p, stale.person(name, ref), stale.person(mentor), since)
        for p, name, ref, since, mentor in rows
    ]
    audit.record_read(
        session, actor=actor, action="list_proposals", object_type=OBJECT,
        object_ids=[r.pairing.id for r in shown],
    )  # fmt: skip
    return shown, total


def withdrawn(
    session: Session,
    *,
    actor: Principal,
    program_id: int | None,
    now: datetime,
    limit: int,
    offset: int,
    pairing_ids: list[int] | None = None,
) -> tuple[list[WithdrawnRow], int]:
    """Proposals of the program withdrawn within `WITHDRAWN_SHOWN` of `now` (or exactly
    `pairing_ids`, of the actor's programs), newest first, with why in words."""
    query = (
        select(
            PairingEvent.pairing_id,
            PairingEvent.reason,
            PairingEvent.note,
            PairingEvent.at,
            Pairing.newcomer_id,
            Newcomer.first_name,
            Newcomer.reference,
            Mentor.first_name,
        )
        .join(Pairing, Pairing.id == PairingEvent.pairing_id)
        .join(Newcomer, Newcomer.id == Pairing.newcomer_id)
        .join(Mentor, Mentor.id == Pairing.mentor_id)
        .where(
            scope.where(actor, Pairing.program_id),
            PairingEvent.from_status == S.proposed.value,
            PairingEvent.to_status == S.withdrawn.value,
        )
    )
    if program_id is not None:
        query = query.where(Pairing.program_id == program_id)
    if pairing_ids is not None:
        query = query.where(Pairing.id.in_(pairing_ids))
    else:
        query = query.where(PairingEvent.at >= now - WITHDRAWN_SHOWN)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(PairingEvent.at.desc(), PairingEvent.id.desc()).limit(limit).offset(offset)
    ).all()
    shown = []
    for pairing_id, reason, note, at, newcomer_id, name, ref, mentor in rows:
        newcomer, mentor_name = stale.person(name, ref), stale.person(mentor)
        why = stale.withdrawn_words(reason, note, newcomer=newcomer, mentor=mentor_name)
        shown.append(WithdrawnRow(pairing_id, newcomer_id, newcomer, mentor_name, at, why))
    audit.record_read(
        session, actor=actor, action="list_proposals", object_type=OBJECT,
        object_ids=[r.pairing_id for r in shown],
    )  # fmt: skip
    return shown, total
