"""Coordinator pairing pages: the list by status (what needs action first) and ending a
pairing from the newcomer's page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.error_words import uncapital
from mentormatch.errors import Invalid, MentorMatchError, NotFound
from mentormatch.i18n import N_, Words, said
from mentormatch.matching.service import RankerDep
from mentormatch.newcomers import notes
from mentormatch.pairings import attention, ending, queries
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.schemas import EndBody
from mentormatch.web import forms, people
from mentormatch.web.coordinator import _newcomer_page
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)
# The ending form's fields as its error names them.
_END_FIELDS = {"status": N_("Status"), "reason": N_("Reason"), "note": N_("Note")}

# The tabs in page order: what needs the coordinator first, then the pairings by status.
TABS = (attention.NEEDS_ACTION, *(s.value for s in PairingStatus))
TAB_LABELS = {
    attention.NEEDS_ACTION: N_("Needs action"),
    "proposed": N_("Proposed"),
    "approved": N_("Approved"),
    "active": N_("Active"),
    "ended": N_("Ended"),
    "rejected": N_("Rejected"),
    "declined": N_("Declined"),
    "expired": N_("Expired"),
    "withdrawn": N_("Withdrawn"),
}
assert set(TAB_LABELS) == set(TABS)
PER_PAGE = 50


@router.get("/pairings")
def pairing_list(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    settings: SettingsDep,
    status: str = "active",
    page: str | None = None,
) -> Response:
    """Pairings by status, each with its history, 50 a page with the true total; 'Needs
    action' lists declined or expired requests whose newcomer still waits for another
    mentor, and quiet pairings. A status no tab offers: 422 naming `status`."""
    if status not in TABS:
        raise Invalid(N_("status: choose one of the tabs"), field="status")
    number = forms.page_number(page)
    needs_action = status == attention.NEEDS_ACTION
    rows, total = queries.list_pairings(
        session,
        actor=me,
        settings=settings,
        status=None if needs_action else PairingStatus(status),
        newcomer_id=None,
        mentor_id=None,
        needs_action=needs_action,
        limit=PER_PAGE,
        offset=(number - 1) * PER_PAGE,
    )
    pages = forms.page_count(number, total, PER_PAGE)
    return render(
        request,
        "coordinator/pairings.html",
        {
            "rows": rows,
            "total": total,
            "page": number,
            "pages": pages,
            "first_shown": (number - 1) * PER_PAGE + 1,
            "status": status,
            "tabs": TABS,
            "tab_labels": TAB_LABELS,
            "counts": attention.tab_counts(session, me),
            "newcomer_people": people.newcomers(session, [p.newcomer_id for p in rows]),
            "mentor_people": people.mentors(session, [p.mentor_id for p in rows]),
            "note_counts": notes.counts_by_pairing(session, [p.id for p in rows]),
            "flags": attention.flags(
                session, [p.id for p in rows if p.status is PairingStatus.active]
            ),
        },
    )


@router.post("/pairings/{pairing_id}/end")
def end_pairing(
    request: Request,
    pairing_id: RowId,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
) -> Response:
    """End an active pairing with a reason; the newcomer's page follows, with their fresh
    suggestions when they are back in the queue (their waiting time kept)."""
    newcomer_id = session.scalar(select(Pairing.newcomer_id).where(Pairing.id == pairing_id))
    if newcomer_id is None:
        raise NotFound(N_("no such pairing"))
    body, errors = forms.validate(
        EndBody, {"reason": forms.text(form, "reason"), "note": forms.text(form, "note")}
    )
    twice = [name for name in ("reason", "note") if len(form.getlist(name)) > 1]
    if twice:  # several values for one field: refused, never one of them picked silently
        errors = {twice[0]: N_("choose one value")}
    error = next(iter(errors.items()), None)
    if error is None:
        try:
            ending.end(session, actor=me, pairing_id=pairing_id, reason=body.reason, note=body.note)
        except MentorMatchError as exc:
            if exc.status_code == 404:
                raise
            session.rollback()
            error = ("status", exc.message)
            status_code = exc.status_code
    else:
        status_code = 422
    if error is not None:
        name, message = error
        return _newcomer_page(
            request,
            me,
            session,
            ranker,
            settings,
            newcomer_id,
            end_error=said(
                "%(field)s: %(problem)s",
                field=Words(_END_FIELDS.get(name, name.replace("_", " ").capitalize())),
                problem=uncapital(message),
            ),
            status_code=status_code,
        )
    return redirect(f"/coordinator/newcomers/{newcomer_id}?ended={pairing_id}#suggestions")
