"""The newcomer's own choices on their status page: what they share, and starting again with
a new recovery date. A date that is missing, in the future or not after the current one
re-renders the status page with the error next to the field (422), nothing written."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.aftercare import recovery_dates
from mentormatch.aftercare.schemas import StartAgainIn
from mentormatch.deps import NowDep, SessionDep, SettingsDep
from mentormatch.errors import MentorMatchError
from mentormatch.newcomers import service, sharing
from mentormatch.web import forms
from mentormatch.web.core import FormDep, NewcomerPage, WebRoute, redirect
from mentormatch.web.newcomer import status_page

router = APIRouter(route_class=WebRoute, include_in_schema=False)
DATE_WORDS = "Please give the day your new start began: a date that is not in the future."


@router.post("/status/sharing")
def change_sharing(
    form: FormDep, me: NewcomerPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Save what is ticked (an unticked box is a "no"); back to the section."""
    newcomer = service.get_own(session, principal=me)
    body = sharing.SharingIn(**{name: forms.checked(form, name) for name in sharing.CHOICES})
    sharing.change(session, actor=me, newcomer=newcomer, body=body, settings=settings)
    session.commit()
    return redirect("/status?shared=1#sharing")


@router.post("/status/start-again")
def start_again(
    request: Request,
    form: FormDep,
    me: NewcomerPage,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Count the milestones from a new date, keeping the one it replaces for the newcomer."""
    values = {"started_on": forms.one(form, "started_on") or ""}
    body, errors = forms.validate(StartAgainIn, values)
    errors = {name: DATE_WORDS for name in errors}
    if not errors:
        try:
            recovery_dates.start_again(session, actor=me, started_on=body.started_on, now=now)
        except MentorMatchError as exc:
            errors = forms.domain_error(exc)
    if errors:
        session.rollback()
        return status_page(
            request, me, session, settings, now, status_code=422,
            extra={"start_again_errors": errors, "start_again_values": values},
        )  # fmt: skip
    session.commit()
    return redirect("/status?started_again=1#start-again")
