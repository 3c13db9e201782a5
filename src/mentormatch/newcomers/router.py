"""Newcomer routes: public intake, the newcomer's own record, the coordinator's queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime
from sqlalchemy.orm import Session

from mentormatch.accounts.dependencies import CoordinatorDep, NewcomerDep, Public
from mentormatch.config import Settings
from mentormatch.deps import ClientDep, Limit, NowDep, Offset, RowId, SessionDep, SettingsDep
from mentormatch.errors import error_responses
from mentormatch.newcomers import do_not_pair, search, service, sharing
from mentormatch.newcomers.export_schemas import NewcomerExport
from mentormatch.newcomers.models import Newcomer
from mentormatch.newcomers.schemas import (
    AccessPage,
    ConsentPublic,
    DoNotPairCreate,
    DoNotPairPublic,
    NewcomerCoordinatorUpdate,
    NewcomerCreated,
    NewcomerForCoordinator,
    NewcomerIntake,
    NewcomerListItem,
    NewcomerPage,
    NewcomerProfile,
    NewcomerSelf,
    NewcomerUpdate,
    UrgentIntake,
)
from mentormatch.newcomers.search import NewcomerFilters
from mentormatch.newcomers.sharing import SharingIn, SharingOut
from mentormatch.openapi import link
from mentormatch.pairings import queries
from mentormatch.profiles import age_in
from mentormatch.references import Reference

router = APIRouter(prefix="/api/v1/newcomers", tags=["newcomers"])

_AS_THIS_NEWCOMER = {"header.Authorization": "Bearer {$response.body#/status_token}"}
_FIRST_LISTED = {"path.newcomer_id": "$response.body#/items/0/id"}
_SAME_NEWCOMER = {"path.newcomer_id": "$request.path.newcomer_id"}
_CURRENT_VERSION = {"version": "$response.body#/version"}
INTAKE_LINKS = {
    "ReadOwnRecord": link(
        "newcomers_read_own", "Read your record with the status token", parameters=_AS_THIS_NEWCOMER
    ),
    "CorrectOwnRecord": link(
        "newcomers_update_own", "Correct your answers", parameters=_AS_THIS_NEWCOMER
    ),
    "ExportOwnRecord": link(
        "newcomers_export_own", "Download your data", parameters=_AS_THIS_NEWCOMER
    ),
    "LeaveQueue": link("pairings_withdraw", "Leave the queue", parameters=_AS_THIS_NEWCOMER),
    "EraseOwnRecord": link(
        "newcomers_erase_own", "Withdraw and erase your record", parameters=_AS_THIS_NEWCOMER
    ),
    "FindAsCoordinator": link(
        "newcomers_list_newcomers",
        "A coordinator finds the record by its reference, with no other filter",
        parameters={
            "query.reference": "$response.body#/reference",
            "query.status": "$response.body#/status",
            "query.offset": 0,
            **dict.fromkeys((f"query.{name}" for name in search.FILTERS_BESIDE_STATUS), ""),
        },
    ),
}
LIST_LINKS = {
    "ReadFirst": link(
        "newcomers_read_newcomer", "A coordinator opens the first record", parameters=_FIRST_LISTED
    ),
    "SuggestMentorsForFirst": link(
        "suggestions_list_suggestions",
        "A coordinator asks for mentors for the first newcomer listed",
        parameters=_FIRST_LISTED,
    ),
}
EDIT_LINKS = {
    "EditAgain": link(
        "newcomers_update_newcomer",
        "Change it, sending the version just read",
        parameters=_SAME_NEWCOMER,
        body=_CURRENT_VERSION,
    )
}


@router.post(
    "",
    response_model=NewcomerCreated,
    status_code=201,
    dependencies=[Public],
    responses={201: {"links": INTAKE_LINKS}, **error_responses(404, 413, 422)},
)
def create_newcomer(
    body: NewcomerIntake, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> NewcomerCreated:
    """Public intake. Keep the returned `status_token`: it is shown only once."""
    newcomer, token = service.intake(session, body=body, settings=settings, client=client)
    return _created(session, newcomer, token, settings)


def _created(
    session: Session, newcomer: Newcomer, token: str, settings: Settings
) -> NewcomerCreated:
    crisis = {}
    if newcomer.urgent:  # the resources of the newcomer's program
        crisis = service.crisis_payload(service.program_of(session, newcomer, settings)[1])
    return NewcomerCreated.model_validate(
        {
            **NewcomerSelf.model_validate(newcomer).model_dump(),
            "status_token": token,
            "status_url": f"{settings.public_base_url}/s/{token}",
            **crisis,
        }
    )


@router.post(
    "/urgent",
    response_model=NewcomerCreated,
    status_code=201,
    dependencies=[Public],
    responses={201: {"links": INTAKE_LINKS}, **error_responses(404, 413, 422)},
)
def create_urgent(
    body: UrgentIntake, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> NewcomerCreated:
    """For someone in danger now: a name or alias and, if they wish, a way to reach them.

    Sending it is consent to be contacted urgently. The answer carries the crisis resources
    and the private status token (shown once). A coordinator sees the request flagged
    urgent at once; it is not matched with a mentor until the intake is completed
    (`PATCH /me` with the required answers and `consent`).
    """
    newcomer, token = service.urgent_intake(session, body=body, settings=settings, client=client)
    return _created(session, newcomer, token, settings)


@router.get("/me", response_model=NewcomerSelf, responses=error_responses(401, 403))
def read_own(me: NewcomerDep, session: SessionDep, settings: SettingsDep) -> NewcomerSelf:
    """Your own record, where you are (waiting / pending / paired) and, once paired, your mentor."""
    mentor = queries.mentor_for_newcomer(
        session, newcomer_id=me.newcomer_id or 0, settings=settings
    )
    newcomer = service.get_own(session, principal=me)
    return NewcomerSelf.model_validate(newcomer).model_copy(update={"mentor": mentor})


@router.patch(
    "/me", response_model=NewcomerSelf, responses=error_responses(401, 403, 409, 413, 422)
)
def update_own(
    body: NewcomerUpdate, me: NewcomerDep, session: SessionDep, settings: SettingsDep
) -> Newcomer:
    """Correct your answers; fields you do not send stay as they are."""
    return service.update_own(session, principal=me, body=body, settings=settings)


@router.get("/me/sharing", response_model=SharingOut, responses=error_responses(401, 403))
def read_own_sharing(me: NewcomerDep, session: SessionDep) -> SharingOut:
    """What you share now: the choices of your latest consent (all false before a minimal
    urgent request is completed)."""
    return sharing.shown(service.get_own(session, principal=me))


@router.put("/me/sharing", response_model=SharingOut, responses=error_responses(401, 403, 409, 422))
def change_own_sharing(
    body: SharingIn, me: NewcomerDep, session: SessionDep, settings: SettingsDep
) -> SharingOut:
    """Change what you share, at any time: each change is recorded as a new consent under the
    current notice, and only the latest counts. 409 before a minimal urgent request is
    completed."""
    newcomer = service.get_own(session, principal=me)
    sharing.change(session, actor=me, newcomer=newcomer, body=body, settings=settings)
    session.commit()
    return sharing.shown(newcomer)


@router.delete("/me", status_code=204, responses=error_responses(401, 403))
def erase_own(me: NewcomerDep, session: SessionDep) -> Response:
    """Withdraw and erase your record. Your status link stops working."""
    service.erase_own(session, principal=me)
    return Response(status_code=204)


@router.get("/me/export", response_model=NewcomerExport, responses=error_responses(401, 403))
def export_own(me: NewcomerDep, session: SessionDep) -> Response:
    """Download everything MentorMatch holds about you, as JSON (`export_format` 2): your
    answers, consents, every pairing and its transitions, and who read or changed your
    record."""
    body = service.export_own(session, principal=me).model_dump_json(indent=2)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="mentormatch-my-data.json"'},
    )


@router.get("/me/accesses", response_model=AccessPage, responses=error_responses(401, 403, 422))
def accesses_own(
    me: NewcomerDep,
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
    as_of: Annotated[
        AwareDatetime | None,
        Query(description="Send back the `as_of` of the first page to page through it unmoved"),
    ] = None,
) -> AccessPage:
    """Who read or changed your record: role and time of each, newest first, with the total.

    Staff appear by role only. Reading this list is itself recorded in it."""
    items, total, as_of = service.accesses_own(
        session, principal=me, as_of=as_of, limit=limit, offset=offset
    )
    return AccessPage(items=items, total=total, limit=limit, offset=offset, as_of=as_of)


@router.get(
    "",
    response_model=NewcomerPage,
    responses={200: {"links": LIST_LINKS}, **error_responses(401, 403, 422)},
)
def list_newcomers(
    coordinator: CoordinatorDep,
    session: SessionDep,
    chosen: Annotated[NewcomerFilters, Depends(search.filters)],
    now: NowDep,
    reference: Reference | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> NewcomerPage:
    """The queue of your programs: urgent first, then those waiting longest (`sort` for
    newest first or by name), a page at a time with the `total` found.

    `q` finds a newcomer by the start of their first name or alias or email, the last
    digits of their phone, or their public reference; the filters narrow the list and
    combine with it. `reference` finds exactly the newcomer holding that public reference
    (the one their status page shows them)."""
    rows, total = service.list_newcomers(
        session,
        actor=coordinator,
        chosen=chosen,
        now=now,
        reference=reference,
        limit=limit,
        offset=offset,
    )
    items = [NewcomerListItem.model_validate(r) for r in rows]
    return NewcomerPage(items=items, total=total, limit=limit, offset=offset)


def for_coordinator(session: SessionDep, newcomer: Newcomer) -> NewcomerForCoordinator:
    """The coordinator's view of a newcomer, with age and do-not-pair list."""
    entries = do_not_pair.entries(session, newcomer_id=newcomer.id)
    return NewcomerForCoordinator.model_validate(
        {
            **NewcomerProfile.model_validate(newcomer).model_dump(),
            "id": newcomer.id,
            "consents": [ConsentPublic.model_validate(c) for c in newcomer.consents],
            "age": None if newcomer.birth_year is None else age_in(newcomer.birth_year),
            "do_not_pair": [DoNotPairPublic.model_validate(e) for e in entries],
        }
    )


