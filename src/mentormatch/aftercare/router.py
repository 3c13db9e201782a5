"""The pairing's life in the API: the mentor logs a contact; the mentor and the program's
coordinators read the log (notes for coordinators only); the newcomer reads the rhythm and
checks in; both answer the fit check; coordinators read answers and check-ins."""

from __future__ import annotations

from fastapi import APIRouter, Response

from mentormatch.accounts.dependencies import (
    CoordinatorDep,
    MentorDep,
    NewcomerDep,
    StaffOrMentorDep,
)
from mentormatch.accounts.models import Role
from mentormatch.aftercare import checkins, contacts, fit, recovery_dates
from mentormatch.aftercare.checkins import CheckInBody, CheckInPage, CheckInPublic
from mentormatch.aftercare.models import Contact, FitCheck
from mentormatch.aftercare.schemas import (
    ContactCreate,
    ContactForCoordinator,
    ContactForMentor,
    ContactPage,
    EarlierDate,
    FitCheckBody,
    FitCheckForCoordinator,
    FitCheckPublic,
    NewcomerRhythm,
    StartAgainIn,
    StartedAgain,
)
from mentormatch.deps import Limit, NowDep, Offset, RowId, SessionDep, SettingsDep
from mentormatch.errors import error_responses
from mentormatch.newcomers import service as newcomers

router = APIRouter(tags=["pairing life"], responses=error_responses(401, 403))
PREFIX = "/api/v1/pairings/{pairing_id}/contacts"


def _for_mentor(contact: Contact) -> ContactForMentor:
    return ContactForMentor(
        id=contact.id,
        contacted_on=contact.contacted_on,
        mode=contact.mode,
        minutes=contact.minutes,
        has_note=bool(contact.note),
        created_at=contact.created_at,
    )


@router.post(
    PREFIX,
    response_model=ContactForMentor,
    status_code=201,
    responses=error_responses(404, 409, 413, 422),
)
def log_contact(
    pairing_id: RowId, body: ContactCreate, mentor: MentorDep, session: SessionDep, now: NowDep
) -> ContactForMentor:
    """Log a contact with your mentee (an active pairing of yours). The note goes to the
    program's coordinators only; you see that you left one."""
    contact = contacts.log_contact(session, actor=mentor, pairing_id=pairing_id, body=body, now=now)
    return _for_mentor(contact)


