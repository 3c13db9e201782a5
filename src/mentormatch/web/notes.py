"""Case notes on the coordinator's pages (newcomers.notes): the newest on the newcomer's page,
every note of a newcomer or of one pairing on pages of their own, and the form adding one.

Coordinators only, like every coordinator page; another program's newcomer or pairing is
the 404 page of a missing one. Each page showing notes is audited as a read of them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.deps import NowDep, RowId, SessionDep
from mentormatch.errors import Invalid, MentorMatchError
from mentormatch.i18n import N_, said
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers import notes
from mentormatch.newcomers import service as newcomers
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)

ON_NEWCOMER_PAGE = 5  # the newest notes on the newcomer's page; the rest one link away
PER_PAGE = 20
# The note form's errors as it shows them (newcomers.notes, through forms.domain_error),
# for the catalog: the page translates them.
FORM_ERRORS = (
    N_("Write the note."),
    N_("Must not contain NUL characters."),
    N_("Not one of this newcomer's pairings."),
)


def pairing_labels(session: Session, newcomer_id: int) -> dict[int, dict[str, str]]:
    """The newcomer's pairings, newest first: what the notes name them by (the template's
    `pairing_words`: "with Alex (K7QX2MPA, active)")."""
    rows = session.execute(
        select(Pairing.id, Pairing.reference, Pairing.status, Mentor.first_name)
        .join(Mentor, Mentor.id == Pairing.mentor_id)
        .where(Pairing.newcomer_id == newcomer_id)
        .order_by(Pairing.id.desc())
    )
    return {
        pairing_id: {"mentor": mentor, "reference": reference, "status": status.value}
        for pairing_id, reference, status, mentor in rows
    }


def _context(
    session: Session,
    newcomer: Newcomer,
    rows: list[notes.CaseNote],
    total: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "notes": rows,
        "notes_total": total,
        "note_authors": notes.authors(session, rows),
        "note_pairings": pairing_labels(session, newcomer.id),
        "note_errors": errors or {},
        "note_values": values or {},
        "note_max": notes.TEXT_MAX,
    }


def section(session: Session, actor: Principal, newcomer: Newcomer) -> dict[str, Any]:
    """What the newcomer's page shows of their notes: the newest few, the total, the form.
    The page's own read of the newcomer's record covers them: one view, one audit event."""
    rows, total = notes.page(
        session,
        actor=actor,
        newcomer_id=newcomer.id,
        limit=ON_NEWCOMER_PAGE,
        offset=0,
        audited=False,
    )
    return _context(session, newcomer, rows, total)


def _notes_page(
    request: Request,
    session: Session,
    actor: Principal,
    *,
    newcomer_id: int | None = None,
    pairing_id: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = forms.page_number(request.query_params.get("page"))
    pairing = None
    if pairing_id is not None:
        pairing = notes.pairing_of(session, actor, pairing_id)
        newcomer_id = pairing.newcomer_id
    assert newcomer_id is not None
    newcomer = newcomers.get_for_coordinator(session, actor=actor, newcomer_id=newcomer_id)
    rows, total = notes.page(
        session,
        actor=actor,
        newcomer_id=None if pairing else newcomer.id,
        pairing_id=pairing.id if pairing else None,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
    )
    pages = forms.page_count(page, total, PER_PAGE)
    if values is None and pairing is not None:
        values = {"pairing_id": str(pairing.id)}
    context = _context(session, newcomer, rows, total, errors=errors, values=values)
    return render(
        request,
        "coordinator/notes.html",
        {
            "n": newcomer,
            "pairing": pairing,
            "page": page,
            "pages": pages,
            "here": request.url.path,
            **context,
        },
        status_code=status_code,
    )


@router.get("/newcomers/{newcomer_id}/notes")
def newcomer_notes(
    request: Request, newcomer_id: RowId, me: CoordinatorPage, session: SessionDep
) -> Response:
    """Every note on a newcomer's case, newest first, 20 a page with the total."""
    return _notes_page(request, session, me, newcomer_id=newcomer_id)


@router.get("/pairings/{pairing_id}/notes")
def pairing_notes(
    request: Request, pairing_id: RowId, me: CoordinatorPage, session: SessionDep
) -> Response:
    """The notes about one pairing, newest first, with the form adding one about it."""
    return _notes_page(request, session, me, pairing_id=pairing_id)


def _one(form: Any, name: str) -> str:
    """One form value (several: 422 naming the field, never one of them picked silently)."""
    values = form.getlist(name)
    if len(values) > 1:
        raise Invalid(said("%(name)s: send one value", name=name), field=name)
    return values[0] if values and isinstance(values[0], str) else ""


@router.post("/newcomers/{newcomer_id}/notes")
def add_note(
    request: Request,
    newcomer_id: RowId,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    now: NowDep,
) -> Response:
    """Write a note on the newcomer's case (optionally about one of their pairings); the
    newcomer's page follows, the note at the top of its notes."""
    values: dict[str, str] = {}
    try:
        values = {"text": _one(form, "text"), "pairing_id": _one(form, "pairing_id")}
        raw_pairing = values["pairing_id"].strip()
        pairing_id = None
        if raw_pairing:
            pairing_id = forms.row_id(form, "pairing_id")
        notes.add(
            session,
            actor=me,
            newcomer_id=newcomer_id,
            text=values["text"],
            pairing_id=pairing_id,
            now=now,
        )
        session.commit()
    except MentorMatchError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        errors = forms.domain_error(exc)
        return _notes_page(
            request,
            session,
            me,
            newcomer_id=newcomer_id,
            errors=errors,
            values=values,
            status_code=exc.status_code,
        )
    return redirect(f"/coordinator/newcomers/{newcomer_id}#notes")
