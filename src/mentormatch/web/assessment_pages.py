"""Questionnaires on the pages (issue 19): the newcomer answers from their status link, a
coordinator enters a newcomer's answers from a call. Every statement needs an answer on the
scale; a missing or unknown one re-renders the form with the problem next to it (422), what
was chosen kept, nothing written."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.assessments import service
from mentormatch.assessments.definitions import BARC10_CODE
from mentormatch.deps import NowDep, RowId, SessionDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import N_
from mentormatch.newcomers.models import Newcomer
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, FormDep, NewcomerPage, WebRoute, redirect, render
from mentormatch.web.templating import page_locale

router = APIRouter(route_class=WebRoute, include_in_schema=False)
ANSWER_WORDS = N_("Please choose an answer for this statement.")


def _page(
    request: Request,
    session: Session,
    *,
    newcomer: Newcomer,
    action: str,
    back: str,
    by_coordinator: bool,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    instrument = service.instrument(session, BARC10_CODE)
    definition = service.definition_of(instrument)
    language = definition.wording_for(page_locale(request))
    return render(
        request,
        "questionnaire.html",
        {
            "newcomer": newcomer,
            "definition": definition,
            "language": language,
            "validated": definition.validated_in(language),
            "choices": [(str(c.value), c.label[language]) for c in definition.scale],
            "action": action,
            "back": back,
            "by_coordinator": by_coordinator,
            "values": values or {},
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


def _submit(
    request: Request, session: Session, actor: Principal, newcomer: Newcomer, form: FormData,
    now: datetime, *, action: str, back: str,
) -> Response | None:  # fmt: skip
    """Record the answers; the form again with its errors, or None when kept (not committed)."""
    instrument = service.instrument(session, BARC10_CODE)
    definition = service.definition_of(instrument)
    values = {item.code: forms.one(form, item.code) or "" for item in definition.items}
    allowed = {str(choice.value) for choice in definition.scale}
    errors = {code: ANSWER_WORDS for code, v in values.items() if v not in allowed}
    if not errors:
        answers = {code: int(v) for code, v in values.items()}
        try:
            language = definition.wording_for(page_locale(request))
            service.record(session, actor=actor, newcomer=newcomer, instrument=instrument,
                           answers=answers, language=language, now=now)  # fmt: skip
        except MentorMatchError as exc:
            session.rollback()
            errors = forms.domain_error(exc)
    if errors:
        by_coordinator = actor.newcomer_id is None
        return _page(request, session, newcomer=newcomer, action=action, back=back,
                     by_coordinator=by_coordinator, values=values, errors=errors)  # fmt: skip
    return None


@router.get("/status/questionnaire")
def own_form(request: Request, me: NewcomerPage, session: SessionDep) -> Response:
    """BARC-10 for the newcomer to answer, optional, at their own pace."""
    newcomer = service.newcomer_for(session, me, me.newcomer_id or 0)
    return _page(request, session, newcomer=newcomer, action="/status/questionnaire",
                 back="/status#recovery-capital", by_coordinator=False)  # fmt: skip


@router.post("/status/questionnaire")
def own_answers(
    request: Request, form: FormDep, me: NewcomerPage, session: SessionDep, now: NowDep
) -> Response:
    newcomer = service.newcomer_for(session, me, me.newcomer_id or 0)
    refused = _submit(request, session, me, newcomer, form, now,
                      action="/status/questionnaire", back="/status#recovery-capital")  # fmt: skip
    if refused is not None:
        return refused
    session.commit()
    return redirect("/status?answered=1#recovery-capital")


@router.get("/coordinator/newcomers/{newcomer_id}/questionnaire")
def call_form(
    request: Request, newcomer_id: RowId, me: CoordinatorPage, session: SessionDep
) -> Response:
    """BARC-10 to fill in with a newcomer on a call (another program's: 404)."""
    newcomer = service.newcomer_for(session, me, newcomer_id)
    here = f"/coordinator/newcomers/{newcomer_id}"
    return _page(request, session, newcomer=newcomer, action=f"{here}/questionnaire",
                 back=f"{here}#recovery-capital", by_coordinator=True)  # fmt: skip


@router.post("/coordinator/newcomers/{newcomer_id}/questionnaire")
def call_answers(
    request: Request,
    newcomer_id: RowId,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    now: NowDep,
) -> Response:
    newcomer = service.newcomer_for(session, me, newcomer_id)
    here = f"/coordinator/newcomers/{newcomer_id}"
    refused = _submit(request, session, me, newcomer, form, now,
                      action=f"{here}/questionnaire", back=f"{here}#recovery-capital")  # fmt: skip
    if refused is not None:
        return refused
    session.commit()
    return redirect(f"{here}?answered=1#recovery-capital")
