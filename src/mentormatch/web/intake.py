"""The public intake pages: the front door, each program's intake (/p/{slug}/) and the
crisis box's minimal request.

An installation running one program keeps its old addresses (/ and /intake); with several,
/ lists the open programs and each program's intake lives at its own address. Every form
shows the program's settings in force (`programs.settings.effective`): its crisis
resources, the languages it offers, whether "a mentor of my own gender" starts ticked.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from mentormatch import places, vocabulary
from mentormatch.accounts.dependencies import Public
from mentormatch.config import Settings
from mentormatch.deps import ClientDep, SessionDep, SettingsDep
from mentormatch.errors import Invalid, NotFound
from mentormatch.i18n import N_
from mentormatch.newcomers import service
from mentormatch.newcomers.schemas import NewcomerIntake, UrgentIntake
from mentormatch.pairings import views
from mentormatch.programs import service as programs
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program
from mentormatch.programs.settings import ProgramSettings, effective
from mentormatch.web import forms
from mentormatch.web.core import NEWCOMER_COOKIE, FormDep, WebRoute, redirect, render, set_cookie
from mentormatch.web.templating import page_locale

router = APIRouter(route_class=WebRoute, include_in_schema=False)

# The newcomer form's questions in page order, each with the name the error summary gives
# it, and whether it is a group of boxes (an error then links to the group, not one box).
FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("in_crisis", N_("Are you safe"), True),
    ("first_name", N_("First name or nickname"), False),
    ("gender", N_("Your gender"), True),
    ("birth_year", N_("Year you were born"), False),
    ("languages", N_("Languages"), True),
    ("timezone", N_("Time zone"), False),
    ("substances", N_("What you are recovering from"), True),
    ("pathway", N_("Recovery path"), True),
    ("pathways", N_("Other recovery paths"), True),
    ("medication", N_("Medication"), True),
    ("recovery_start", N_("When recovery started"), False),
    ("meeting_modes", N_("How to meet"), True),
    ("location", N_("Where you are"), True),
    ("postal_code", N_("ZIP code or town"), False),
    ("travel_radius", N_("How far you can travel"), False),
    ("availability", N_("When you are free"), True),
    ("gender_pref", N_("Your mentor's gender"), True),
    ("lived_experience", N_("About me"), True),
    ("wanted_experience", N_("About my mentor"), True),
    ("hopes", N_("What you hope for"), False),
    ("preferred_contact", N_("Best way to reach you"), True),
    ("phone", N_("Phone number"), False),
    ("email", N_("Email"), False),
    ("consent", N_("Consent"), True),
)
GROUPS = {name for name, _, group in FIELDS if group}
_ORDER = {name: i for i, (name, _, _) in enumerate(FIELDS)}
_SUMMARY_NAME = {name: label for name, label, _ in FIELDS}


def summary(errors: dict[str, str]) -> list[dict[str, str]]:
    """The error summary: one line per field at fault, in page order, each naming its field
    and linking to it (a form-wide problem last, unlinked); the page writes it in its
    language."""
    lines = []
    for name in sorted(errors, key=lambda n: _ORDER.get(n, len(_ORDER))):
        target = f"{name}-group" if name in GROUPS else name
        label = _SUMMARY_NAME.get(name)
        lines.append(
            {"href": f"#{target}" if label else "", "label": label or "", "message": errors[name]}
        )
    return lines


# The minimal urgent request on the crisis box: (name, label, input type, attributes).
URGENT_FIELDS = (
    (
        "first_name",
        N_("First name or nickname"),
        "text",
        'autocomplete="given-name" maxlength="60"',
    ),
    ("phone", N_("Phone number"), "tel", 'autocomplete="tel" maxlength="40"'),
    ("email", N_("Email"), "email", 'autocomplete="email" maxlength="254"'),
)
INTAKE_PAGE = "newcomer/intake.html"
# The "other paths" boxes: every pathway but "still exploring" (never with another).
OTHER_PATHWAYS = tuple(t for t in vocabulary.PATHWAYS if t.code != vocabulary.NOT_CHOSEN_PATHWAY)
_LANGUAGE = {t.code: t for t in vocabulary.LANGUAGES}


def languages_offered(rules: ProgramSettings, values: dict[str, Any]) -> list[vocabulary.Term]:
    """The program's intake languages, in its order, then any language already chosen that
    it no longer offers (a stored answer is shown, never dropped unseen)."""
    chosen = values.get("languages", [])
    chosen = [chosen] if isinstance(chosen, str) else chosen
    codes = [*rules.intake_languages, *(c for c in chosen if c in _LANGUAGE)]
    return [_LANGUAGE[c] for c in dict.fromkeys(codes)]


def form_page(
    request: Request,
    name: str,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    program: Program,
    rules: ProgramSettings,
    urgent_errors: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """The intake or 'correct my answers' form as the program's settings shape it."""
    context = {
        "values": values,
        "errors": errors,
        "groups": GROUPS,
        "summary": summary(errors),
        "distance_unit": places.unit(request.app.state.settings.country),
        "parts": forms.PARTS,
        "days": forms.DAYS,
        "timezones": forms.TIMEZONES,
        "languages_offered": languages_offered(rules, values),
        "other_pathways": OTHER_PATHWAYS,
        "mentor_sees_with_consent": views.MENTOR_SEES_WITH_CONSENT,
        "mentor_sees_without_consent": views.MENTOR_SEES_WITHOUT_CONSENT,
        "urgent_fields": URGENT_FIELDS,
        "urgent_errors": urgent_errors or {},
        "program": program,
        **service.crisis_payload(rules),
        **extra,
    }
    return render(request, name, context, status_code=422 if errors or urgent_errors else 200)


