"""The program settings form: its fields as the page names them, read back into settings.

Inputs are named by the setting's dotted path (`min_recovery_days`, `weights.substance`,
`crisis_resources.0.links.1.href`), the same name `programs.settings_change` gives a problem,
so every error lands next to its input.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData

from mentormatch.i18n import N_, Words, said
from mentormatch.matching.program import CRITERIA
from mentormatch.programs.settings import FOLLOWUP_INSTRUMENTS
from mentormatch.web import forms

# Follow-up questionnaires (issue 19): the windows and the target, in whole days/percent.
FOLLOWUP_WHOLE = (
    "followup_baseline_days", "followup_day", "followup_tolerance_days",
    "followup_yearly_tolerance_days", "followup_closeout_days", "followup_target_percent",
)  # fmt: skip
WHOLE = (
    "min_recovery_days",
    "min_age",
    "request_expiry_days",
    "quiet_pairing_days",
    "quiet_escalation_days",
    "fit_check_days",
    "pairing_months",
    "capacity_cap",
    "learn_min_decisions",
    "learn_min_outcomes",
    *FOLLOWUP_WHOLE,
)
DECIMAL = ("reminder_after_days", "wait_weight")
FLAGS = ("mentor_longer_in_recovery", "serves_youth", "same_gender_default")
MAX_RESOURCES = 6
MAX_LINKS = 4
_DECIMAL = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,6})?$")


def decimal(value: str | None) -> float | None:
    """A number such as 2, 0.5 or 1.25 written with ASCII digits; None for anything else."""
    if value is None or not _DECIMAL.match(value):
        return None
    return float(value)


def values_of(current: dict[str, Any]) -> dict[str, Any]:
    """The form's values for settings in force (JSON values)."""
    values: dict[str, Any] = {}
    for name in WHOLE + DECIMAL:
        values[name] = _plain(current[name])
    for name in FLAGS:
        values[name] = "yes" if current[name] else ""
    for criterion in CRITERIA:
        values[f"weights.{criterion}"] = _plain(current["weights"][criterion])
    values["intake_languages"] = list(current["intake_languages"])
    for name in FOLLOWUP_INSTRUMENTS:
        values[name] = list(current[name])
    values["crisis_notice"] = current["crisis_notice"]
    for i, resource in enumerate(current["crisis_resources"]):
        for key in ("name", "contact", "region"):
            values[f"crisis_resources.{i}.{key}"] = resource.get(key, "")
        for j, link in enumerate(resource.get("links", [])):
            values[f"crisis_resources.{i}.links.{j}.label"] = link["label"]
            values[f"crisis_resources.{i}.links.{j}.href"] = link["href"]
    return values


def _plain(number: float | int) -> str:
    """2.0 as '2', 0.05 as '0.05'."""
    return f"{number:g}" if isinstance(number, float) else str(number)


def layout(values: dict[str, Any]) -> list[int]:
    """How many link rows each crisis resource row shows: its links and one blank (at most
    four); and one blank resource row to add one (at most six resources)."""
    rows: list[int] = []
    for i in range(MAX_RESOURCES):
        prefix = f"crisis_resources.{i}."
        keys = [k for k in values if k.startswith(prefix)]
        if not keys:
            break
        links = [
            forms.number(k.split(".")[3])
            for k in keys
            if k.startswith(prefix + "links.") and k.count(".") >= 4
        ]
        last = max((j for j in links if j is not None and j < MAX_LINKS), default=-1)
        rows.append(min(MAX_LINKS, last + 2))
    if len(rows) < MAX_RESOURCES:
        rows.append(2)
    return rows


def read(form: FormData) -> tuple[dict[str, Any], dict[str, str], list[int]]:
    """The settings the form holds, the problems found reading it, and for each resource
    sent the row it came from (to put the service's errors back next to their row)."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in WHOLE:
        number = forms.number(forms.text(form, name))
        if number is None:
            errors[name] = N_("Give a whole number, for example 14.")
        else:
            changes[name] = number
    for name in DECIMAL:
        value = decimal(forms.text(form, name))
        if value is None:
            errors[name] = N_("Give a number, for example 2 or 0.5.")
        else:
            changes[name] = value
    for name in FLAGS:
        changes[name] = forms.checked(form, name)
    weights: dict[str, float] = {}
    for criterion in CRITERIA:
        value = decimal(forms.text(form, f"weights.{criterion}"))
        if value is None:
            errors[f"weights.{criterion}"] = N_("Give a number from 0 to 100, for example 1.5.")
        else:
            weights[criterion] = value
    changes["weights"] = weights
    changes["intake_languages"] = forms.many(form, "intake_languages")
    for name in FOLLOWUP_INSTRUMENTS:
        changes[name] = forms.many(form, name)
    changes["crisis_notice"] = forms.text(form, "crisis_notice") or ""
    resources, rows = _resources(form, errors)
    changes["crisis_resources"] = resources
    return changes, errors, rows


def _resources(form: FormData, errors: dict[str, str]) -> tuple[list[dict[str, Any]], list[int]]:
    resources: list[dict[str, Any]] = []
    rows: list[int] = []
    for i in range(MAX_RESOURCES + 1):
        prefix = f"crisis_resources.{i}."
        fields = {k: forms.text(form, prefix + k) for k in ("name", "contact", "region")}
        links = []
        for j in range(MAX_LINKS + 1):
            label = forms.text(form, f"{prefix}links.{j}.label")
            href = forms.text(form, f"{prefix}links.{j}.href")
            if label is None and href is None:
                continue
            if label is None or href is None:
                missing = "label" if label is None else "href"
                errors[f"{prefix}links.{j}.{missing}"] = N_("Give both the words and the link.")
            links.append({"label": label or "", "href": href or ""})
        if forms.checked(form, prefix + "remove") or (not any(fields.values()) and not links):
            continue
        resources.append(
            {
                "name": fields["name"] or "",
                "contact": fields["contact"] or "",
                "region": fields["region"] or "",
                "links": links,
            }
        )
        rows.append(i)
    return resources, rows


def placed(problems: dict[str, str], rows: list[int]) -> dict[str, str]:
    """The service's problems named by the form's inputs (resource rows renumbered back)."""
    errors: dict[str, str] = {}
    for name, message in problems.items():
        parts = name.split(".")
        if parts[0] == "crisis_resources" and len(parts) > 1 and parts[1].isdigit():
            k = int(parts[1])
            if k < len(rows):
                parts[1] = str(rows[k])
            name = ".".join(parts)
        errors.setdefault(name, sentence(message))
    return errors


def sentence(message: str) -> str:
    """A problem as a sentence: 'Input should be at most 5.' (words the catalog holds stay
    translatable)."""
    if isinstance(message, Words):
        return said("%(problem)s.", problem=message)
    return message[:1].upper() + message[1:].rstrip(".") + "."
