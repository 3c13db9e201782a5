"""Web plumbing: templates, cookie sessions, the page route class and role dependencies.

Pages authenticate with their own HttpOnly, SameSite=Lax cookies (Secure over HTTPS):
`mm_staff` holds a staff token from `accounts.service.authenticate`, `mm_newcomer`
holds a newcomer's status token. Both are resolved with `principal_for_token`, so they
are exactly as strong, revocable and expiring as the bearer tokens of the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mentormatch import error_words
from mentormatch.accounts.dependencies import principal_for_token
from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.deps import ClientDep, SessionDep, SettingsDep
from mentormatch.error_words import uncapital
from mentormatch.errors import Forbidden, Invalid, MentorMatchError
from mentormatch.i18n import N_, said
from mentormatch.web import csrf, templating

STATIC_DIR = templating.TEMPLATES_DIR.parent / "static"
STAFF_COOKIE = "mm_staff"
NEWCOMER_COOKIE = "mm_newcomer"
LANG_COOKIE = templating.LANG_COOKIE
LANG_MAX_AGE = 365 * 24 * 3600  # the language chosen with the switch, for a year


def secure(request: Request) -> bool:
    """Mark cookies Secure when the public URL is https, or this request came over HTTPS
    (directly, or as a trusted proxy's X-Forwarded-Proto says)."""
    settings = request.app.state.settings
    return bool(settings.uses_https) or request.url.scheme == "https"


def set_cookie(
    response: Response, request: Request, name: str, value: str, max_age: int | None = None
) -> None:
    """An HttpOnly, SameSite=Lax cookie, Secure over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=secure(request))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with its CSRF token, setting the CSRF cookie on first visit."""
    value = request.cookies.get(csrf.COOKIE)
    fresh = value is None
    if value is None:
        value = csrf.new_value()
    secret = request.app.state.settings.secret_key
    code = templating.page_locale(request)
    page = {
        "csrf_token": csrf.sign(secret, value),
        "principal": getattr(request.state, "principal", None),
        "language_switch": templating.switch_links(request, code, failed=status_code >= 400),
        **(context or {}),
    }
    templates = templating.TEMPLATES[code]
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    if fresh:
        set_cookie(response, request, csrf.COOKIE, value)
    return response


def redirect(url: str) -> RedirectResponse:
    """See other: the browser follows with a GET (post/redirect/get)."""
    return RedirectResponse(url, status_code=303)


class SignInRequired(MentorMatchError):
    status_code = 401
    type = "unauthorized"


class GoTo(MentorMatchError):
    """Send the browser elsewhere (an admin opening a coordinator page lands on /admin)."""

    status_code = 303
    type = "see_other"


class StatusLinkRequired(MentorMatchError):
    status_code = 401
    type = "unauthorized"


# Address parameters a person sets from a page's own form, named in words a refusal can
# translate ("meses"); any other parameter is named by its code.
PARAMETERS: Final = {
    "months": N_("months"),
    "page": N_("page"),
    "program": N_("program"),
    "since": N_("since"),
    "until": N_("until"),
}


def invalid_input(exc: RequestValidationError) -> Invalid:
    """A page's path or query parameters that failed validation, as one error naming each."""
    problems = []
    for error in exc.errors():
        # a list's item is named by the list (loc ends in its index)
        name = next((str(p) for p in reversed(error["loc"]) if not isinstance(p, int)), "address")
        problems.append(
            said(
                # the parameter's name is a code of the address: each language puts it where
                # its sentence reads best (the Spanish after the problem, in brackets)
                "%(parameter)s: %(problem)s",
                parameter=said(PARAMETERS[name]) if name in PARAMETERS else name,
                problem=uncapital(error_words.issue_reason(error)),
            )
        )
    kept = list({str(problem): problem for problem in problems}.values())
    return Invalid(error_words.joined(kept), field=problems[0].split(":")[0])


def error_page(request: Request, exc: MentorMatchError) -> HTMLResponse:
    """The HTML page for a domain error, with its status."""
    return render(
        request,
        "error.html",
        {"status": exc.status_code, "message": exc.message},
        status_code=exc.status_code,
    )


# Starlette's words for an unknown address, as the error page shows them, for the catalog.
NOT_FOUND = N_("not found")


def status_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error page for a status no domain error stands for (405, a malformed form body)."""
    error = MentorMatchError(message)
    error.status_code = status
    return error_page(request, error)


class WebRoute(APIRoute):
    """A page route: every error an HTML page with its 4xx status (invalid path or query
    parameters included: 422 naming them), missing sign-in a redirect to /login."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            response = await answer(request)
            chosen = request.query_params.get(templating.LANG_PARAM)
            if chosen in templating.TEMPLATES and request.cookies.get(LANG_COOKIE) != chosen:
                set_cookie(response, request, LANG_COOKIE, str(chosen), max_age=LANG_MAX_AGE)
            return response

        async def answer(request: Request) -> Response:
            try:
                templating.asked_for(request)  # a language it does not speak: 422
                return await handler(request)
            except SignInRequired:
                target = request.url.path
                return redirect(f"/login?next={quote(target, safe='/')}")
            except GoTo as exc:
                return redirect(exc.message)
            except StatusLinkRequired:
                return render(request, "newcomer/need_link.html", status_code=401)
            except MentorMatchError as exc:
                return error_page(request, exc)
            except RequestValidationError as exc:
                return error_page(request, invalid_input(exc))
            except DataError:
                return error_page(request, Invalid(N_("a value sent cannot be stored")))
            except HTTPException as exc:
                if exc.status_code >= 500:
                    raise
                return status_page(request, exc.status_code, str(exc.detail))

        return page_handler


def require_page(*roles: Role) -> Callable[..., Principal]:
    """A page dependency admitting only signed-in staff of the given roles."""

    def dependency(request: Request, session: SessionDep, client: ClientDep) -> Principal:
        token = request.cookies.get(STAFF_COOKIE)
        principal = principal_for_token(session, token) if token else None
        if principal is None or principal.role not in roles:
            audit.record_refusal(
                session,
                actor=principal,
                action=f"GET {request.url.path}" if request.method == "GET" else request.method,
                object_type="page",
                client=client,
            )
            if principal is None:
                raise SignInRequired("sign in to continue")
            if principal.role is Role.admin and request.method == "GET":
                raise GoTo("/admin")  # an admin's pages are their own: never a dead end
            raise Forbidden(N_("your role may not use this page"))
        request.state.principal = principal
        return principal

    dependency.role_rule = tuple(str(role) for role in roles)  # type: ignore[attr-defined]
    return dependency


def newcomer_page(request: Request, session: SessionDep) -> Principal:
    """The newcomer holding a status cookie; otherwise a page asking for their link."""
    token = request.cookies.get(NEWCOMER_COOKIE)
    principal = principal_for_token(session, token) if token else None
    if principal is None or principal.role is not Role.newcomer:
        raise StatusLinkRequired("open the private link you were given")
    request.state.principal = principal
    return principal


newcomer_page.role_rule = (str(Role.newcomer),)  # type: ignore[attr-defined]


async def posted_form(request: Request, settings: SettingsDep) -> FormData:
    """The submitted form, after the CSRF and same-site checks."""
    form = await request.form()
    csrf.check(request, form, secret_key=settings.secret_key)
    return form


FormDep = Annotated[FormData, Depends(posted_form)]
CoordinatorPage = Annotated[Principal, Depends(require_page(Role.coordinator))]
MentorPage = Annotated[Principal, Depends(require_page(Role.mentor))]
AdminPage = Annotated[Principal, Depends(require_page(Role.admin))]
StaffPage = Annotated[Principal, Depends(require_page(Role.coordinator, Role.mentor, Role.admin))]
NewcomerPage = Annotated[Principal, Depends(newcomer_page)]
