"""A record's whole trail for its coordinators: a newcomer's, a mentor's, a pairing's.

Each record's own page shows its newest events (`templates/_trail.html`, fed by
`audit.records.recent`) and links here for the rest, paged with the true total. Opening
this page is recorded; a record of another program answers exactly like a missing one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from mentormatch.audit import records, search
from mentormatch.audit.records import Kind
from mentormatch.deps import RowId, SessionDep
from mentormatch.i18n import N_
from mentormatch.pairings.models import Pairing
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, WebRoute, render

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)

# Where each kind of record is shown, and the link's words.
RECORD_PAGES = {
    "newcomer": ("/coordinator/newcomers/{id}", N_("Back to the newcomer")),
    "mentor": ("/coordinator/mentors/{id}", N_("Back to the mentor")),
}


def _trail_page(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    kind: Kind,
    record_id: int,
    page: str | None,
    as_of: str,
) -> Response:
    shown = records.page(
        session,
        actor=me,
        kind=kind,
        record_id=record_id,
        page=forms.page_number(page),
        as_of=search.as_of(as_of),
    )
    if kind == "pairing":  # a pairing is shown on its newcomer's page
        newcomer_id = session.scalar(select(Pairing.newcomer_id).where(Pairing.id == record_id))
        url, words = RECORD_PAGES["newcomer"]
        back = (url.format(id=newcomer_id), words)
    else:
        url, words = RECORD_PAGES[kind]
        back = (url.format(id=record_id), words)
    return render(request, "coordinator/trail.html", {"trail": shown, "back": back})


@router.get("/newcomers/{newcomer_id}/trail")
def newcomer_trail(
    request: Request,
    newcomer_id: RowId,
    me: CoordinatorPage,
    session: SessionDep,
    page: str | None = None,
    as_of: str = "",
) -> Response:
    """Who read or changed this newcomer's record and their pairings, newest first."""
    return _trail_page(request, me, session, "newcomer", newcomer_id, page, as_of)


@router.get("/mentors/{mentor_id}/trail")
def mentor_trail(
    request: Request,
    mentor_id: RowId,
    me: CoordinatorPage,
    session: SessionDep,
    page: str | None = None,
    as_of: str = "",
) -> Response:
    """Who read or changed this mentor's profile and their pairings, newest first."""
    return _trail_page(request, me, session, "mentor", mentor_id, page, as_of)


@router.get("/pairings/{pairing_id}/trail")
def pairing_trail(
    request: Request,
    pairing_id: RowId,
    me: CoordinatorPage,
    session: SessionDep,
    page: str | None = None,
    as_of: str = "",
) -> Response:
    """Who read or changed this pairing, newest first."""
    return _trail_page(request, me, session, "pairing", pairing_id, page, as_of)
