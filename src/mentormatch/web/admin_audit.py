"""The admin's audit trail: search by who, what, which record and when; download as CSV.

Every search and every download is itself recorded. A bad filter re-shows the form with
the field named (422); an export matching more than `search.EXPORT_MAX` events is refused
with the number that matched, never cut short.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from sqlalchemy import ColumnElement
from starlette.responses import Response, StreamingResponse

from mentormatch import i18n
from mentormatch.audit import search, trail, words
from mentormatch.audit import service as audit
from mentormatch.db import session_scope, utcnow
from mentormatch.deps import SessionDep
from mentormatch.errors import Invalid
from mentormatch.i18n import N_, Words, said
from mentormatch.web import forms, templating
from mentormatch.web.core import AdminPage, WebRoute, render

router = APIRouter(prefix="/admin", route_class=WebRoute, include_in_schema=False)

# The outcome filter's choice for events that simply went through (`ok`).
WENT_THROUGH = N_("went through")


def _typed(request: Request) -> dict[str, str]:
    """The filters as typed (several values for one: the form is refused naming it)."""
    query = request.query_params
    for name in search.LABELS:
        if len(query.getlist(name)) > 1:
            raise Invalid(
                said("%(label)s: choose one value", label=Words(search.LABELS[name])), field=name
            )
    return {name: query.get(name, "")[:300] for name in search.LABELS}


# The page and its CSV take the same filters (`search.LABELS`), as typed.
Typed = Annotated[dict[str, str], Depends(_typed)]


def _options(request: Request, values: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The choices the filter selects offer, in the order of the page's language (the current
    value kept even if unlisted); the template translates their words."""
    code = templating.page_locale(request)

    def by_words(listed: dict[str, str]) -> list[tuple[str, str]]:
        return sorted(listed.items(), key=lambda kv: i18n.translate(kv[1], code))

    offered = {
        "role": by_words(words.ROLES),
        "action": by_words(words.ACTIONS),
        "object_type": by_words(words.OBJECT_TYPES),
        "outcome": [(k, v or WENT_THROUGH) for k, v in words.OUTCOMES.items()],
    }
    for name, options in offered.items():
        chosen = values.get(name, "")
        if chosen and chosen not in dict(options):
            options.insert(0, (chosen, words.action_words(chosen)))
    return offered


def _query(values: dict[str, str], **extra: object) -> str:
    return urlencode({**{k: v for k, v in values.items() if v}, **extra})


def _refused(request: Request, values: dict[str, str], errors: dict[str, str]) -> Response:
    """The form again, naming what is wrong (422), with no results."""
    context = {"values": values, "options": _options(request, values), "errors": errors}
    context |= {"rows": [], "total": None}
    return render(request, "admin/audit.html", context, status_code=422)


@router.get("/audit")
def audit_page(
    request: Request,
    me: AdminPage,
    session: SessionDep,
    values: Typed,
    page: str | None = None,
    as_of: str = "",
) -> Response:
    """Search the audit trail, newest first, 50 a page with the true total."""
    try:
        chosen = search.filters(session, **values)
        number = forms.page_number(page)
        moment = search.as_of(as_of)
    except Invalid as exc:
        return _refused(request, values, {exc.field or "form": exc.message})
    audit.record_read(session, actor=me, action=words.SEARCH, object_type="audit")
    moment = moment or utcnow()
    rows, total = trail.page(
        session,
        where=chosen.where(),
        as_of=moment,
        limit=search.PER_PAGE,
        offset=(number - 1) * search.PER_PAGE,
    )
    pages = forms.page_count(number, total, search.PER_PAGE)
    context = {
        "values": values,
        "options": _options(request, values),
        "errors": {},
        "rows": words.entries(session, rows, viewer_id=me.user_id),
        "total": total,
        "page": number,
        "pages": pages,
        "first_shown": (number - 1) * search.PER_PAGE + 1,
        "as_of": moment,
        "query": _query(values),
        "page_query": lambda n: _query(values, page=n, as_of=moment.isoformat()),
        "export_max": search.EXPORT_MAX,
    }
    return render(request, "admin/audit.html", context)


@router.get("/audit/export")
def audit_export(
    request: Request,
    me: AdminPage,
    session: SessionDep,
    values: Typed,
) -> Response:
    """The search's events as CSV (streamed), at most `search.EXPORT_MAX` of them."""
    try:
        chosen = search.filters(session, **values)
    except Invalid as exc:
        return _refused(request, values, {exc.field or "form": exc.message})
    moment = utcnow()
    total = trail.count(session, where=chosen.where(), as_of=moment)
    if total > search.EXPORT_MAX:
        message = (
            f"{total:,} events match and one download holds at most {search.EXPORT_MAX:,}: "
            "choose fewer days or another filter"
        )
        return _refused(request, values, {"since": f"{search.LABELS['since']}: {message}"})
    audit.record_read(session, actor=me, action=words.EXPORT, object_type="audit")
    lines = _lines(request, chosen.where(), moment)
    name = f"mentormatch-audit-{moment:%Y%m%d-%H%M%S}.csv"
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _lines(request: Request, where: ColumnElement[bool], as_of: datetime) -> Iterator[str]:
    """The CSV, read through a session of its own: the request's closes before streaming."""
    for session in session_scope(request.app.state.sessionmaker):
        yield from search.csv_lines(session, where=where, as_of=as_of)
