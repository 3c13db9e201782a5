"""The admin's programs pages: the list, creating one, and a program's page (rename, archive
or reopen, coordinators). Its settings page is `web.program_settings`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.deps import RowId, SessionDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import N_
from mentormatch.programs import admin as programs
from mentormatch.programs.schemas import ProgramCreate, ProgramUpdate
from mentormatch.web import forms
from mentormatch.web.core import AdminPage, FormDep, WebRoute, redirect, render

router = APIRouter(prefix="/admin/programs", route_class=WebRoute, include_in_schema=False)

PROGRAMS_PER_PAGE = 50
NOTICES = {
    "created": N_(
        "Program created. It follows the installation's default settings until you change them."
    ),
    "renamed": N_("Program renamed."),
    "archived": N_("Program archived: it takes no new requests."),
    "reopened": N_("Program reopened."),
    "coordinators": N_("Coordinators updated."),
}


def _list_page(
    request: Request,
    session: SessionDep,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = forms.page_number(request.query_params.get("page"))
    rows, total = programs.list_programs(
        session, limit=PROGRAMS_PER_PAGE, offset=(page - 1) * PROGRAMS_PER_PAGE
    )
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": forms.page_count(page, total, PROGRAMS_PER_PAGE),
        "first_shown": (page - 1) * PROGRAMS_PER_PAGE + 1,
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "admin/programs.html", context, status_code=status_code)


@router.get("")
def programs_page(request: Request, me: AdminPage, session: SessionDep) -> Response:
    """Every program (50 a page, `page`), with a form to create one."""
    return _list_page(request, session)


@router.post("")
def create_program(request: Request, form: FormDep, me: AdminPage, session: SessionDep) -> Response:
    """Create a program and open its page."""
    values = {"slug": (forms.text(form, "slug") or "")[:40], "name": forms.text(form, "name") or ""}
    values["name"] = values["name"][:120]
    body, errors = forms.validate(
        ProgramCreate, {"slug": forms.text(form, "slug"), "name": forms.text(form, "name")}
    )
    if errors:
        errors = {k: _MESSAGES.get(k, v) for k, v in errors.items()}
        return _list_page(request, session, errors=errors, values=values, status_code=422)
    try:
        program = programs.create(session, actor=me, slug=body.slug, name=body.name)
    except MentorMatchError as exc:
        session.rollback()
        return _list_page(
            request,
            session,
            errors=forms.domain_error(exc),
            values=values,
            status_code=exc.status_code,
        )
    return redirect(f"/admin/programs/{program.id}?done=created")


_MESSAGES = {
    "slug": "Use 1 to 40 lower-case letters, digits and hyphens (not first or last), "
    "for example womens-circle.",
    "name": "Give the program a name (at most 120 characters).",
}


def _program_page(
    request: Request,
    session: SessionDep,
    program_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    program = programs.get(session, program_id)
    members = programs.coordinators(session, program_id)
    member_ids = {u.id for u in members}
    candidates = [u for u in programs.coordinator_accounts(session) if u.id not in member_ids]
    done = request.query_params.get("done") or ""
    context = {
        "program": program,
        "members": members,
        "candidates": candidates,
        "errors": errors or {},
        "values": values or {"name": program.name},
        "notice": NOTICES.get(done),
    }
    return render(request, "admin/program.html", context, status_code=status_code)


@router.get("/{program_id}")
def program_page(
    program_id: RowId, request: Request, me: AdminPage, session: SessionDep
) -> Response:
    """A program: rename it, archive or reopen it, add and remove its coordinators."""
    return _program_page(request, session, program_id)


def _refused(
    request: Request, session: SessionDep, program_id: int, exc: MentorMatchError, **kw: Any
) -> Response:
    """The program page again with a service's refusal next to its field (a missing
    program stays a 404 page)."""
    if exc.status_code == 404 and exc.field is None:
        raise exc
    session.rollback()
    errors = forms.domain_error(exc)
    return _program_page(
        request, session, program_id, errors=errors, status_code=exc.status_code, **kw
    )


@router.post("/{program_id}/name")
def rename_program(
    program_id: RowId, request: Request, form: FormDep, me: AdminPage, session: SessionDep
) -> Response:
    """Rename the program."""
    name = forms.text(form, "name")
    body, errors = forms.validate(ProgramUpdate, {"name": name or ""})
    if errors or body.name is None:
        values = {"name": (name or "")[:120]}
        errors = {"name": _MESSAGES["name"]}
        return _program_page(
            request, session, program_id, errors=errors, values=values, status_code=422
        )
    try:
        programs.update(session, actor=me, program_id=program_id, name=body.name)
    except MentorMatchError as exc:
        return _refused(request, session, program_id, exc)
    return redirect(f"/admin/programs/{program_id}?done=renamed")


@router.post("/{program_id}/archived")
def archive_program(
    program_id: RowId, request: Request, form: FormDep, me: AdminPage, session: SessionDep
) -> Response:
    """Archive (archived=yes) or reopen (archived=no) the program."""
    archived = forms.text(form, "archived")
    if archived not in ("yes", "no"):
        errors = {"archived": "Choose archive or reopen."}
        return _program_page(request, session, program_id, errors=errors, status_code=422)
    try:
        programs.update(session, actor=me, program_id=program_id, archived=archived == "yes")
    except MentorMatchError as exc:
        return _refused(request, session, program_id, exc)
    done = "archived" if archived == "yes" else "reopened"
    return redirect(f"/admin/programs/{program_id}?done={done}")


@router.post("/{program_id}/coordinators/add")
def add_coordinator(
    program_id: RowId, request: Request, form: FormDep, me: AdminPage, session: SessionDep
) -> Response:
    """Make a coordinator account one of the program's coordinators."""
    try:
        user_id = forms.row_id(form, "user_id")
        programs.add_coordinator(session, actor=me, program_id=program_id, user_id=user_id)
    except MentorMatchError as exc:
        if exc.field == "user_ids":
            exc.field = "user_id"
            exc.message = "user_id: choose a coordinator account from the list"
        return _refused(request, session, program_id, exc)
    return redirect(f"/admin/programs/{program_id}?done=coordinators")


@router.post("/{program_id}/coordinators/remove")
def remove_coordinator(
    program_id: RowId, request: Request, form: FormDep, me: AdminPage, session: SessionDep
) -> Response:
    """Take a coordinator off the program (their account stays)."""
    try:
        user_id = forms.row_id(form, "user_id")
        programs.remove_coordinator(session, actor=me, program_id=program_id, user_id=user_id)
    except MentorMatchError as exc:
        return _refused(request, session, program_id, exc)
    return redirect(f"/admin/programs/{program_id}?done=coordinators")
