"""Changing a program's settings while it runs: validated as a whole, recorded, versioned.

A change is a partial dict of `ProgramSettings` fields (`None`: back to the installation
default; `weights` holds only the criteria that change). The result is validated as a whole
with `ProgramSettings`; any problem is a 422 naming the field (`weights.substance`,
`crisis_resources.0.links.0.href`). The program stores only the values that differ from the
installation default, so a setting nobody changed follows the environment; a value set
back to the default is dropped and follows it again. Each changed setting (each changed
criterion for `weights`) writes one `ProgramSettingChange` with the effective values
before and after, and the save raises `settings_version` by one. Nothing changed: no row,
no new version.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mentormatch.accounts.models import User
from mentormatch.accounts.principal import Principal
from mentormatch.assessments import service as assessments
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.error_words import issue_reason, uncapital
from mentormatch.errors import Conflict, Invalid
from mentormatch.i18n import N_, said
from mentormatch.matching.program import CRITERIA
from mentormatch.mentors import capacity
from mentormatch.programs.models import Program, ProgramSettingChange
from mentormatch.programs.settings import (
    FOLLOWUP_INSTRUMENTS,
    ProgramSettings,
    effective,
    installation_defaults,
)

NAMES = tuple(ProgramSettings.model_fields)


def defaults(settings: Settings) -> dict[str, Any]:
    """The installation defaults as JSON values (what `Program.settings` is compared with)."""
    return ProgramSettings.model_validate(installation_defaults(settings)).model_dump(mode="json")


def current(program: Program, settings: Settings) -> dict[str, Any]:
    """The program's settings in force, as JSON values."""
    return effective(program, settings).model_dump(mode="json")


def own_names(program: Program, settings: Settings) -> list[str]:
    """The settings the program has its own value for (the rest follow the defaults)."""
    base = defaults(settings)
    now = current(program, settings)
    return [name for name in NAMES if now[name] != base[name]]


def _field(loc: tuple[Any, ...], message: str) -> str:
    """The dotted field a validation problem belongs to."""
    if loc:
        return ".".join(str(part) for part in loc)
    first = message.split(" ", 1)[0]
    return first if first in NAMES else "settings"


class InvalidSettings(Invalid):
    """Settings that do not hold together: names the first field; `problems` holds all."""

    def __init__(self, name: str, message: str, problems: dict[str, str]) -> None:
        super().__init__(
            said("%(name)s: %(problem)s", name=name, problem=uncapital(message)), field=name
        )
        self.problems = problems


def problems(exc: ValidationError) -> dict[str, str]:
    """Each field at fault (dotted) with what is wrong with it, in the order found."""
    found: dict[str, str] = {}
    for problem in exc.errors():
        message = issue_reason(problem)
        found.setdefault(_field(tuple(problem["loc"]), message), message)
    return found


def _validated(merged: dict[str, Any]) -> dict[str, Any]:
    """`merged` checked as a whole; InvalidSettings (422) otherwise."""
    try:
        return ProgramSettings.model_validate(merged).model_dump(mode="json")
    except ValidationError as exc:
        found = problems(exc)
        name, message = next(iter(found.items()))
        raise InvalidSettings(name, message, found) from exc


def proposed(program: Program, changes: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The effective settings once `changes` apply (validated), as JSON values."""
    base = defaults(settings)
    before = current(program, settings)
    merged = dict(before)
    for name, value in changes.items():
        if name not in base:
            raise Invalid(said("%(name)s: there is no such setting", name=name), field=name)
        if value is None:
            merged[name] = base[name]
        elif name == "weights":
            if not isinstance(value, dict):
                raise Invalid(N_("weights: give each criterion's weight by name"), field="weights")
            for criterion in value:
                if criterion not in CRITERIA:
                    raise Invalid(
                        said(
                            "weights.%(criterion)s: no such criterion; one of %(criteria)s",
                            criterion=criterion,
                            criteria=", ".join(CRITERIA),
                        ),
                        field=f"weights.{criterion}",
                    )
            merged[name] = before[name] | value
        else:
            merged[name] = value
    return _validated(merged)


def _rows(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(name, old, new) for every changed setting; one per criterion for the weights."""
    rows: list[tuple[str, Any, Any]] = []
    for name in NAMES:
        if before[name] == after[name]:
            continue
        if name == "weights":
            rows.extend(
                (f"weights.{c}", before[name][c], after[name][c])
                for c in CRITERIA
                if before[name][c] != after[name][c]
            )
        else:
            rows.append((name, before[name], after[name]))
    return rows


def change(
    session: Session,
    *,
    actor: Principal,
    program: Program,
    changes: dict[str, Any],
    settings_version: int,
    settings: Settings,
) -> list[ProgramSettingChange]:
    """Apply `changes` if `settings_version` is still the program's (else 409 naming it);
    returns the change rows written (none when nothing changed). Commits."""
    if settings_version != program.settings_version:
        raise _stale(program)
    before = current(program, settings)
    after = proposed(program, changes, settings)
    for name in FOLLOWUP_INSTRUMENTS:
        if after[name] != before[name]:
            _known_instruments(session, name, after[name])
    rows = _rows(before, after)
    if not rows:
        return []
    base = defaults(settings)
    stored = {name: after[name] for name in NAMES if after[name] != base[name]}
    # The version is claimed in the UPDATE itself: of two saves from the same version, one
    # wins and the other is a 409, on both back ends.
    claimed = session.execute(
        update(Program)
        .where(Program.id == program.id, Program.settings_version == settings_version)
        .values(settings=stored, settings_version=settings_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise _stale(program)
    at = utcnow()
    written = [
        ProgramSettingChange(
            program_id=program.id, user_id=actor.user_id, changed_at=at, name=n, old=o, new=v
        )
        for n, o, v in rows
    ]
    session.add_all(written)
    audit.record(
        session, actor=actor, action="update_settings", object_type="program", object_id=program.id
    )
    if after["capacity_cap"] < before["capacity_cap"]:
        for mentor_id in capacity.clamp_to_cap(session, program.id, after["capacity_cap"]):
            audit.record(
                session, actor=actor, action="cap_capacity", object_type="mentor",
                object_id=mentor_id,
            )  # fmt: skip
    session.commit()
    session.refresh(program)
    return written


def _known_instruments(session: Session, name: str, codes: list[str]) -> None:
    """Each code names a questionnaire the service holds; InvalidSettings (422) otherwise."""
    known = {row.code for row in assessments.instruments(session)}
    unknown = [code for code in codes if code not in known]
    if unknown:
        message = f"there is no questionnaire {unknown[0]!r}"
        raise InvalidSettings(name, message, {name: message})


def _stale(program: Program) -> Conflict:
    return Conflict(
        N_("settings_version: the settings changed since you read them; reload and try again"),
        field="settings_version",
    )


def history(
    session: Session, *, program_id: int, limit: int, offset: int
) -> tuple[list[tuple[ProgramSettingChange, str | None]], int]:
    """A page of the program's settings changes, newest first, with who made each (their
    email; None once the account is gone), and how many there are in all."""
    rows = session.execute(
        select(ProgramSettingChange, User.email)
        .outerjoin(User, User.id == ProgramSettingChange.user_id)
        .where(ProgramSettingChange.program_id == program_id)
        .order_by(ProgramSettingChange.changed_at.desc(), ProgramSettingChange.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    total = (
        session.scalar(
            select(func.count())
            .select_from(ProgramSettingChange)
            .where(ProgramSettingChange.program_id == program_id)
        )
        or 0
    )
    return [(change, email) for change, email in rows], total
