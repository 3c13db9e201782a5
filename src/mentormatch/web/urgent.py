"""The coordinator's "contacted" form on an urgent newcomer's page (newcomers.urgent)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.deps import NowDep, RowId, SessionDep, SettingsDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import N_, translate
from mentormatch.matching.service import RankerDep
from mentormatch.newcomers import urgent
from mentormatch.web import forms
from mentormatch.web.coordinator import newcomer_page_response
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect
from mentormatch.web.templating import page_locale

router = APIRouter(prefix="/coordinator", route_class=WebRoute, include_in_schema=False)


def _check(outcome: str | None, note: str, code: str) -> dict[str, str]:
    """The form's own errors, in the page's language `code`."""
    errors = {}
    if outcome not in urgent.Outcome.__members__:
        errors["outcome"] = N_("Outcome: choose what happened when you reached out.")
    if len(note) > urgent.NOTE_MAX:
        words = translate(N_("Note: at most %(most)d characters (this one has %(has)d)."), code)
        errors["note"] = words % {"most": urgent.NOTE_MAX, "has": len(note)}
    return errors


@router.post("/newcomers/{newcomer_id}/urgent-contacts")
def record_contact(
    request: Request,
    newcomer_id: RowId,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    ranker: RankerDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Record an attempt to reach an urgent newcomer; the case closes when "handled" is
    ticked (refused for an attempt that did not reach them)."""
    outcome = forms.text(form, "outcome")
    note = forms.text(form, "note") or ""
    handled = forms.checked(form, "handled")
    errors = _check(outcome, note, page_locale(request))
    if not errors:
        try:
            urgent.record_contact(
                session,
                actor=me,
                newcomer_id=newcomer_id,
                outcome=urgent.Outcome(outcome or ""),
                note=note,
                handled=handled,
                now=now,
            )
            session.commit()
        except MentorMatchError as exc:
            if exc.status_code == 404:
                raise
            session.rollback()
            errors = forms.domain_error(exc)
            errors = {k: f"{k.capitalize()}: {v}" for k, v in errors.items()}
    if errors:
        extra = {
            "contact_errors": errors,
            "contact_form": {"outcome": outcome or "", "note": note, "handled": handled},
        }
        return newcomer_page_response(
            request, me, session, ranker, settings, newcomer_id, status_code=422, extra=extra
        )
    return redirect(f"/coordinator/newcomers/{newcomer_id}?contacted=1#reach")
