"""Per program: the decisions that teach, weights learned from them, and an admin's verdict.

A proposal is made on request (an admin asks), once the program has at least its setting
`learn_min_decisions` of decisions that teach; it is stored with the weights in force, the
held-out comparison and the labels it was learned from. Adopting writes the proposed
weights through the settings-change path (`settings_change.change`: recorded, with who,
versioned) and nothing else: no hard rule, no other setting. Dismissing is recorded too.
Nothing here runs on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from mentormatch import error_words
from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.decisions import outcomes
from mentormatch.decisions.models import MatchDecision, ShownList, WeightProposal
from mentormatch.errors import Conflict, NotFound
from mentormatch.i18n import N_, said
from mentormatch.matching import learning
from mentormatch.programs import settings_change
from mentormatch.programs.models import Program
from mentormatch.programs.settings import effective

OPEN, ADOPTED, DISMISSED = "open", "adopted", "dismissed"
OBJECT: Final = "program"


@dataclass(frozen=True, slots=True)
class State:
    """How far a program is from a proposal, and its latest proposal."""

    decisions: int  # decisions that teach
    recorded: int  # all decisions recorded
    needed: int  # the program's learn_min_decisions
    current: dict[str, float]
    latest: WeightProposal | None
    outcomes: dict[str, int]  # outcomes of each kind (`decisions.outcomes.LABELS`)
    outcomes_needed: int  # the program's learn_min_outcomes


def _teaching(program_id: int) -> ColumnElement[bool]:
    return (MatchDecision.program_id == program_id) & MatchDecision.teaches.is_(True)


def state(session: Session, *, program: Program, settings: Settings) -> State:
    """The counts, the setting and the latest proposal of the program."""
    ruled = effective(program, settings)
    count = select(func.count()).select_from(MatchDecision)
    latest = session.scalars(
        select(WeightProposal)
        .where(WeightProposal.program_id == program.id)
        .order_by(WeightProposal.id.desc())
        .limit(1)
    ).first()
    return State(
        decisions=session.scalar(count.where(_teaching(program.id))) or 0,
        recorded=session.scalar(count.where(MatchDecision.program_id == program.id)) or 0,
        needed=ruled.learn_min_decisions,
        current=dict(ruled.weights),
        latest=latest,
        outcomes=outcomes.counts(outcomes.of_program(session, program_id=program.id)),
        outcomes_needed=ruled.learn_min_outcomes,
    )


def choices(
    session: Session, *, program_id: int, outcomes_needed: int
) -> tuple[list[learning.Choice], list[str]]:
    """The program's teaching decisions, and the outcomes of each kind it has at least
    `outcomes_needed` of (`decisions.outcomes`), as choices, one per shown list, oldest
    first; and the labels they came from (kinds of decision, then of outcome)."""
    rows = session.execute(
        select(MatchDecision, ShownList)
        .join(ShownList, ShownList.id == MatchDecision.shown_list_id)
        .where(_teaching(program_id))
        .order_by(ShownList.id, MatchDecision.id)
    ).all()
    # per shown list: (mentor, their criterion values, label, preferred to the others?)
    entries: dict[int, list[tuple[int | None, dict[str, float], str, bool]]] = {}
    lists: dict[int, ShownList] = {}
    for decision, shown in rows:
        lists[shown.id] = shown
        entries.setdefault(shown.id, []).append(
            (decision.mentor_id, decision.components, decision.kind, decision.kind == "approved")
        )
    found = outcomes.usable(
        outcomes.of_program(session, program_id=program_id), needed=outcomes_needed
    )
    for o in found:
        entries.setdefault(o.shown_list_id, []).append(
            (o.mentor_id, o.components, o.label, o.better)
        )
    missing = set(entries) - set(lists)
    if missing:
        lists |= {
            s.id: s for s in session.scalars(select(ShownList).where(ShownList.id.in_(missing)))
        }
    out: list[learning.Choice] = []
    labels: set[str] = set()
    for list_id in sorted(entries):
        mentors = list(lists[list_id].mentors)
        ids = [int(m["mentor_id"]) for m in mentors]
        rows_of = [learning.as_vector(m["components"]) for m in mentors]
        chosen: list[int] = []
        against: list[int] = []
        for mentor_id, components, label, preferred in entries[list_id]:
            if mentor_id not in ids:  # decided on a mentor not shown: compared with those
                ids.append(mentor_id)  # type: ignore[arg-type]
                rows_of.append(learning.as_vector(components))
            spot = ids.index(mentor_id)  # type: ignore[arg-type]
            (chosen if preferred else against).append(spot)
            labels.add(label)
        out.append(
            learning.Choice(np.vstack(rows_of), chosen=tuple(chosen), against=tuple(against))
        )
    return out, [k for k in (*learning.KINDS, *outcomes.LABELS) if k in labels]


def propose(
    session: Session, *, actor: Principal, program: Program, settings: Settings
) -> WeightProposal:
    """Learn weights from the program's decisions and store the proposal (409 naming
    `decisions` while there are fewer than the program's `learn_min_decisions`). Commits."""
    now = state(session, program=program, settings=settings)
    if now.decisions < now.needed:
        raise Conflict(
            said(
                "decisions: %(decisions)s decisions about fit recorded; %(needed)s are "
                "needed before weights are learned (the program's setting "
                "learn_min_decisions)",
                decisions=now.decisions,
                needed=now.needed,
            ),
            field="decisions",
        )
    found, labels = choices(session, program_id=program.id, outcomes_needed=now.outcomes_needed)
    try:
        made = learning.propose(found, now.current, labels=labels)
    except ValueError as exc:
        raise Conflict(
            said("decisions: %(problem)s", problem=error_words.reason(exc)), field="decisions"
        ) from None
    row = WeightProposal(
        program_id=program.id,
        created_at=utcnow(),
        created_by=actor.user_id,
        weights=made.weights,
        std=made.std,
        current=made.current,
        decisions=made.decisions,
        held_out=made.held_out,
        comparison={
            "current": {"ndcg": made.before.ndcg, "mean_rank": made.before.mean_rank},
            "proposed": {"ndcg": made.after.ndcg, "mean_rank": made.after.mean_rank},
            "lists": made.after.lists,
        },
        labels=made.labels,
        status=OPEN,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, action="propose_weights", object_type=OBJECT, object_id=program.id
    )
    session.commit()
    return row


