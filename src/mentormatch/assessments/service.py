"""Recording and reading assessments.

A newcomer answers from their status link; a coordinator of their program enters the answers
from a call. Every item is answered on the questionnaire's scale, or nothing is kept (422
naming `answers.<item>`). The total is the items' sum. The newcomer and their program's
coordinators read the totals and their change over time; each answer only those the
definition names (`answers_seen_by`); a mentor never. Writing and reading are audited on the
newcomer's record; the answers go with the newcomer at erasure (ON DELETE CASCADE) and are
in their export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.assessments.definitions import BARC10, InstrumentDefinition
from mentormatch.assessments.models import Assessment, Instrument
from mentormatch.audit import service as audit
from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs import scope

OBJECT = "newcomer"
WRITE = "assessment"
READ = "read_assessments"
ADDED = "add_instrument"
NO_SUCH_NEWCOMER = N_("no such newcomer")
# The questionnaires that ship with the service, written on first use.
SHIPPED = (InstrumentDefinition.model_validate(BARC10),)


@dataclass(frozen=True)
class Scored:
    """An assessment as read back: its instrument, total, change since the first, answers."""

    row: Assessment
    instrument: Instrument
    change: int | None  # since the newcomer's first of this questionnaire; none for the first


def definition_of(instrument: Instrument) -> InstrumentDefinition:
    return InstrumentDefinition.model_validate(instrument.definition)


def _ensure_shipped(session: Session) -> None:
    """Write the definitions that ship (BARC-10) the first time they are needed, and bring a
    stored one up to this release's wording (a new language, say). Items and scale values
    keep their codes, so earlier answers keep their meaning."""
    for shipped in SHIPPED:
        wanted = shipped.model_dump(mode="json")
        stored = session.scalar(select(Instrument).where(Instrument.code == shipped.code))
        if stored is not None:
            if stored.created_by is None and stored.definition != wanted:
                stored.definition = wanted
            continue
        try:
            with session.begin_nested():
                session.add(Instrument(code=shipped.code, name=shipped.name, definition=wanted))
        except IntegrityError:
            pass  # another request wrote it first


def instruments(session: Session) -> list[Instrument]:
    _ensure_shipped(session)
    return list(session.scalars(select(Instrument).order_by(Instrument.id)))


def instrument(session: Session, code: str) -> Instrument:
    _ensure_shipped(session)
    found = session.scalar(select(Instrument).where(Instrument.code == code))
    if found is None:
        raise NotFound(
            said("instrument: no questionnaire %(code)s", code=repr(code)), field="instrument"
        )
    return found


def add_instrument(
    session: Session, *, actor: Principal, definition: InstrumentDefinition, now: datetime
) -> Instrument:
    """A new questionnaire (admins); 409 naming `code` when the code is taken. Commits."""
    row = Instrument(
        code=definition.code,
        name=definition.name,
        definition=definition.model_dump(mode="json"),
        created_at=now,
        created_by=actor.user_id,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Conflict(
            said("code: a questionnaire %(code)s exists", code=repr(definition.code)), field="code"
        ) from None
    audit.record(session, actor=actor, action=ADDED, object_type="instrument", object_id=row.id)
    session.commit()
    return row


def newcomer_for(session: Session, actor: Principal, newcomer_id: int) -> Newcomer:
    """The newcomer the actor may assess: their own record, or one of the coordinator's
    programs (404 like a missing one otherwise)."""
    newcomer = session.get(Newcomer, newcomer_id)
    if newcomer is None:
        raise NotFound(NO_SUCH_NEWCOMER)
    if actor.role is Role.newcomer:
        if actor.newcomer_id != newcomer.id:
            raise NotFound(NO_SUCH_NEWCOMER)
    else:
        scope.ensure_visible(actor, newcomer.program_id, NO_SUCH_NEWCOMER)
    return newcomer


def check_answers(definition: InstrumentDefinition, answers: dict[str, int]) -> int:
    """The total, or 422 naming the first item unanswered, unknown or off the scale."""
    allowed = {choice.value for choice in definition.scale}
    for item in definition.items:
        value = answers.get(item.code)
        if value is None:
            raise Invalid(said("answers.%(code)s: please answer every statement", code=item.code),
                          field=f"answers.{item.code}")  # fmt: skip
        if value not in allowed:
            raise Invalid(
                said(
                    "answers.%(code)s: one of %(value)s",
                    code=item.code,
                    value=", ".join(str(v) for v in sorted(allowed)),
                ),
                field=f"answers.{item.code}",
            )
    extra = sorted(set(answers) - {item.code for item in definition.items})
    if extra:
        raise Invalid(said("answers.%(code)s: not an item of this questionnaire", code=extra[0]),
                      field=f"answers.{extra[0]}")  # fmt: skip
    return sum(answers[item.code] for item in definition.items)


def record(
    session: Session,
    *,
    actor: Principal,
    newcomer: Newcomer,
    instrument: Instrument,
    answers: dict[str, int],
    language: str,
    now: datetime,
) -> Scored:
    """Keep a completed questionnaire (the caller commits)."""
    definition = definition_of(instrument)
    if language not in definition.languages:
        worded = ", ".join(definition.languages)
        raise Invalid(
            said("language: this questionnaire is worded in %(worded)s", worded=worded),
            field="language",
        )
    total = check_answers(definition, answers)
    row = Assessment(
        newcomer_id=newcomer.id,
        program_id=newcomer.program_id,
        instrument_id=instrument.id,
        answers={item.code: answers[item.code] for item in definition.items},
        total=total,
        language=language,
        taken_at=now,
        entered_by=actor.user_id if actor.role is Role.coordinator else None,
    )
    baseline = session.scalar(
        select(Assessment.total)
        .where(Assessment.newcomer_id == newcomer.id, Assessment.instrument_id == instrument.id)
        .order_by(Assessment.taken_at, Assessment.id)
        .limit(1)
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action=WRITE, object_type=OBJECT, object_id=newcomer.id)
    return Scored(row, instrument, None if baseline is None else row.total - baseline)


def scored(session: Session, newcomer_id: int) -> list[Scored]:
    """The newcomer's assessments, newest first, each with its change since their first of
    the same questionnaire (not audited: for a page whose own read is)."""
    rows = list(
        session.scalars(
            select(Assessment)
            .where(Assessment.newcomer_id == newcomer_id)
            .order_by(Assessment.taken_at, Assessment.id)
        )
    )
    by_id = {i.id: i for i in instruments(session)}
    first: dict[int, int] = {}
    shown = []
    for row in rows:
        baseline = first.get(row.instrument_id)
        change = None if baseline is None else row.total - baseline
        first.setdefault(row.instrument_id, row.total)
        shown.append(Scored(row, by_id[row.instrument_id], change))
    return list(reversed(shown))


def history(session: Session, *, actor: Principal, newcomer: Newcomer) -> list[Scored]:
    """`scored`, audited as a read of the newcomer's record."""
    audit.record_read(session, actor=actor, action=READ, object_type=OBJECT, object_id=newcomer.id)
    return scored(session, newcomer.id)
