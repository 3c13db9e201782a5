"""The admin's page of a program's settings: every setting with its meaning, value and
whether it is the default; saving records each change; the history of changes, paged."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mentormatch import vocabulary
from mentormatch.assessments import service as assessments
from mentormatch.deps import RowId, SessionDep, SettingsDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import N_, Words, said, said_n
from mentormatch.matching.program import CRITERIA
from mentormatch.programs import admin as programs
from mentormatch.programs import settings_change
from mentormatch.programs.settings import FOLLOWUP_INSTRUMENTS, ProgramSettings
from mentormatch.web import forms, settings_form
from mentormatch.web.core import AdminPage, FormDep, WebRoute, redirect, render
from mentormatch.web.labels import label
from mentormatch.web.templating import add_filters, page_locale

router = APIRouter(prefix="/admin/programs", route_class=WebRoute, include_in_schema=False)

CHANGES_PER_PAGE = 20
# The settings schema's own words (marked N_ there, so the page translates them with `|t`).
DESCRIPTIONS = {
    name: field.description or "" for name, field in ProgramSettings.model_fields.items()
}
LABELS = {
    "weights": N_("Criterion weights"),
    "min_recovery_days": N_("Minimum recovery time (days)"),
    "mentor_longer_in_recovery": N_("Mentor longer in recovery than the newcomer"),
    "min_age": N_("Youngest age served"),
    "serves_youth": N_("Serves youth"),
    "same_gender_default": N_("Same-gender mentor ticked by default"),
    "request_expiry_days": N_("Request expiry (days)"),
    "reminder_after_days": N_("Reminder after (days)"),
    "quiet_pairing_days": N_("Quiet pairing reminder (days)"),
    "quiet_escalation_days": N_("Quiet pairing escalation (further days)"),
    "fit_check_days": N_("Fit check after (days)"),
    "pairing_months": N_("Pairing length before graduation (months; 0: none)"),
    "capacity_cap": N_("Mentor capacity cap"),
    "wait_weight": N_("Waiting time in whole-pool proposals (score points per 30 days waited)"),
    "intake_languages": N_("Intake languages"),
    "crisis_resources": N_("Crisis resources"),
    "crisis_notice": N_("Crisis notice"),
    "learn_min_decisions": N_("Decisions needed before weights are learned"),
    "learn_min_outcomes": N_("Outcomes of a kind needed before they teach the weights"),
    # follow-up questionnaires (issue 19)
    "followup_baseline_instruments": N_("Due at the baseline"),
    "followup_day_instruments": N_("Due at the follow-up"),
    "followup_yearly_instruments": N_("Due at each yearly follow-up"),
    "followup_closeout_instruments": N_("Due at the closeout"),
    "followup_baseline_days": N_("Baseline due within (days of the intake)"),
    "followup_day": N_("Follow-up day (days after the intake)"),
    "followup_tolerance_days": N_("Follow-up window (days before and after)"),
    "followup_yearly_tolerance_days": N_("Yearly follow-up window (days before and after)"),
    "followup_closeout_days": N_("Closeout due within (days after care ends)"),
    "followup_target_percent": N_("Follow-up rate target (%)"),
} | {
    f"weights.{c}": said("Weight: %(criterion)s", criterion=said(label(c, "criterion")))
    for c in CRITERIA
}


def shown(value: Any) -> str:
    """A setting's value as the history shows it (`|t` translates its words)."""
    if isinstance(value, bool):
        return N_("yes") if value else N_("no")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) or N_("none")
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, dict) and all(isinstance(v, (int, float)) for v in value.values()):
        # the weights, each criterion by its name in the page's language
        pieces = {f"name{i}": said(label(k, "criterion")) for i, k in enumerate(value)}
        numbers = {f"weight{i}": f"{v:g}" for i, v in enumerate(value.values())}
        template = ", ".join(f"%(name{i})s %(weight{i})s" for i in range(len(value)))
        return Words(template, None, **pieces, **numbers)
    return json.dumps(value, ensure_ascii=False)


add_filters(setting_value=shown)


def _page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    program_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    version: int | None = None,
    status_code: int = 200,
) -> Response:
    program = programs.get(session, program_id)
    page = forms.page_number(request.query_params.get("page"))
    rows, total = settings_change.history(
        session, program_id=program_id, limit=CHANGES_PER_PAGE, offset=(page - 1) * CHANGES_PER_PAGE
    )
    current = settings_change.current(program, settings)
    values = values if values is not None else settings_form.values_of(current)
    saved = request.query_params.get("saved")
    context = {
        "program": program,
        "current": current,
        "defaults": settings_change.defaults(settings),
        "own": set(settings_change.own_names(program, settings)),
        "descriptions": DESCRIPTIONS,
        "labels": LABELS,
        "criteria": CRITERIA,
        "languages": vocabulary.LANGUAGES,
        "instruments": [
            (i.code, assessments.definition_of(i).name_in(page_locale(request)))
            for i in assessments.instruments(session)
        ],
        "followup_instruments": FOLLOWUP_INSTRUMENTS,
        "values": values,
        "errors": errors or {},
        "version": version if version is not None else program.settings_version,
        "resource_rows": settings_form.layout(values),
        "changes": rows,
        "total": total,
        "page": page,
        "pages": forms.page_count(page, total, CHANGES_PER_PAGE),
        "first_shown": (page - 1) * CHANGES_PER_PAGE + 1,
        "notice": _notice(saved),
    }
    return render(request, "admin/program_settings.html", context, status_code=status_code)


def _notice(saved: str | None) -> str | None:
    count = forms.number(saved)
    if count is None:
        return None
    if count == 0:
        return N_("Nothing changed.")
    return said_n(
        "Saved: %(count)s change recorded, in force at once.",
        "Saved: %(count)s changes recorded, in force at once.",
        count,
    )


@router.get("/{program_id}/settings")
def settings_page(
    program_id: RowId, request: Request, me: AdminPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """The program's settings form and the history of its changes (`page`)."""
    return _page(request, session, settings, program_id)


@router.post("/{program_id}/settings")
def save_settings(
    program_id: RowId,
    request: Request,
    form: FormDep,
    me: AdminPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Save the form: each changed setting is recorded, the version rises by one."""
    program = programs.get(session, program_id)
    values = forms.form_values(form)
    version = forms.number(forms.text(form, "settings_version"))
    changes, errors, rows = settings_form.read(form)
    if version is None or not 1 <= version <= 2**31 - 1:
        errors["settings_version"] = N_("Reload the page and try again.")
    if errors:
        return _page(
            request, session, settings, program_id, values=values, errors=errors, status_code=422
        )
    assert version is not None
    try:
        written = settings_change.change(
            session,
            actor=me,
            program=program,
            changes=changes,
            settings_version=version,
            settings=settings,
        )
    except settings_change.InvalidSettings as exc:
        session.rollback()
        errors = settings_form.placed(exc.problems, rows)
        return _page(
            request, session, settings, program_id, values=values, errors=errors,
            version=version, status_code=422,
        )  # fmt: skip
    except MentorMatchError as exc:
        session.rollback()
        errors = settings_form.placed({exc.field or "form": exc.message.split(": ", 1)[-1]}, rows)
        return _page(
            request, session, settings, program_id, values=values, errors=errors,
            version=version, status_code=exc.status_code,
        )  # fmt: skip
    return redirect(f"/admin/programs/{program_id}/settings?saved={len(written)}")
