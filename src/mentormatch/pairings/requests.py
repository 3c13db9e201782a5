"""Asking a mentor and the answers: approve (or approve a chosen pair), reject, accept, decline."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from mentormatch import error_words
from mentormatch.accounts.principal import Principal
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.matching import service as matching
from mentormatch.mentors import capacity
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers import minimal
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.pairings import expiry, lifecycle, locking, outbox, stale
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.outbox import MessageKind
from mentormatch.programs import settings as program_settings

if TYPE_CHECKING:
    from mentormatch.matching.service import RankerCache

S = PairingStatus
OBJECT = "pairing"


def _check_rules(
    session: Session, *, ranker: RankerCache, newcomer_id: int, mentor_id: int
) -> None:
    failed = matching.failed_rules(
        session, ranker=ranker, newcomer_id=newcomer_id, mentor_id=mentor_id
    )
    if not failed:
        return
    text = error_words.joined(
        said("%(code)s: %(problem)s", code=rule.code, problem=rule.message) for rule in failed
    )
    if all(rule.code == "capacity" for rule in failed):
        raise Conflict(text, field="mentor_id")
    raise Invalid(said("this pair breaks a hard rule — %(text)s", text=text), field="mentor_id")


def _approve(
    session: Session,
    *,
    pairing: Pairing,
    newcomer: Newcomer,
    mentor: Mentor,
    actor: Principal,
    ranker: RankerCache,
    settings: Settings,
    reason: str,
    note: str | None,
) -> Pairing:
    lifecycle.ensure_can(pairing, S.approved)
    minimal.ensure_matchable(newcomer.id, is_minimal=newcomer.minimal)
    if newcomer.status is NewcomerStatus.closed:
        raise Conflict(
            said("newcomer %(newcomer_id)s is closed", newcomer_id=newcomer.id), field="newcomer_id"
        )
    other = locking.open_pairing(session, newcomer.id, excluding=pairing.id)
    if other is not None:
        raise Conflict(
            said(
                "newcomer %(newcomer_id)s already has an %(status)s pairing (%(other_id)s)",
                newcomer_id=newcomer.id,
                status=other.status.value,
                other_id=other.id,
            ),
            field="newcomer_id",
        )
    capacity.check_room(session, mentor, new_request=True)
    _check_rules(session, ranker=ranker, newcomer_id=newcomer.id, mentor_id=mentor.id)
    explanation = matching.explain(
        session, ranker=ranker, newcomer_id=newcomer.id, mentor_id=mentor.id
    )
    pairing.score = float(explanation.score)
    pairing.components = {k: float(v) for k, v in explanation.components.items()}
    pairing.reasons = list(explanation.reasons)
    now = utcnow()
    lifecycle.move(
        session,
        pairing=pairing,
        newcomer=newcomer,
        to=S.approved,
        actor=actor,
        reason=reason,
        note=note,
        at=now,
    )
    rules = program_settings.of_program(session, pairing.program_id, settings)
    pairing.expires_at = now + timedelta(days=rules.request_expiry_days)
    outbox.enqueue(
        session,
        kind=MessageKind.mentor_asked,
        recipient=locking.mentor_email(session, mentor),
        link=locking.link(settings, f"/mentor/pairings/{pairing.id}"),
        program_id=pairing.program_id,
        pairing_id=pairing.id,
    )
    session.commit()
    stale.after_approval(session, newcomer_id=newcomer.id, mentor_id=mentor.id)
    return pairing


def create_approved(
    session: Session,
    *,
    actor: Principal,
    ranker: RankerCache,
    settings: Settings,
    newcomer_id: int,
    mentor_id: int,
    note: str | None = None,
) -> Pairing:
    """Approve a specific pair at once: hard rules and capacity rechecked under lock."""
    newcomer = locking.lock_newcomer(session, newcomer_id, actor=actor)
    mentor = capacity.lock(session, mentor_id)
    if mentor.program_id != newcomer.program_id:  # pairings never cross programs
        raise NotFound(N_("no such mentor"))
    pairing = Pairing(
        program_id=newcomer.program_id,
        newcomer_id=newcomer.id,
        mentor_id=mentor.id,
        components={},
        reasons=[],
    )
    return _approve(
        session,
        pairing=pairing,
        newcomer=newcomer,
        mentor=mentor,
        actor=actor,
        ranker=ranker,
        settings=settings,
        reason="coordinator_choice",
        note=note,
    )


def approve(
    session: Session,
    *,
    actor: Principal,
    ranker: RankerCache,
    settings: Settings,
    pairing_id: int,
    note: str | None = None,
) -> Pairing:
    """Approve a proposed pairing: the mentor is asked. A proposal that no longer holds is
    withdrawn instead (409 saying why in words: `stale`)."""
    pairing = locking.lock_pairing(session, pairing_id, actor=actor)
    if pairing.status is S.proposed:
        gone = stale.sweep(session, where=Pairing.id == pairing.id, commit=False)
        if gone:
            _withdrawn(session, gone[0].why)
    lifecycle.ensure_can(pairing, S.approved)
    newcomer = locking.lock_newcomer(session, pairing.newcomer_id)
    mentor = capacity.lock(session, pairing.mentor_id)
    failed = matching.failed_rules(
        session, ranker=ranker, newcomer_id=newcomer.id, mentor_id=mentor.id
    )
    if failed:
        who = f"{stale.person(newcomer.first_name, newcomer.reference)} and {mentor.first_name}"
        why = f"{who} no longer fit: " + " ".join(rule.message for rule in failed)
        stale.withdraw(session, pairing_id=pairing.id, why=why, actor=lifecycle.SYSTEM)
        _withdrawn(session, why)
    return _approve(
        session,
        pairing=pairing,
        newcomer=newcomer,
        mentor=mentor,
        actor=actor,
        ranker=ranker,
        settings=settings,
        reason="approved",
        note=note,
    )


def _withdrawn(session: Session, why: str) -> None:
    """Commit the withdrawal of the proposal being approved and say why (409)."""
    session.commit()
    raise Conflict(said("This proposal has been withdrawn: %(why)s", why=why), field="pairing_id")


def _answer(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    pairing_id: int,
    to: S,
    reason: str,
    note: str | None,
) -> Pairing:
    """Move a pairing to a refusal state (rejected, declined), expiring it first if due."""
    pairing = locking.lock_pairing(session, pairing_id, actor=actor)
    expiry.expire_if_due(session, pairing, settings=settings)
    newcomer = locking.lock_newcomer(session, pairing.newcomer_id)
    lifecycle.move(
        session, pairing=pairing, newcomer=newcomer, to=to, actor=actor, reason=reason, note=note
    )
    session.commit()
    return pairing


def reject(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    pairing_id: int,
    reason: str,
    note: str | None = None,
) -> Pairing:
    """Reject a proposed (or not yet answered) pairing; the newcomer keeps their place."""
    return _answer(
        session,
        actor=actor,
        settings=settings,
        pairing_id=pairing_id,
        to=S.rejected,
        reason=reason,
        note=note,
    )


def accept(session: Session, *, actor: Principal, settings: Settings, pairing_id: int) -> Pairing:
    """The mentor accepts: capacity and the newcomer's other pairings rechecked under lock."""
    pairing = locking.lock_pairing(session, pairing_id, actor=actor)
    expiry.expire_if_due(session, pairing, settings=settings)
    lifecycle.ensure_can(pairing, S.active)
    newcomer = locking.lock_newcomer(session, pairing.newcomer_id)
    mentor = capacity.lock(session, pairing.mentor_id)
    other = locking.open_pairing(session, newcomer.id, statuses=(S.active,), excluding=pairing.id)
    if other is not None:
        raise Conflict(N_("this newcomer has already been paired with another mentor"))
    capacity.check_room(session, mentor, new_request=False, excluding=pairing.id)
    lifecycle.move(
        session, pairing=pairing, newcomer=newcomer, to=S.active, actor=actor, reason="accepted"
    )
    outbox.enqueue(
        session,
        kind=MessageKind.newcomer_paired,
        recipient=newcomer.email,
        link=locking.link(settings, "/"),
        program_id=pairing.program_id,
        pairing_id=pairing.id,
        language=newcomer.interface_language,
    )
    session.commit()
    return pairing


def decline(
    session: Session,
    *,
    actor: Principal,
    settings: Settings,
    pairing_id: int,
    reason: str,
    note: str | None = None,
) -> Pairing:
    """The mentor declines: the newcomer goes back to the queue, waiting time kept."""
    return _answer(
        session,
        actor=actor,
        settings=settings,
        pairing_id=pairing_id,
        to=S.declined,
        reason=reason,
        note=note,
    )
