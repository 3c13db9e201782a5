"""Password pages: choose one from an invitation or reset link, forgot it, change it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from mentormatch.accounts import passwords
from mentormatch.accounts import service as accounts
from mentormatch.accounts.dependencies import Public
from mentormatch.accounts.models import TokenPurpose
from mentormatch.deps import ClientDep, NowDep, SessionDep, SettingsDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import N_
from mentormatch.web import forms
from mentormatch.web.core import FormDep, StaffPage, WebRoute, redirect, render
from mentormatch.web.templating import page_locale

router = APIRouter(prefix="/account", route_class=WebRoute, include_in_schema=False)

BAD_LINK = N_(
    "This link is unknown, already used or expired. Ask for a new one below, "
    "or ask your coordinator to invite you again."
)
DIFFERENT = N_("The two passwords differ. Type the same password twice.")


def _raw(form: FormData, name: str) -> str:
    """A password field exactly as typed (spaces count)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.get("/set-password", dependencies=[Public])
def set_password_form(request: Request, session: SessionDep, token: str = "") -> Response:
    """Choose a password with the link of an invitation or a reset."""
    found = passwords.pending_link(session, token=token) if token else None
    context = {
        "token": token,
        "errors": {} if found else {"token": BAD_LINK},
        "invitation": found is not None and found[0].purpose is TokenPurpose.invitation,
        "email": found[1].email if found else "",
    }
    return render(request, "account/set_password.html", context, status_code=200 if found else 410)


@router.post("/set-password", dependencies=[Public])
def set_password_submit(
    request: Request, form: FormDep, session: SessionDep, client: ClientDep
) -> Response:
    """Set the password (the link is used up; every other session of the account ends)."""
    token = forms.text(form, "token") or ""
    password = _raw(form, "password")
    found = passwords.pending_link(session, token=token) if token else None
    errors: dict[str, str] = {}
    if found is None:
        errors = {"token": BAD_LINK}
    elif password != _raw(form, "password_again"):
        errors = {"password_again": DIFFERENT}
    else:
        try:
            passwords.set_with_token(session, token=token, password=password, client=client)
            accounts.remember_language(session, user_id=found[1].id, language=page_locale(request))
            session.commit()
        except MentorMatchError as exc:
            session.rollback()
            errors = {"token": BAD_LINK} if exc.field == "token" else forms.domain_error(exc)
    if errors:
        context = {
            "token": token,
            "errors": errors,
            "invitation": found is not None and found[0].purpose is TokenPurpose.invitation,
            "email": found[1].email if found else "",
        }
        status = 410 if "token" in errors else 422
        return render(request, "account/set_password.html", context, status_code=status)
    return redirect("/login?password=set")


@router.get("/forgot", dependencies=[Public])
def forgot_form(request: Request) -> Response:
    """Ask for a reset link."""
    return render(request, "account/forgot.html", {"sent": False, "errors": {}, "email": ""})


@router.post("/forgot", dependencies=[Public])
def forgot_submit(
    request: Request, form: FormDep, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> Response:
    """The same answer whether or not an account has this email."""
    email = forms.text(form, "email")
    if not email or len(email) > 254 or "\x00" in email:
        errors = {"email": N_("Please enter the email you sign in with.")}
        context = {"sent": False, "errors": errors, "email": (email or "")[:254]}
        return render(request, "account/forgot.html", context, status_code=422)
    passwords.request_reset(
        session, email=email, settings=settings, client=client, language=page_locale(request)
    )
    return render(request, "account/forgot.html", {"sent": True, "errors": {}, "email": ""})


@router.get("/password")
def change_form(request: Request, me: StaffPage) -> Response:
    """Change your password."""
    return render(request, "account/change.html", {"errors": {}, "changed": False})


@router.post("/password")
def change_submit(
    request: Request,
    form: FormDep,
    me: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    now: NowDep,
) -> Response:
    """Check the current password (counted like sign-ins), then set the new one."""
    new = _raw(form, "new_password")
    errors: dict[str, str] = {}
    status = 422
    if new != _raw(form, "new_password_again"):
        errors = {"new_password_again": DIFFERENT}
    else:
        try:
            passwords.change(
                session,
                principal=me,
                current=_raw(form, "current_password"),
                new=new,
                client=client,
                now=now,
                settings=settings,
            )
        except MentorMatchError as exc:
            session.rollback()
            errors, status = forms.domain_error(exc), exc.status_code
    if errors:
        return render(
            request, "account/change.html", {"errors": errors, "changed": False}, status_code=status
        )
    return render(request, "account/change.html", {"errors": {}, "changed": True})
