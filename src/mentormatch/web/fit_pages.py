"""The fit check on the pages: the mentor answers on their pairing's page, the newcomer on
their status page; each once. A missing or unknown answer is a 422 page naming it. A
coordinator keeps a pairing found not a fit from the "Needs action" list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.aftercare import contacts, fit
from mentormatch.aftercare.models import FitAnswer
from mentormatch.aftercare.schemas import FitCheckBody
from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.error_words import as_words
from mentormatch.errors import Invalid
from mentormatch.i18n import N_, said
from mentormatch.pairings.models import Pairing
from mentormatch.web import forms, labels, life
from mentormatch.web.core import (
    CoordinatorPage,
    FormDep,
    MentorPage,
    NewcomerPage,
    WebRoute,
    redirect,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
CHOICES = labels.choices("fit_answer", [answer.value for answer in FitAnswer])
WORDS = {
    "answer": N_("answer: please choose one of the three answers"),
    "word": N_("word: please keep it under 500 characters"),
}


def _body(form: FormData) -> FitCheckBody:
    body, errors = forms.validate(
        FitCheckBody, {"answer": forms.one(form, "answer"), "word": forms.one(form, "word")}
    )
    if errors:
        name = next(iter(errors))
        raise Invalid(
            WORDS.get(name)
            or said("%(name)s: %(problem)s", name=name, problem=as_words(errors[name])),
            field=name,
        )
    return body


def context(
    request: Request, session: Session, actor: Principal, pairing: Pairing | None
) -> dict[str, Any]:
    """Whether the actor is asked now, and their answer if they gave it."""
    if pairing is None:
        return {"fit": None}
    settings = request.app.state.settings
    due = fit.due(session, pairing=pairing, settings=settings, now=life.now_of(request))
    given = fit.answer_of(session, pairing_id=pairing.id, side=fit.side_of(actor))
    return {
        "fit": {
            "due": due or given is not None,
            "answered": labels.label(given.answer, "fit_answer") if given else None,
            "choices": CHOICES,
        }
    }


@router.post("/mentor/pairings/{pairing_id}/fit-check")
def mentor_answer(
    request: Request,
    pairing_id: RowId,
    form: FormDep,
    me: MentorPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The mentor's answer; back to the pairing page."""
    pairing = contacts.visible_pairing(session, actor=me, pairing_id=pairing_id)
    body = _body(form)
    fit.answer(session, actor=me, pairing=pairing, choice=body.answer, word=body.word,
               settings=settings, now=life.now_of(request))  # fmt: skip
    return redirect(f"/mentor/pairings/{pairing_id}#fit")


@router.post("/status/fit-check")
def newcomer_answer(
    request: Request, form: FormDep, me: NewcomerPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """The newcomer's answer; back to the status page."""
    pairing = fit.own_pairing(session, actor=me)
    body = _body(form)
    fit.answer(session, actor=me, pairing=pairing, choice=body.answer, word=body.word,
               settings=settings, now=life.now_of(request))  # fmt: skip
    return redirect("/status#fit")


@router.post("/coordinator/pairings/{pairing_id}/keep")
def coordinator_keep(
    request: Request, pairing_id: RowId, form: FormDep, me: CoordinatorPage, session: SessionDep
) -> Response:
    """Keep a pairing found not a fit; to its answers, now marked kept."""
    fit.keep(session, actor=me, pairing_id=pairing_id, now=life.now_of(request))
    return redirect(f"/coordinator/pairings/{pairing_id}/contacts#fit-checks")
