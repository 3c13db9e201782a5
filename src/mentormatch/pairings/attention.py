"""What needs the coordinator's attention: declined or expired requests not yet followed
up, active pairings gone quiet or found not a fit, and newcomers whose mentor left.

All are read from the pairings themselves, so they clear on their own once someone acts:
a declined or expired request needs action while it is the newcomer's latest pairing and
the newcomer is still waiting; an active pairing needs action once it was escalated as
quiet (`aftercare.quiet`) until a contact after the silence began is logged, or once its
mentor or newcomer answered the fit check "not a fit" (`aftercare.fit`) until a coordinator
ends it or keeps it; a newcomer
needs a new mentor while they are waiting and their mentor left (`mentor_left`) after
their last active pairing began.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from mentormatch.accounts.principal import Principal
from mentormatch.aftercare import fit
from mentormatch.aftercare.models import Contact, FitCheck, Nudge, NudgeKind
from mentormatch.i18n import N_
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import lifecycle
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus
from mentormatch.programs import scope

S = PairingStatus
NEEDS_ACTION = "needs_action"
QUIET = "quiet"
NOT_A_FIT = "not_a_fit_answer"
# The refusals a coordinator follows up by asking another mentor.
FOLLOW_UP = (S.declined, S.expired)


def _not_followed_up() -> ColumnElement[bool]:
    """A declined or expired request, the newcomer's latest, while they still wait."""
    later = aliased(Pairing)
    newer = exists().where(later.newcomer_id == Pairing.newcomer_id, later.id > Pairing.id)
    waiting = exists().where(
        Newcomer.id == Pairing.newcomer_id, Newcomer.status == NewcomerStatus.waiting
    )
    return and_(Pairing.status.in_(FOLLOW_UP), waiting, ~newer)


def _quiet() -> ColumnElement[bool]:
    """An active pairing escalated as quiet, with no contact logged after the silence began."""
    broken = exists().where(
        Contact.pairing_id == Nudge.pairing_id, Contact.contacted_on > Nudge.quiet_since
    )
    escalated = exists().where(
        Nudge.pairing_id == Pairing.id, Nudge.kind == NudgeKind.quiet_escalation, ~broken
    )
    return and_(Pairing.status == S.active, escalated)


def _not_a_fit() -> ColumnElement[bool]:
    """An active pairing its mentor or newcomer found not a fit (the fit check)."""
    said = exists().where(FitCheck.pairing_id == Pairing.id, fit.awaiting_decision())
    return and_(Pairing.status == S.active, said)


def needs_action(query: Select[Any]) -> Select[Any]:
    """`query` narrowed to declined or expired requests not yet followed up, and active
    pairings gone quiet or found not a fit."""
    return query.where(or_(_not_followed_up(), _quiet(), _not_a_fit()))


def flags(session: Session, pairing_ids: Collection[int]) -> dict[int, list[str]]:
    """Why each of these active pairings needs action: 'quiet', 'not a fit'."""
    if not pairing_ids:
        return {}
    found: dict[int, list[str]] = {}
    for label, clause in ((N_("quiet"), _quiet()), (N_("not a fit"), _not_a_fit())):
        ids = session.scalars(select(Pairing.id).where(Pairing.id.in_(list(pairing_ids)), clause))
        for pairing_id in ids:
            found.setdefault(pairing_id, []).append(label)
    return found


def quiet(query: Select[Any]) -> Select[Any]:
    """`query` narrowed to the active pairings gone quiet (part of `needs_action`)."""
    return query.where(_quiet())


def tab_counts(session: Session, actor: Principal) -> dict[str, int]:
    """How many pairings each tab of the coordinator's list holds, `needs_action` included
    (and its parts: `quiet`, active pairings gone quiet; `not_a_fit_answer`, the others
    found not a fit)."""
    counts = {s.value: 0 for s in PairingStatus}
    mine = scope.where(actor, Pairing.program_id)
    rows = session.execute(
        select(Pairing.status, func.count()).where(mine).group_by(Pairing.status)
    )
    counts.update({status.value: count for status, count in rows})
    waiting = needs_action(select(Pairing).where(mine)).subquery()
    counts[NEEDS_ACTION] = session.scalar(select(func.count()).select_from(waiting)) or 0
    silent = quiet(select(Pairing).where(mine)).subquery()
    counts[QUIET] = session.scalar(select(func.count()).select_from(silent)) or 0
    unfit = select(Pairing).where(mine, _not_a_fit(), ~_quiet()).subquery()
    counts[NOT_A_FIT] = session.scalar(select(func.count()).select_from(unfit)) or 0
    return counts


def needing_new_mentor(
    session: Session, actor: Principal, newcomer_ids: Collection[int] | None = None
) -> set[int]:
    """The waiting newcomers (of `newcomer_ids`, or all the actor's) whose mentor left them."""
    left = (
        select(Pairing.newcomer_id, func.max(PairingEvent.at))
        .join(PairingEvent, PairingEvent.pairing_id == Pairing.id)
        .join(Newcomer, Newcomer.id == Pairing.newcomer_id)
        .where(
            PairingEvent.reason == lifecycle.MENTOR_LEFT,
            Newcomer.status == NewcomerStatus.waiting,
            scope.where(actor, Newcomer.program_id),
        )
        .group_by(Pairing.newcomer_id)
    )
    if newcomer_ids is not None:
        if not newcomer_ids:
            return set()
        left = left.where(Pairing.newcomer_id.in_(list(newcomer_ids)))
    left_at: dict[int, datetime] = {n: at for n, at in session.execute(left)}
    if not left_at:
        return set()
    paired = (
        select(Pairing.newcomer_id, func.max(PairingEvent.at))
        .join(PairingEvent, PairingEvent.pairing_id == Pairing.id)
        .where(PairingEvent.to_status == S.active.value, Pairing.newcomer_id.in_(list(left_at)))
        .group_by(Pairing.newcomer_id)
    )
    paired_at: dict[int, datetime] = {n: at for n, at in session.execute(paired)}
    return {n for n, at in left_at.items() if n not in paired_at or paired_at[n] <= at}