def _actions(program: Program, addressed: bool) -> dict[str, Any]:
    """Where the intake's two forms go: the program's own address, or the old one."""
    base = f"/p/{program.slug}/" if addressed else "/intake"
    return {"intake_action": base, "urgent_action": f"{base.rstrip('/')}/urgent"}


def _blank_form(
    request: Request, program: Program, settings: Settings, addressed: bool
) -> Response:
    rules = effective(program, settings)
    # Nothing answered for them: not even "no medication" (issue 14).
    values: dict[str, Any] = {"languages": rules.intake_languages[:1]}
    if rules.same_gender_default:
        values["same_gender"] = "yes"
    return form_page(
        request,
        INTAKE_PAGE,
        values,
        {},
        program=program,
        rules=rules,
        offer_same_gender=True,
        **_actions(program, addressed),
    )


def _submit(
    request: Request,
    form: Any,
    session: Session,
    settings: Settings,
    client: str | None,
    program: Program,
    addressed: bool,
) -> Response:
    """Validate with the API's schema, store through the newcomer service, then confirm."""
    rules = effective(program, settings)
    values = forms.form_values(form)
    again: dict[str, Any] = {"program": program, "rules": rules, "offer_same_gender": True}
    again |= _actions(program, addressed)
    data = forms.intake_data(
        form, consent_version=settings.consent_version, country=settings.country
    )
    body, errors = forms.validate(NewcomerIntake, data | {"program": program.slug})
    if body is None:
        return form_page(request, INTAKE_PAGE, values, errors, **again)
    try:
        _, token = service.intake(
            session, body=body, settings=settings, client=client, language=page_locale(request)
        )
    except Invalid as exc:
        return form_page(request, INTAKE_PAGE, values, forms.domain_error(exc), **again)
    response = redirect("/welcome")
    set_cookie(response, request, NEWCOMER_COOKIE, token)
    return response


def _submit_urgent(
    request: Request,
    form: Any,
    session: Session,
    settings: Settings,
    client: str | None,
    program: Program,
    addressed: bool,
) -> Response:
    """The crisis box's minimal request: a name and maybe a way to reach them, sent at once."""
    values = {**forms.form_values(form), "in_crisis": "yes"}
    body, errors = forms.validate(UrgentIntake, forms.urgent_data(form) | {"program": program.slug})
    if body is None:
        rules = effective(program, settings)
        return form_page(
            request,
            INTAKE_PAGE,
            values,
            {},
            program=program,
            rules=rules,
            urgent_errors=errors,
            offer_same_gender=True,
            **_actions(program, addressed),
        )
    _, token = service.urgent_intake(
        session, body=body, settings=settings, client=client, language=page_locale(request)
    )
    response = redirect("/welcome")
    set_cookie(response, request, NEWCOMER_COOKIE, token)
    return response


