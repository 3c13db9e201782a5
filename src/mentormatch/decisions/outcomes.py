"""Outcomes that teach the weights beside the decisions (issue 19): what happened after a
coordinator approved a mentor from a shown list.

- `retained`: the pairing held to its planned end (it graduated: ended `completed`). The
  approved mentor is then preferred, once more, to the others shown. An early end is a
  decision already (`ended_early`, teaching only for a reason about fit).
- `recovery_capital`: the newcomer's BARC-10 total from their baseline (the latest taken no
  later than 30 days after the pairing began) to their follow-up (the first taken 150 days
  or more after it began, the 180-day window's opening). A rise of `MIN_CHANGE` points or
  more prefers the approved mentor to the others shown; a fall as large counts against them;
  a smaller change says nothing. Recovery capital moves for many reasons besides the mentor,
  so this label is the weaker one; it is used only when a program has enough of them.

Each kind of outcome teaches only once the program has at least its setting
`learn_min_outcomes` of that kind; the admin sees each count and which labels a proposal
was learned from. Totals only: no answer to a questionnaire is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.assessments.definitions import BARC10_CODE
from mentormatch.assessments.models import Assessment, Instrument
from mentormatch.decisions.models import MatchDecision
from mentormatch.pairings import lifecycle
from mentormatch.pairings.models import Pairing, PairingEvent, PairingStatus

RETAINED: Final = "retained"
RECOVERY_CAPITAL: Final = "recovery_capital"
LABELS: Final = (RETAINED, RECOVERY_CAPITAL)
# BARC-10 points (of 10-60) that count as a change: half a point on each statement.
MIN_CHANGE: Final = 5
BASELINE_AFTER: Final = timedelta(days=30)  # a baseline may come this long after the start
FOLLOW_UP_FROM: Final = timedelta(days=150)  # the 180-day follow-up window opens


@dataclass(frozen=True, slots=True)
class Outcome:
    """An outcome of a pairing approved from a shown list, for or against its mentor."""

    shown_list_id: int
    mentor_id: int
    components: dict[str, float]
    better: bool  # True: the approved mentor preferred; False: counted against them
    label: str


def of_program(session: Session, *, program_id: int) -> list[Outcome]:
    """Every outcome of the program's pairings approved from a shown list, oldest list first."""
    approvals = session.execute(
        select(MatchDecision.shown_list_id, MatchDecision.pairing_id, MatchDecision.mentor_id,
               MatchDecision.components, Pairing.newcomer_id)
        .join(Pairing, Pairing.id == MatchDecision.pairing_id)
        .where(MatchDecision.program_id == program_id, MatchDecision.kind == "approved",
               MatchDecision.mentor_id.is_not(None))
        .order_by(MatchDecision.shown_list_id, MatchDecision.id)
    ).all()  # fmt: skip
    if not approvals:
        return []
    pairing_ids = [row.pairing_id for row in approvals]
    began = _first(session, pairing_ids, PairingEvent.to_status == PairingStatus.active.value)
    completed = _first(
        session, pairing_ids,
        (PairingEvent.to_status == PairingStatus.ended.value)
        & (PairingEvent.reason == lifecycle.COMPLETED),
    )  # fmt: skip
    totals = _barc10_totals(session, [row.newcomer_id for row in approvals])
    found: list[Outcome] = []
    for row in approvals:
        start = began.get(row.pairing_id)
        if start is None:
            continue  # never began: the decisions say what happened
        made = (row.shown_list_id, row.mentor_id, dict(row.components))
        if row.pairing_id in completed:
            found.append(Outcome(*made, better=True, label=RETAINED))
        change = _change(totals.get(row.newcomer_id, []), start)
        if change is not None and abs(change) >= MIN_CHANGE:
            found.append(Outcome(*made, better=change > 0, label=RECOVERY_CAPITAL))
    return found


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    return {label: sum(o.label == label for o in outcomes) for label in LABELS}


def usable(outcomes: list[Outcome], *, needed: int) -> list[Outcome]:
    """The outcomes of each kind the program has at least `needed` of."""
    enough = {label for label, n in counts(outcomes).items() if n >= needed}
    return [o for o in outcomes if o.label in enough]


def _first(session: Session, pairing_ids: list[int], which: Any) -> dict[int, datetime]:
    rows = session.execute(
        select(PairingEvent.pairing_id, PairingEvent.at)
        .where(PairingEvent.pairing_id.in_(pairing_ids), which)
        .order_by(PairingEvent.id)
    )
    first: dict[int, datetime] = {}
    for pairing_id, at in rows:
        first.setdefault(pairing_id, at)
    return first


def _barc10_totals(
    session: Session, newcomer_ids: list[int]
) -> dict[int, list[tuple[datetime, int]]]:
    rows = session.execute(
        select(Assessment.newcomer_id, Assessment.taken_at, Assessment.total)
        .join(Instrument, Instrument.id == Assessment.instrument_id)
        .where(Instrument.code == BARC10_CODE, Assessment.newcomer_id.in_(set(newcomer_ids)))
        .order_by(Assessment.taken_at, Assessment.id)
    )
    totals: dict[int, list[tuple[datetime, int]]] = {}
    for newcomer_id, at, total in rows:
        totals.setdefault(newcomer_id, []).append((at, total))
    return totals


def _change(taken: list[tuple[datetime, int]], start: datetime) -> int | None:
    """Follow-up total minus baseline total around a pairing that began at `start`."""
    baseline = [total for at, total in taken if at <= start + BASELINE_AFTER]
    follow_up = [total for at, total in taken if at >= start + FOLLOW_UP_FROM]
    if not baseline or not follow_up:
        return None
    return follow_up[0] - baseline[-1]
