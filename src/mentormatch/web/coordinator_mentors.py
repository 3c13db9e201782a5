"""Coordinator mentor pages: the mentor list (search, filters and paging with the true
total, the same query as GET /api/v1/mentors) and one mentor's page — profile, load
against capacity, requests and pairings with their history — with vet / pause / retire,
through the mentor service the API uses. The profile form: `coordinator_mentor_edit`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.audit import records
from mentormatch.config import Settings
from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.errors import Invalid, MentorMatchError
from mentormatch.i18n import N_
from mentormatch.mentors import capacity
from mentormatch.mentors import service as mentors
from mentormatch.mentors.models import Mentor
from mentormatch.mentors.schemas import MentorFilters, MentorUpdate
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings import attention, lifecycle, queries
from mentormatch.pairings.models import PairingStatus
from mentormatch.programs import service as programs
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/coordinator/mentors", route_class=WebRoute, include_in_schema=False)

MENTORS_PER_PAGE = 50
PAIRINGS_PER_PAGE = 25
STATES = {
    "taking": N_("Taking requests"),
    "paused": N_("Paused"),
    "retired": N_("Retired"),
    "not_vetted": N_("Not vetted"),
}
SORTS = {"name": N_("Name"), "newest": N_("Newest first"), "free": N_("Most free places")}
# What each button on the mentor's page changes; the ones that take the mentor out of the
# pool (`mentors.service._leaving`) ask to confirm first.
ACTIONS: dict[str, tuple[dict[str, bool], str]] = {
    "vet": ({"vetted": True}, N_("Saved: this mentor is marked as vetted.")),
    "unvet": ({"vetted": False}, N_("Saved: this mentor is no longer vetted.")),
    "pause": ({"paused": True}, N_("Saved: this mentor is paused.")),
    "unpause": ({"paused": False}, N_("Saved: this mentor is taking requests again.")),
    "retire": ({"active": False}, N_("Saved: this mentor is retired.")),
    "reactivate": ({"active": True}, N_("Saved: this mentor is active again.")),
}
LEAVING = {"unvet": "Withdraw vetting for", "pause": "Pause", "retire": "Retire"}


def state_of(mentor: Mentor) -> str:
    """The state a coordinator filters by (`MentorFilters.status`)."""
    if not mentor.active:
        return "retired"
    if not mentor.vetted:
        return "not_vetted"
    return "paused" if mentor.paused else "taking"


@router.get("")
def mentor_list(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    filters: Annotated[MentorFilters, Query()],
    page: str | None = None,
) -> Response:
    """Mentors found by name, email or phone (`q`) and filters (free place, language,
    pathway, substance, status), sorted, 50 a page with the true total."""
    number = forms.page_number(page)
    rows, total = mentors.list_mentors(
        session,
        actor=me,
        filters=filters,
        limit=MENTORS_PER_PAGE,
        offset=(number - 1) * MENTORS_PER_PAGE,
    )
    pages = forms.page_count(number, total, MENTORS_PER_PAGE)
    chosen = filters.model_dump(exclude_none=True, exclude_defaults=True)
    held = capacity.loads(session, [m.id for m in rows])
    return render(
        request,
        "coordinator/mentors.html",
        {
            "rows": rows,
            "total": total,
            "loads": held,
            "free": {
                m.id: capacity.free_places(
                    capacity=m.capacity,
                    load=held.get(m.id, 0),
                    takes=capacity.takes_requests(
                        active=m.active, vetted=m.vetted, paused=m.paused
                    ),
                )
                for m in rows
            },
            "emails": mentors.emails(session, [m.user_id for m in rows]),
            "state_of": state_of,
            "filters": filters,
            "filtered": bool(chosen),
            "query": {k: str(v).lower() if isinstance(v, bool) else v for k, v in chosen.items()},
            "page": number,
            "pages": pages,
            "first_shown": (number - 1) * MENTORS_PER_PAGE + 1,
            "states": STATES,
            "sorts": SORTS,
            "programs": programs.names_when_several(session, me),
        },
    )


def _newcomers(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """First name and public reference of each newcomer, for labelling and linking."""
    if not ids:
        return {}
    rows = session.execute(
        select(Newcomer.id, Newcomer.first_name, Newcomer.reference).where(Newcomer.id.in_(ids))
    )
    return {row_id: (name, reference) for row_id, name, reference in rows}


def _mentor_page(
    request: Request,
    me: Principal,
    session: Session,
    settings: Settings,
    mentor_id: int,
    *,
    page: str | None = None,
    notice: str | None = None,
    error: str | None = None,
    confirm: str | None = None,
    version: int | None = None,
    status_code: int = 200,
) -> Response:
    mentor = mentors.get_mentor(session, actor=me, mentor_id=mentor_id)
    number = forms.page_number(page)
    current, past, past_total = queries.of_mentor(
        session,
        actor=me,
        settings=settings,
        mentor_id=mentor_id,
        limit=PAIRINGS_PER_PAGE,
        offset=(number - 1) * PAIRINGS_PER_PAGE,
    )
    pages = forms.page_count(number, past_total, PAIRINGS_PER_PAGE)
    load = capacity.load(session, mentor_id)
    takes = capacity.takes_requests(
        active=mentor.active, vetted=mentor.vetted, paused=mentor.paused
    )
    everyone = {p.newcomer_id for p in (*current, *past)}
    left = {p.id for p in past if p.events and p.events[-1].reason == lifecycle.MENTOR_LEFT}
    flagged = attention.needing_new_mentor(session, me, everyone)
    timezones = dict(forms.TIMEZONES)
    return render(
        request,
        "coordinator/mentor.html",
        {
            "mentor": mentor,
            "email": mentors.emails(session, [mentor.user_id]).get(mentor.user_id, ""),
            "state": state_of(mentor),
            "states": STATES,
            "load": load,
            "free": capacity.free_places(capacity=mentor.capacity, load=load, takes=takes),
            "requests": [p for p in current if p.status is not PairingStatus.active],
            "active": [p for p in current if p.status is PairingStatus.active],
            "past": past,
            "past_total": past_total,
            "page": number,
            "pages": pages,
            "per_page": PAIRINGS_PER_PAGE,
            "newcomers": _newcomers(session, everyone),
            "needs_new_mentor": flagged,
            "left": left,
            # After a change, how many of the mentor's former mentees wait for a new one.
            "flagged": len({p.newcomer_id for p in past if p.id in left} & flagged)
            if notice
            else 0,
            "availability": _availability(mentor),
            "timezone": timezones.get(mentor.timezone, mentor.timezone),
            "programs": programs.names_when_several(session, me),
            "notice": notice,
            "error": error,
            "confirm": confirm,
            "version": version or mentor.version,
            "leaving": LEAVING,
            "trail": records.recent(session, actor=me, kind="mentor", record_id=mentor_id),
        },
        status_code=status_code,
    )


def _availability(mentor: Mentor) -> list[tuple[str, str]]:
    """The grid cells the mentor's weekly hours touch, as words: ("Monday", "evening")."""
    names = {code: name for code, name, _, _, _ in forms.PARTS}
    words = []
    for cell in forms.grid_from_slots(mentor.availability or []):
        day, _, part = cell.partition("-")
        words.append((forms.DAYS[int(day)], names[part]))
    return words