def _front_door_crisis(
    session: Session, settings: Settings, shown: list[Program]
) -> dict[str, Any]:
    """Every listed program's crisis resources and words, each once (the default program's
    when none is open): someone in danger at the front door has not chosen a program yet."""
    listed = shown or [session.get_one(Program, DEFAULT_PROGRAM_ID)]
    resources: list[dict[str, Any]] = []
    notices: list[str] = []
    for program in listed:
        payload = service.crisis_payload(effective(program, settings))
        resources += [r for r in payload["crisis_resources"] if r not in resources]
        if payload["crisis_notice"] not in notices:
            notices.append(payload["crisis_notice"])
    return {"crisis_resources": resources, "crisis_notices": notices}


@router.get("/", dependencies=[Public])
def home(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The front door: ask for a mentor, or sign in; with several programs, choose one
    (the crisis resources first)."""
    found = programs.open_programs(session)
    if len(found) == 1:
        return render(request, "home.html")
    context = {"programs": found, **_front_door_crisis(session, settings, found)}
    return render(request, "programs.html", context)


def _only_program(session: Session) -> Program | None:
    try:
        return programs.for_intake(session, None)
    except Invalid:
        return None  # several programs are open, or none: the front door lists them


@router.get("/intake", dependencies=[Public])
def intake_form(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The intake form of the installation's only program, phone first."""
    program = _only_program(session)
    if program is None:
        return redirect("/")
    return _blank_form(request, program, settings, addressed=False)


@router.post("/intake", dependencies=[Public])
def intake_submit(
    request: Request, form: FormDep, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> Response:
    """The only program's intake, sent."""
    program = programs.for_intake(session, None)  # 422 naming `program` when several
    return _submit(request, form, session, settings, client, program, addressed=False)


@router.post("/intake/urgent", dependencies=[Public])
def urgent_submit(
    request: Request, form: FormDep, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> Response:
    """The only program's minimal urgent request, sent."""
    program = programs.for_intake(session, None)
    return _submit_urgent(request, form, session, settings, client, program, addressed=False)


def _taking_requests(
    request: Request, session: Session, settings: Settings, slug: str
) -> Program | Response:
    """The open program at /p/{slug}/; for an archived one, the 404 page that says so with
    its crisis resources still shown; for an unknown address, the 404 page."""
    program = programs.find(session, slug)
    if program is None:
        raise NotFound(N_("no such program"))
    if not program.archived:
        return program
    context = {"program": program, **service.crisis_payload(effective(program, settings))}
    return render(request, "newcomer/program_closed.html", context, status_code=404)


@router.get("/p/{slug}/", dependencies=[Public])
def program_intake_form(
    request: Request, slug: str, session: SessionDep, settings: SettingsDep
) -> Response:
    """A program's own intake form."""
    program = _taking_requests(request, session, settings, slug)
    if isinstance(program, Response):
        return program
    return _blank_form(request, program, settings, addressed=True)


@router.post("/p/{slug}/", dependencies=[Public])
def program_intake_submit(
    request: Request,
    slug: str,
    form: FormDep,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
) -> Response:
    """A program's intake, sent."""
    program = _taking_requests(request, session, settings, slug)
    if isinstance(program, Response):
        return program
    return _submit(request, form, session, settings, client, program, addressed=True)


@router.post("/p/{slug}/urgent", dependencies=[Public])
def program_urgent_submit(
    request: Request,
    slug: str,
    form: FormDep,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
) -> Response:
    """A program's minimal urgent request, sent."""
    program = _taking_requests(request, session, settings, slug)
    if isinstance(program, Response):
        return program
    return _submit_urgent(request, form, session, settings, client, program, addressed=True)
