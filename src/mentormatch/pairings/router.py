"""Pairing routes: coordinator approval and proposals, mentor answers, ending, the outbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from mentormatch.accounts.dependencies import (
    CoordinatorDep,
    MentorDep,
    NewcomerDep,
    StaffOrMentorDep,
)
from mentormatch.accounts.models import Role
from mentormatch.deps import Limit, NowDep, Offset, RowId, SessionDep, SettingsDep
from mentormatch.errors import error_responses
from mentormatch.matching.service import RankerDep
from mentormatch.openapi import link
from mentormatch.pairings import ending, outbox, queries, requests, views, whole_pool
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.schemas import (
    ApproveBody,
    DeclineBody,
    EndBody,
    OutboxMessagePublic,
    OutboxPage,
    PairingCreate,
    PairingDetail,
    PairingForMentor,
    PairingPage,
    PairingPublic,
    ProposalSummary,
    RejectBody,
)
from mentormatch.references import Reference

router = APIRouter(tags=["pairings"], responses=error_responses(401, 403))
PREFIX = "/api/v1/pairings"

_THIS_PAIRING = {"path.pairing_id": "$response.body#/id"}
_SAME_PAIRING = {"path.pairing_id": "$request.path.pairing_id"}
ASKED_LINKS = {
    "Accept": link("pairings_accept", "The mentor accepts", parameters=_THIS_PAIRING),
    "Decline": link("pairings_decline", "The mentor declines", parameters=_THIS_PAIRING),
    "Withdraw": link(
        "pairings_reject", "The coordinator withdraws the request", parameters=_THIS_PAIRING
    ),
    "Read": link("pairings_read_pairing", "The pairing and its history", parameters=_THIS_PAIRING),
    "ReadAsMentor": link(
        "pairings_my_pairing", "The request as the mentor sees it", parameters=_THIS_PAIRING
    ),
}
ACCEPTED_LINKS = {
    "End": link("pairings_end", "End the pairing", parameters=_SAME_PAIRING),
    "ReadAsMentor": link(
        "pairings_my_pairing", "The pairing with the contact details", parameters=_SAME_PAIRING
    ),
}
_FIRST_PROPOSED = {"path.pairing_id": "$response.body#/pairings/0/id"}
PROPOSAL_LINKS = {
    "ApproveFirst": link("pairings_approve", "Approve a proposal", parameters=_FIRST_PROPOSED),
    "RejectFirst": link("pairings_reject", "Reject a proposal", parameters=_FIRST_PROPOSED),
}
APPROVED_LINKS = {
    "Accept": link("pairings_accept", "The mentor accepts", parameters=_SAME_PAIRING),
    "Decline": link("pairings_decline", "The mentor declines", parameters=_SAME_PAIRING),
}
_TRANSITION_ERRORS = error_responses(404, 409, 413, 422)


@router.post(
    PREFIX,
    response_model=PairingDetail,
    status_code=201,
    responses={201: {"links": ASKED_LINKS}, **_TRANSITION_ERRORS},
)
def create_pairing(
    body: PairingCreate,
    coordinator: CoordinatorDep,
    session: SessionDep,
    settings: SettingsDep,
    ranker: RankerDep,
) -> Pairing:
    """Approve a specific pair now: the mentor is asked. 409 if capacity or state forbids it,
    422 if the pair breaks a hard rule."""
    return requests.create_approved(
        session,
        actor=coordinator,
        ranker=ranker,
        settings=settings,
        newcomer_id=body.newcomer_id,
        mentor_id=body.mentor_id,
        note=body.note,
    )


@router.post(
    f"{PREFIX}/proposals",
    response_model=ProposalSummary,
    status_code=201,
    responses={201: {"links": PROPOSAL_LINKS}, **error_responses(404, 422)},
)
def propose(
    coordinator: CoordinatorDep,
    session: SessionDep,
    settings: SettingsDep,
    ranker: RankerDep,
    program_id: Annotated[
        RowId | None,
        Query(description="Propose for this program only (default: each of yours in turn)"),
    ] = None,
) -> ProposalSummary:
    """Whole-pool proposal: the best assignment of waiting newcomers under capacity and hard
    rules, weighing waiting time by the program's `wait_weight` (default: longest waiting
    first). Creates `proposed` pairings to review, each with its reasons; the summary names
    who was left out and why, longest waiting first. 404 for a program not yours."""
    return whole_pool.propose(
        session, actor=coordinator, ranker=ranker, settings=settings, program_id=program_id
    )


@router.get(PREFIX, response_model=PairingPage, responses=error_responses(422))
def list_pairings(
    coordinator: CoordinatorDep,
    session: SessionDep,
    settings: SettingsDep,
    status: PairingStatus | None = None,
    newcomer_id: RowId | None = None,
    mentor_id: RowId | None = None,
    reference: Reference | None = None,
    needs_action: Annotated[
        bool,
        Query(
            description="Only declined or expired requests not yet followed up: the newcomer "
            "still waits and asked nobody since (the web's 'Needs action' tab)"
        ),
    ] = False,
    program_id: Annotated[RowId | None, Query(description="Only this program's")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PairingPage:
    """Pairings, newest first, filtered by status, newcomer, mentor, program or public
    reference (the "Newcomer K7QX2MPA" a mentor sees); `needs_action=true` keeps the requests
    a coordinator must follow up. `total` counts every pairing the filters keep. Listing
    proposals first withdraws those that no longer hold (their history says why)."""
    rows, total = queries.list_pairings(
        session,
        actor=coordinator,
        settings=settings,
        status=status,
        newcomer_id=newcomer_id,
        mentor_id=mentor_id,
        reference=reference,
        needs_action=needs_action,
        program_id=program_id,
        limit=limit,
        offset=offset,
    )
    items = [PairingPublic.model_validate(r) for r in rows]
    return PairingPage(items=items, total=total, limit=limit, offset=offset)


@router.get(
    PREFIX + "/{pairing_id}", response_model=PairingDetail, responses=error_responses(404, 422)
)
def read_pairing(
    pairing_id: RowId, coordinator: CoordinatorDep, session: SessionDep, settings: SettingsDep
) -> Pairing:
    """One pairing with its full history (who, when, why)."""
    return queries.get_pairing(session, actor=coordinator, settings=settings, pairing_id=pairing_id)


@router.post(
    PREFIX + "/{pairing_id}/approve",
    response_model=PairingDetail,
    responses={200: {"links": APPROVED_LINKS}, **_TRANSITION_ERRORS},
)
def approve(
    pairing_id: RowId,
    coordinator: CoordinatorDep,
    session: SessionDep,
    settings: SettingsDep,
    ranker: RankerDep,
    body: ApproveBody | None = None,
) -> Pairing:
    """Approve a proposed pairing: the mentor is asked."""
    return requests.approve(
        session,
        actor=coordinator,
        ranker=ranker,
        settings=settings,
        pairing_id=pairing_id,
        note=body.note if body else None,
    )


@router.post(
    PREFIX + "/{pairing_id}/reject", response_model=PairingDetail, responses=_TRANSITION_ERRORS
)
def reject(
    pairing_id: RowId,
    body: RejectBody,
    coordinator: CoordinatorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Pairing:
    """Reject a proposed pairing, or withdraw a request the mentor has not answered."""
    return requests.reject(
        session,
        actor=coordinator,
        settings=settings,
        pairing_id=pairing_id,
        reason=body.reason,
        note=body.note,
    )


@router.post(
    PREFIX + "/{pairing_id}/accept",
    response_model=PairingForMentor,
    responses={200: {"links": ACCEPTED_LINKS}, **error_responses(404, 409, 422)},
)
def accept(
    pairing_id: RowId, mentor: MentorDep, session: SessionDep, settings: SettingsDep, now: NowDep
) -> PairingForMentor:
    """Accept a request: you now see the contact details the newcomer agreed to share."""
    pairing = requests.accept(session, actor=mentor, settings=settings, pairing_id=pairing_id)
    return views.for_mentor(session, pairing=pairing, now=now)


@router.post(
    PREFIX + "/{pairing_id}/decline",
    response_model=PairingForMentor,
    responses=_TRANSITION_ERRORS,
)
def decline(
    pairing_id: RowId,
    body: DeclineBody,
    mentor: MentorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> PairingForMentor:
    """Decline a request, with a reason; the newcomer keeps their place in the queue."""
    pairing = requests.decline(
        session,
        actor=mentor,
        settings=settings,
        pairing_id=pairing_id,
        reason=body.reason,
        note=body.note,
    )
    return views.for_mentor(session, pairing=pairing)


@router.post(
    PREFIX + "/{pairing_id}/end",
    response_model=PairingPublic | PairingForMentor,
    responses=_TRANSITION_ERRORS,
)
def end(
    pairing_id: RowId, body: EndBody, who: StaffOrMentorDep, session: SessionDep
) -> PairingPublic | PairingForMentor:
    """End an active pairing. `safety` or `boundary` also adds a do-not-pair entry.
    A mentor gets the pairing as they see it, a coordinator the whole record."""
    pairing = ending.end(
        session, actor=who, pairing_id=pairing_id, reason=body.reason, note=body.note
    )
    if who.role is Role.mentor:
        return views.for_mentor(session, pairing=pairing)
    return PairingPublic.model_validate(pairing)


@router.get("/api/v1/mentors/me/pairings", response_model=list[PairingForMentor])
def my_pairings(
    mentor: MentorDep, session: SessionDep, settings: SettingsDep, now: NowDep
) -> list[PairingForMentor]:
    """Your requests and pairings; contact details (and the next milestone, if shared)
    appear only once you have accepted."""
    rows = queries.list_for_mentor(session, actor=mentor, settings=settings)
    return [views.for_mentor(session, pairing=p, now=now) for p in rows]


@router.get(
    "/api/v1/mentors/me/pairings/{pairing_id}",
    response_model=PairingForMentor,
    responses=error_responses(404, 422),
)
def my_pairing(
    pairing_id: RowId, mentor: MentorDep, session: SessionDep, settings: SettingsDep, now: NowDep
) -> PairingForMentor:
    """One of your requests or pairings."""
    pairing = queries.get_pairing(session, actor=mentor, settings=settings, pairing_id=pairing_id)
    return views.for_mentor(session, pairing=pairing, now=now)


@router.post("/api/v1/newcomers/me/withdraw", status_code=204, responses=error_responses(409))
def withdraw(me: NewcomerDep, session: SessionDep) -> None:
    """Leave the queue (your record is kept; DELETE /newcomers/me erases it)."""
    ending.withdraw(session, actor=me)


@router.get("/api/v1/outbox", response_model=OutboxPage, responses=error_responses(422))
def list_outbox(
    coordinator: CoordinatorDep,
    session: SessionDep,
    pending: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> OutboxPage:
    """Notifications: sent, waiting for SMTP, or kept here when no SMTP server is set."""
    rows, total = outbox.list_messages(
        session, actor=coordinator, pending_only=pending, limit=limit, offset=offset
    )
    items = [
        OutboxMessagePublic.model_validate(r).model_copy(update={"body": outbox.shown_body(r)})
        for r in rows
    ]
    return OutboxPage(items=items, total=total, limit=limit, offset=offset)