@router.get(PREFIX, response_model=ContactPage, responses=error_responses(404, 422))
def list_contacts(
    pairing_id: RowId,
    who: StaffOrMentorDep,
    session: SessionDep,
    now: NowDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ContactPage:
    """A pairing's contacts, latest first, with its rhythm: its mentor (without the notes)
    or its program's coordinators (with them)."""
    pairing, rows, total = contacts.list_contacts(
        session, actor=who, pairing_id=pairing_id, limit=limit, offset=offset
    )
    items: list[ContactForCoordinator] | list[ContactForMentor]
    if who.role is Role.coordinator:
        items = [ContactForCoordinator(**_for_mentor(c).model_dump(), note=c.note) for c in rows]
    else:
        items = [_for_mentor(c) for c in rows]
    return ContactPage(
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        rhythm=contacts.rhythm(session, pairing=pairing, now=now),
    )


@router.get("/api/v1/newcomers/me/rhythm", response_model=NewcomerRhythm)
def my_rhythm(me: NewcomerDep, session: SessionDep, now: NowDep) -> NewcomerRhythm:
    """How often you and your mentor have been in touch lately: counts and days only."""
    found = contacts.newcomer_rhythm(session, actor=me, now=now)
    return NewcomerRhythm(active=found is not None, rhythm=found)


@router.post(
    "/api/v1/pairings/{pairing_id}/fit-check",
    response_model=FitCheckPublic,
    status_code=201,
    responses=error_responses(404, 409, 422),
)
def mentor_fit_check(
    pairing_id: RowId,
    body: FitCheckBody,
    mentor: MentorDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> FitCheck:
    """Is this pairing a good fit? Asked once, after your first logged contact (or a little
    while after the pairing began); only the program's coordinators read your answer."""
    pairing = contacts.visible_pairing(session, actor=mentor, pairing_id=pairing_id)
    return fit.answer(
        session, actor=mentor, pairing=pairing, choice=body.answer, word=body.word,
        settings=settings, now=now,
    )  # fmt: skip


@router.post(
    "/api/v1/newcomers/me/fit-check",
    response_model=FitCheckPublic,
    status_code=201,
    responses=error_responses(404, 409, 422),
)
def newcomer_fit_check(
    body: FitCheckBody, me: NewcomerDep, session: SessionDep, settings: SettingsDep, now: NowDep
) -> FitCheck:
    """Is your mentor a good fit for you? Asked once; only your program's coordinators read
    your answer, never your mentor."""
    pairing = fit.own_pairing(session, actor=me)
    return fit.answer(
        session, actor=me, pairing=pairing, choice=body.answer, word=body.word,
        settings=settings, now=now,
    )  # fmt: skip


@router.get(
    "/api/v1/pairings/{pairing_id}/fit-checks",
    response_model=list[FitCheckForCoordinator],
    responses=error_responses(404, 422),
)
def fit_checks(
    pairing_id: RowId, coordinator: CoordinatorDep, session: SessionDep
) -> list[FitCheck]:
    """Both sides' answers to the fit check, with their words (at most one per side)."""
    pairing = contacts.visible_pairing(session, actor=coordinator, pairing_id=pairing_id)
    return fit.read_answers(session, actor=coordinator, pairing=pairing)


@router.post(
    "/api/v1/pairings/{pairing_id}/fit-checks/keep",
    status_code=204,
    responses=error_responses(404, 409, 422),
)
def keep_after_not_a_fit(
    pairing_id: RowId, coordinator: CoordinatorDep, session: SessionDep, now: NowDep
) -> Response:
    """Keep a pairing its mentor or newcomer found not a fit, after talking with them: it
    leaves "Needs action" (409 when no "not a fit" waits for a decision)."""
    fit.keep(session, actor=coordinator, pairing_id=pairing_id, now=now)
    return Response(status_code=204)


@router.post(
    "/api/v1/newcomers/me/check-ins",
    response_model=CheckInPublic,
    status_code=201,
    responses=error_responses(409, 422),
)
def check_in(
    body: CheckInBody, me: NewcomerDep, session: SessionDep, settings: SettingsDep, now: NowDep
) -> CheckInPublic:
    """How are things? If you are in danger now, the answer carries your program's crisis
    resources, and its coordinators are asked to reach you at once. Your mentor never sees
    a check-in."""
    row = checkins.record(session, actor=me, body=body, now=now, settings=settings)
    session.commit()
    crisis: dict = {}
    if row.in_danger:
        _, rules = newcomers.own_program(session, principal=me, settings=settings)
        crisis = newcomers.crisis_payload(rules)
    return CheckInPublic.model_validate(
        {**CheckInPublic.model_validate(row).model_dump(), **crisis}
    )


@router.post(
    "/api/v1/newcomers/me/start-again",
    response_model=StartedAgain,
    responses=error_responses(409, 422),
)
def start_again(
    body: StartAgainIn, me: NewcomerDep, session: SessionDep, now: NowDep
) -> StartedAgain:
    """Count your milestones from a new recovery start date, after a return to use. The date
    it replaces is kept for you alone (here and in your export), never shown to a mentor.
    409 naming `started_on` for a date not after your current one: correct that with
    `PATCH /api/v1/newcomers/me`."""
    earlier = recovery_dates.start_again(session, actor=me, started_on=body.started_on, now=now)
    session.commit()
    return StartedAgain(
        recovery_start=body.started_on,
        earlier=[EarlierDate.model_validate(row) for row in earlier],
    )


@router.get(
    "/api/v1/newcomers/{newcomer_id}/check-ins",
    response_model=CheckInPage,
    responses=error_responses(404, 422),
)
def newcomer_check_ins(
    newcomer_id: RowId,
    coordinator: CoordinatorDep,
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
) -> CheckInPage:
    """A newcomer's check-ins, newest first, with the true total (each read audited)."""
    rows, total = checkins.for_coordinator(
        session, actor=coordinator, newcomer_id=newcomer_id, limit=limit, offset=offset
    )
    session.commit()
    return CheckInPage.model_validate(
        {"items": rows, "total": total, "limit": limit, "offset": offset}, from_attributes=True
    )