def _open(session: Session, program: Program, proposal_id: int) -> WeightProposal:
    row = session.get(WeightProposal, proposal_id)
    if row is None or row.program_id != program.id:
        raise NotFound(N_("no such proposal"))
    if row.status != OPEN:
        raise Conflict(
            said("status: this proposal was already %(status)s", status=said(row.status)),
            field="status",
        )
    return row


def adopt(
    session: Session, *, actor: Principal, program: Program, proposal_id: int, settings: Settings
) -> WeightProposal:
    """Put the proposal's weights in force through the settings-change record (409 when
    the weights changed since it was made, or it was already decided). Commits."""
    row = _open(session, program, proposal_id)
    if dict(effective(program, settings).weights) != row.current:
        raise Conflict(
            N_("weights: the weights changed since this proposal was made; make a new proposal"),
            field="weights",
        )
    row.status, row.decided_at, row.decided_by = ADOPTED, utcnow(), actor.user_id
    audit.record(
        session, actor=actor, action="adopt_weights", object_type=OBJECT, object_id=program.id
    )
    settings_change.change(
        session,
        actor=actor,
        program=program,
        changes={"weights": dict(row.weights)},
        settings_version=program.settings_version,
        settings=settings,
    )
    session.commit()  # also when the weights were already the proposal's (no change rows)
    return row


def dismiss(
    session: Session, *, actor: Principal, program: Program, proposal_id: int
) -> WeightProposal:
    """Record that an admin did not adopt the proposal (409 when already decided). Commits."""
    row = _open(session, program, proposal_id)
    row.status, row.decided_at, row.decided_by = DISMISSED, utcnow(), actor.user_id
    audit.record(
        session, actor=actor, action="dismiss_weights", object_type=OBJECT, object_id=program.id
    )
    session.commit()
    return row
