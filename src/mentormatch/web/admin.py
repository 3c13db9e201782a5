"""The admin's own pages: every account, inviting staff, enabling and disabling accounts.

An admin manages accounts and sees no newcomer or mentor records: a coordinator page
opened by an admin sends them here (`web.core.require_page`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.accounts import service as accounts
from mentormatch.accounts.models import Role
from mentormatch.accounts.schemas import UserCreate
from mentormatch.audit import service as audit
from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.errors import Invalid, MentorMatchError
from mentormatch.i18n import N_
from mentormatch.web import forms
from mentormatch.web.core import AdminPage, FormDep, WebRoute, redirect, render
from mentormatch.web.templating import page_locale

router = APIRouter(prefix="/admin", route_class=WebRoute, include_in_schema=False)

STAFF_ROLES = (Role.coordinator, Role.admin)


ACCOUNTS_PER_PAGE = 50


def _listing(request: Request) -> dict[str, str]:
    """The list's search, role filter and page number, as the page's query gave them."""
    query = request.query_params
    return {"q": (query.get("q") or "").strip(), "role": query.get("role") or ""}


def _page(
    request: Request,
    session: SessionDep,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    listing = _listing(request)
    page = forms.page_number(request.query_params.get("page"))
    if len(listing["q"]) > 254:
        raise Invalid(N_("q: at most 254 characters"), field="q")
    if listing["role"] not in ("", *(r.value for r in Role)):
        raise Invalid(N_("role: choose mentor, coordinator or admin"), field="role")
    users, total = accounts.list_users(
        session,
        q=listing["q"] or None,
        role=Role(listing["role"]) if listing["role"] else None,
        limit=ACCOUNTS_PER_PAGE,
        offset=(page - 1) * ACCOUNTS_PER_PAGE,
    )
    pages = forms.page_count(page, total, ACCOUNTS_PER_PAGE)
    context = {
        "users": users,
        "total": total,
        "page": page,
        "pages": pages,
        "first_shown": (page - 1) * ACCOUNTS_PER_PAGE + 1,
        "listing": listing,
        "errors": errors or {},
        "values": values or {"role": "coordinator"},
        "notice": notice,
        "roles": STAFF_ROLES,
    }
    return render(request, "admin/accounts.html", context, status_code=status_code)


@router.get("")
def accounts_page(
    request: Request,
    me: AdminPage,
    session: SessionDep,
    invited: str = "",
    changed: str = "",
    sent: str = "",
) -> Response:
    """A page of accounts (search by email, filter by role; `q`, `role`, `page`), with a form
    to invite a coordinator or admin."""
    notice = None
    if invited:
        notice = N_("Invitation sent: a link to choose a password is on its way (outbox).")
    elif changed:
        notice = N_("Account updated.")
    elif sent:
        notice = N_("Link sent: a link to choose a new password is on its way (outbox).")
    return _page(request, session, notice=notice)


@router.post("/users")
def invite_user(
    request: Request, form: FormDep, me: AdminPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Create a coordinator or admin account and send them an invitation."""
    email = forms.text(form, "email") or ""
    role = forms.text(form, "role") or ""
    values = {"email": email[:254], "role": role}
    _, errors = forms.validate(UserCreate, {"email": email, "role": role})
    if errors:
        errors = {
            k: "Choose coordinator or admin." if k == "role" else v for k, v in errors.items()
        }
        return _page(request, session, errors=errors, values=values, status_code=422)
    try:
        user = accounts.create_user(session, email=email, password=None, role=Role(role))
        user.interface_language = page_locale(request)  # written to from this page's language
        accounts.invite(session, user=user, settings=settings)
        audit.record(session, actor=me, action="create", object_type="user", object_id=user.id)
        session.commit()
    except MentorMatchError as exc:
        session.rollback()
        errors = forms.domain_error(exc)
        return _page(request, session, errors=errors, values=values, status_code=exc.status_code)
    return redirect("/admin?invited=1")


@router.post("/users/{user_id}/active")
def set_active(
    user_id: RowId, form: FormDep, me: AdminPage, session: SessionDep, request: Request
) -> Response:
    """Enable or disable an account (disabling signs it out at once)."""
    active = forms.text(form, "active")
    if active not in ("yes", "no"):
        return _page(
            request, session, errors={"form": "Choose enable or disable."}, status_code=422
        )
    try:
        accounts.set_active(session, actor=me, user_id=user_id, is_active=active == "yes")
    except MentorMatchError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        errors = forms.domain_error(exc)
        return _page(request, session, errors=errors, status_code=exc.status_code)
    return redirect("/admin?changed=1")


@router.post("/users/{user_id}/reset")
def send_reset(
    user_id: RowId,
    form: FormDep,
    me: AdminPage,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> Response:
    """Send the account's owner a link to choose a new password (a new invitation if they
    never chose one), through the outbox; recorded."""
    try:
        accounts.send_reset(session, actor=me, user_id=user_id, settings=settings)
    except MentorMatchError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        errors = forms.domain_error(exc)
        return _page(request, session, errors=errors, status_code=exc.status_code)
    return redirect("/admin?sent=1")