@router.get("/{mentor_id}")
def mentor_page(
    request: Request,
    mentor_id: RowId,
    me: CoordinatorPage,
    session: SessionDep,
    settings: SettingsDep,
    page: str | None = None,
    done: str | None = None,
) -> Response:
    """One mentor: profile, load against capacity, open requests and pairings, past
    pairings with their history (25 a page), and the vet / pause / retire buttons."""
    notice = None
    if done in ACTIONS:
        notice = ACTIONS[done][1]
    elif done == "edited":
        notice = N_("Profile saved.")
    return _mentor_page(request, me, session, settings, mentor_id, page=page, notice=notice)


def _version(form: FormData) -> int:
    """The profile version the form was read at (422 naming `version` otherwise)."""
    version = forms.number(forms.one(form, "version"))
    if version is None or not 1 <= version <= 2**31 - 1:
        raise Invalid(N_("version: reload the page and try again"), field="version")
    return version


@router.post("/{mentor_id}/status")
def change_status(
    request: Request,
    mentor_id: RowId,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Vet, pause, retire (or undo each). Pausing, retiring or withdrawing vetting ends the
    mentor's pairings and open requests (`pairings.ending.mentor_left`): the page asks to
    confirm first and names the newcomers who will need a new mentor."""
    mentors.get_mentor(session, actor=me, mentor_id=mentor_id)  # 404 first, like the API
    action = forms.one(form, "action")
    if action not in ACTIONS:
        raise Invalid(N_("action: choose one of the buttons on the mentor's page"), field="action")
    version = _version(form)
    confirmed = forms.one(form, "confirmed")
    if action in LEAVING and confirmed != "yes":
        return _mentor_page(
            request, me, session, settings, mentor_id, confirm=action, version=version
        )
    body = MentorUpdate.model_validate({"version": version, **ACTIONS[action][0]})
    try:
        mentors.update_mentor(session, actor=me, mentor_id=mentor_id, body=body, settings=settings)
    except MentorMatchError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        return _mentor_page(
            request,
            me,
            session,
            settings,
            mentor_id,
            error=forms.domain_error(exc).popitem()[1],
            status_code=exc.status_code,
        )
    return redirect(f"/coordinator/mentors/{mentor_id}?done={action}")
