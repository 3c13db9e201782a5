"""Assessments in the API: the questionnaires (admins add one), a newcomer's own answers,
and a coordinator's from a call; totals and their change, answers as the definition allows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from mentormatch.accounts.dependencies import AdminDep, CoordinatorDep, NewcomerDep, require
from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.assessments import service
from mentormatch.assessments.definitions import BARC10_CODE, Code, InstrumentDefinition
from mentormatch.assessments.models import Instrument
from mentormatch.deps import NowDep, RowId, SessionDep
from mentormatch.errors import Invalid, error_responses
from mentormatch.i18n import N_, said

router = APIRouter(tags=["assessments"], responses=error_responses(401, 403))
Reader = Annotated[Principal, Depends(require(Role.admin, Role.coordinator, Role.newcomer))]


class InstrumentPublic(BaseModel):
    id: int
    code: str
    name: str
    definition: InstrumentDefinition


def _whole(value: Any) -> Any:
    """A JSON number without a fraction (4 or 4.0); never true/false or "4"."""
    if isinstance(value, bool | str):
        raise ValueError(N_("a whole number"))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole)]


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: Code = Field(description="The item's code (`definition.items[].code`)")
    value: Whole = Field(ge=-100, le=100, description="A value of the questionnaire's scale")


class AnswersIn(BaseModel):
    """A completed questionnaire: every item's answer, by item code."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "instrument": BARC10_CODE,
                    "answers": [{"item": f"q{n}", "value": 4} for n in range(1, 11)],
                    "language": "en",
                }
            ]
        },
    )

    instrument: Code = Field(description="The questionnaire's code (GET /api/v1/instruments)")
    answers: list[Answer] = Field(
        max_length=100, description="Each item's answer, once: a value of the scale"
    )
    language: str = Field(default="en", max_length=10, description="The wording answered")


class AssessmentPublic(BaseModel):
    id: int
    instrument: str = Field(description="The questionnaire's code")
    total: int
    change: int | None = Field(description="Since the first of this questionnaire; none for it")
    taken_at: datetime
    entered_by_coordinator: bool = Field(description="Entered by a coordinator from a call")
    language: str = Field(description="The language of the wording answered")
    validated_wording: bool = Field(
        description="False when that wording is a translation not validated for the questionnaire"
    )
    answers: dict[str, int] | None = Field(
        description="Each answer, for the roles the questionnaire names; otherwise null"
    )


class AssessmentPage(BaseModel):
    total: int = Field(description="How many the newcomer has, all shown (newest first)")
    items: list[AssessmentPublic]


def _shown(scored: service.Scored, actor: Principal) -> AssessmentPublic:
    definition = service.definition_of(scored.instrument)
    sees = actor.role is Role.newcomer or str(actor.role) in definition.answers_seen_by
    return AssessmentPublic(
        id=scored.row.id,
        instrument=scored.instrument.code,
        total=scored.row.total,
        change=scored.change,
        taken_at=scored.row.taken_at,
        entered_by_coordinator=scored.row.entered_by is not None,
        language=scored.row.language,
        validated_wording=definition.validated_in(scored.row.language),
        answers=dict(scored.row.answers) if sees else None,
    )


def _public(row: Instrument) -> InstrumentPublic:
    return InstrumentPublic(
        id=row.id, code=row.code, name=row.name, definition=service.definition_of(row)
    )


@router.get("/api/v1/instruments", response_model=list[InstrumentPublic])
def list_instruments(actor: Reader, session: SessionDep) -> list[InstrumentPublic]:
    """The questionnaires this service offers (BARC-10 first), with items and scale."""
    return [_public(row) for row in service.instruments(session)]


@router.post(
    "/api/v1/instruments",
    response_model=InstrumentPublic,
    status_code=201,
    responses=error_responses(409, 422),
)
def add_instrument(
    body: InstrumentDefinition, admin: AdminDep, session: SessionDep, now: NowDep
) -> InstrumentPublic:
    """Add a questionnaire, such as a funder's items, without a release (409 naming `code`
    when that code is taken)."""
    return _public(service.add_instrument(session, actor=admin, definition=body, now=now))


def _record(session: SessionDep, actor: Principal, newcomer_id: int, body: AnswersIn,
            now: datetime) -> AssessmentPublic:  # fmt: skip
    newcomer = service.newcomer_for(session, actor, newcomer_id)
    given = [answer.item for answer in body.answers]
    twice = next((item for item in given if given.count(item) > 1), None)
    if twice is not None:
        raise Invalid(said("answers: %(twice)s is answered twice", twice=twice), field="answers")
    scored = service.record(
        session,
        actor=actor,
        newcomer=newcomer,
        instrument=service.instrument(session, body.instrument),
        answers={answer.item: answer.value for answer in body.answers},
        language=body.language,
        now=now,
    )
    session.commit()
    return _shown(scored, actor)


@router.post(
    "/api/v1/newcomers/me/assessments",
    response_model=AssessmentPublic,
    status_code=201,
    responses=error_responses(404, 422),
)
def answer_own(
    body: AnswersIn, me: NewcomerDep, session: SessionDep, now: NowDep
) -> AssessmentPublic:
    """Answer a questionnaire yourself. Only you and your program's coordinators read it;
    your mentor never does."""
    return _record(session, me, me.newcomer_id or 0, body, now)


@router.get(
    "/api/v1/newcomers/me/assessments",
    response_model=AssessmentPage,
)
def own_assessments(me: NewcomerDep, session: SessionDep) -> AssessmentPage:
    """Your questionnaires, newest first, with each total's change since your first."""
    newcomer = service.newcomer_for(session, me, me.newcomer_id or 0)
    rows = service.history(session, actor=me, newcomer=newcomer)
    session.commit()
    return AssessmentPage(total=len(rows), items=[_shown(s, me) for s in rows])


@router.post(
    "/api/v1/newcomers/{newcomer_id}/assessments",
    response_model=AssessmentPublic,
    status_code=201,
    responses=error_responses(404, 422),
)
def enter_from_a_call(
    newcomer_id: RowId, body: AnswersIn, coordinator: CoordinatorDep, session: SessionDep,
    now: NowDep,
) -> AssessmentPublic:  # fmt: skip
    """Enter the answers a newcomer gave on a call (recorded as entered by you)."""
    return _record(session, coordinator, newcomer_id, body, now)


@router.get(
    "/api/v1/newcomers/{newcomer_id}/assessments",
    response_model=AssessmentPage,
    responses=error_responses(404, 422),
)
def newcomer_assessments(
    newcomer_id: RowId, coordinator: CoordinatorDep, session: SessionDep
) -> AssessmentPage:
    """A newcomer's questionnaires, newest first (audited); each answer only if the
    questionnaire lets coordinators read answers."""
    newcomer = service.newcomer_for(session, coordinator, newcomer_id)
    rows = service.history(session, actor=coordinator, newcomer=newcomer)
    session.commit()
    return AssessmentPage(total=len(rows), items=[_shown(s, coordinator) for s in rows])
