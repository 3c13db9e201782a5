"""The coordinator's "Start a new episode" on a closed newcomer's page: they have come back,
so their request is reopened as a new episode of care (assessments/episodes.py), with a new
follow-up baseline. A stale page or a request that is not closed re-renders the page with
the reason (409), nothing written."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.deps import NowDep, RowId, SessionDep, SettingsDep
from mentormatch.errors import Conflict, MentorMatchError
from mentormatch.i18n import N_
from mentormatch.matching.service import RankerDep
from mentormatch.newcomers import service
from mentormatch.newcomers.models import NewcomerStatus as S
from mentormatch.newcomers.schemas import NewcomerCoordinatorUpdate
from mentormatch.web import forms
from mentormatch.web.coordinator import newcomer_page_response
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)
NO_VERSION = 2**31 - 1
STALE = "This page was out of date: read it again, then start the new episode if still needed."


@router.post("/newcomers/{newcomer_id}/new-episode")
def new_episode(
    request: Request,
    newcomer_id: RowId,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Reopen a closed request as a new episode; back to the newcomer's page."""
    version = forms.number(forms.text(form, "version"))
    if version is None or not 1 <= version < NO_VERSION:
        version = NO_VERSION  # never a record's: answered as a stale page
    try:
        if service.status_of(session, actor=me, newcomer_id=newcomer_id) is not S.closed:
            raise Conflict(N_("their request is open: a new episode starts after it closed"))
        body = NewcomerCoordinatorUpdate(version=version, status="waiting")
        service.update_by_coordinator(
            session, actor=me, newcomer_id=newcomer_id, body=body, settings=settings, now=now
        )
    except MentorMatchError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        reason = STALE if exc.field == "version" else exc.message
        return newcomer_page_response(
            request, me, session, ranker, settings, newcomer_id, status_code=409,
            extra={"episode_error": reason[:1].upper() + reason[1:]},
        )  # fmt: skip
    return redirect(f"/coordinator/newcomers/{newcomer_id}?episode=1")
