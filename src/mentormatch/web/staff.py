"""Sign-in and sign-out for coordinators and mentors (cookie holding a staff token)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch.accounts import service as accounts
from mentormatch.accounts.dependencies import Public, principal_for_token
from mentormatch.accounts.models import Role
from mentormatch.deps import ClientDep, NowDep, SessionDep, SettingsDep
from mentormatch.errors import TooManyRequests, Unauthorized
from mentormatch.i18n import N_
from mentormatch.web import forms
from mentormatch.web.core import (
    STAFF_COOKIE,
    FormDep,
    WebRoute,
    clear_cookie,
    redirect,
    render,
    set_cookie,
)
from mentormatch.web.templating import page_locale

router = APIRouter(route_class=WebRoute, include_in_schema=False)

HOME = {Role.coordinator: "/coordinator", Role.mentor: "/mentor", Role.admin: "/admin"}
PASSWORD_SET = N_("Your password is set. Sign in with it.")
# The sign-in refusal in the page's language (a throttled one keeps the service's words).
WRONG = N_("Wrong email or password.")


def _safe_next(target: str | None, role: Role) -> str:
    """Only same-site paths: never redirect to another site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME.get(role, "/")


@router.get("/login", dependencies=[Public])
def login_form(request: Request, next: str = "", password: str = "") -> Response:
    """The sign-in form."""
    notice = PASSWORD_SET if password == "set" else None
    context = {"next": next, "email": "", "error": None, "notice": notice}
    return render(request, "staff/login.html", context)


@router.post("/login", dependencies=[Public])
def login_submit(
    request: Request,
    form: FormDep,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    now: NowDep,
) -> Response:
    """Authenticate with the accounts service (throttled) and set the staff cookie."""
    email = forms.text(form, "email") or ""
    target = forms.text(form, "next")
    try:
        token, user = accounts.authenticate(
            session,
            email=email,
            password=str(form.get("password") or ""),
            client=client,
            now=now,
            settings=settings,
        )
    except (Unauthorized, TooManyRequests) as exc:
        context = {
            "next": target or "",
            "email": email,
            "error": WRONG
            if isinstance(exc, Unauthorized)
            else exc.message[:1].upper() + exc.message[1:] + ".",
        }
        page = render(request, "staff/login.html", context, status_code=exc.status_code)
        page.headers.update(exc.headers)
        return page
    accounts.remember_language(session, user_id=user.id, language=page_locale(request))
    session.commit()
    response = redirect(_safe_next(target, user.role))
    set_cookie(response, request, STAFF_COOKIE, token, max_age=settings.token_ttl_minutes * 60)
    return response


@router.post("/logout", dependencies=[Public])
def logout(request: Request, form: FormDep, session: SessionDep) -> Response:
    """Revoke the staff token at once and clear the cookie."""
    token = request.cookies.get(STAFF_COOKIE)
    principal = principal_for_token(session, token) if token else None
    if principal is not None and principal.session_id is not None:
        accounts.revoke_session(session, principal=principal)
    response = redirect("/login")
    clear_cookie(response, request, STAFF_COOKIE)
    return response