@router.get(
    "/{newcomer_id}",
    response_model=NewcomerForCoordinator,
    responses={200: {"links": EDIT_LINKS}, **error_responses(401, 403, 404, 422)},
)
def read_newcomer(
    newcomer_id: RowId, coordinator: CoordinatorDep, session: SessionDep
) -> NewcomerForCoordinator:
    """One newcomer's record."""
    newcomer = service.get_for_coordinator(session, actor=coordinator, newcomer_id=newcomer_id)
    return for_coordinator(session, newcomer)


@router.patch(
    "/{newcomer_id}",
    response_model=NewcomerForCoordinator,
    responses={200: {"links": EDIT_LINKS}, **error_responses(401, 403, 404, 409, 413, 422)},
)
def update_newcomer(
    newcomer_id: RowId,
    body: NewcomerCoordinatorUpdate,
    coordinator: CoordinatorDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> NewcomerForCoordinator:
    """Mark urgent, close or reopen. Send the `version` you read. Marking a newcomer urgent
    (or reopening an urgent one) alerts the program's coordinators through the outbox, as
    a crisis intake does, once per case it opens; marking them urgent again after a handled
    case opens a new one. Reopening a closed request starts a new episode of care: the
    newcomer waits from now, with a new follow-up baseline."""
    newcomer = service.update_by_coordinator(
        session, actor=coordinator, newcomer_id=newcomer_id, body=body, settings=settings,
        now=now,
    )  # fmt: skip
    return for_coordinator(session, newcomer)


@router.post(
    "/{newcomer_id}/do-not-pair",
    response_model=DoNotPairPublic,
    status_code=201,
    responses=error_responses(401, 403, 404, 413, 422),
)
def add_do_not_pair(
    newcomer_id: RowId, body: DoNotPairCreate, coordinator: CoordinatorDep, session: SessionDep
) -> DoNotPairPublic:
    """Never pair this newcomer with this mentor (household, workplace, cohort…)."""
    entry = do_not_pair.add(session, actor=coordinator, newcomer_id=newcomer_id, body=body)
    return DoNotPairPublic.model_validate(entry)
