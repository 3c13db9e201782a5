"""The admin's programs API: programs, their coordinators and settings, and the change record.

Admins only, except reading a program's settings: a coordinator may read those of their own
programs (another program answers 404, exactly like a missing one).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from mentormatch.accounts.dependencies import AdminDep, require
from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.deps import OFFSET_MAX, PAGE_MAX, RowId, SessionDep, SettingsDep
from mentormatch.errors import error_responses
from mentormatch.programs import admin, settings_change
from mentormatch.programs.models import Program
from mentormatch.programs.schemas import (
    CoordinatorPublic,
    CoordinatorsSet,
    ProgramCreate,
    ProgramPage,
    ProgramPublic,
    ProgramSettingsPatch,
    ProgramSettingsPublic,
    ProgramUpdate,
    SettingChangePage,
    SettingChangePublic,
)
from mentormatch.programs.settings import ProgramSettings

router = APIRouter(prefix="/api/v1/programs", tags=["programs"])
AdminOrCoordinatorDep = Annotated[Principal, Depends(require(Role.admin, Role.coordinator))]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description="How many to return")]
Offset = Annotated[int, Query(ge=0, le=OFFSET_MAX, description="How many to skip")]


def _public(program: Program, coordinator_count: int) -> ProgramPublic:
    return ProgramPublic(
        id=program.id,
        slug=program.slug,
        name=program.name,
        archived=program.archived,
        archived_at=program.archived_at,
        coordinator_count=coordinator_count,
        settings_version=program.settings_version,
    )


def _one(session: SessionDep, program: Program) -> ProgramPublic:
    return _public(program, len(admin.coordinators(session, program.id)))


@router.get("", response_model=ProgramPage, responses=error_responses(401, 403, 422))
def list_programs(
    me: AdminDep, session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> ProgramPage:
    """A page of programs (open first, then by name), with how many there are in all."""
    rows, total = admin.list_programs(session, limit=limit, offset=offset)
    items = [_public(program, count) for program, count in rows]
    return ProgramPage(items=items, total=total, limit=limit, offset=offset)


@router.post(
    "",
    response_model=ProgramPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 413, 422),
)
def create_program(body: ProgramCreate, me: AdminDep, session: SessionDep) -> ProgramPublic:
    """Create an open program; it follows the installation's default settings until changed."""
    program = admin.create(session, actor=me, slug=body.slug, name=body.name)
    return _public(program, 0)


@router.get(
    "/{program_id}", response_model=ProgramPublic, responses=error_responses(401, 403, 404, 422)
)
def read_program(program_id: RowId, me: AdminDep, session: SessionDep) -> ProgramPublic:
    """One program, archived or not."""
    return _one(session, admin.get(session, program_id))


@router.patch(
    "/{program_id}",
    response_model=ProgramPublic,
    responses=error_responses(401, 403, 404, 409, 413, 422),
)
def update_program(
    program_id: RowId, body: ProgramUpdate, me: AdminDep, session: SessionDep
) -> ProgramPublic:
    """Rename, archive or reopen a program (the last open program cannot be archived: 409)."""
    program = admin.update(
        session, actor=me, program_id=program_id, name=body.name, archived=body.archived
    )
    return _one(session, program)


@router.get(
    "/{program_id}/coordinators",
    response_model=list[CoordinatorPublic],
    responses=error_responses(401, 403, 404, 422),
)
def read_coordinators(
    program_id: RowId, me: AdminDep, session: SessionDep
) -> list[CoordinatorPublic]:
    """The program's coordinators, by email."""
    admin.get(session, program_id)
    return [CoordinatorPublic.model_validate(u) for u in admin.coordinators(session, program_id)]


@router.put(
    "/{program_id}/coordinators",
    response_model=list[CoordinatorPublic],
    responses=error_responses(401, 403, 404, 413, 422),
)
def set_coordinators(
    program_id: RowId, body: CoordinatorsSet, me: AdminDep, session: SessionDep
) -> list[CoordinatorPublic]:
    """Replace the program's coordinators with these accounts (coordinators only: 422 naming
    `user_ids` otherwise)."""
    users = admin.set_coordinators(session, actor=me, program_id=program_id, user_ids=body.user_ids)
    return [CoordinatorPublic.model_validate(u) for u in users]


def _settings(program: Program, settings: SettingsDep) -> ProgramSettingsPublic:
    return ProgramSettingsPublic(
        program_id=program.id,
        settings_version=program.settings_version,
        values=ProgramSettings.model_validate(settings_change.current(program, settings)),
        defaults=ProgramSettings.model_validate(settings_change.defaults(settings)),
        own=settings_change.own_names(program, settings),
    )


@router.get(
    "/{program_id}/settings",
    response_model=ProgramSettingsPublic,
    responses=error_responses(401, 403, 404, 422),
)
def read_settings(
    program_id: RowId, me: AdminOrCoordinatorDep, session: SessionDep, settings: SettingsDep
) -> ProgramSettingsPublic:
    """Every setting in force, which are the program's own, and the version to send back
    with a change. A coordinator reads their own programs' only."""
    return _settings(admin.visible(session, actor=me, program_id=program_id), settings)


@router.patch(
    "/{program_id}/settings",
    response_model=ProgramSettingsPublic,
    responses=error_responses(401, 403, 404, 409, 413, 422),
)
def change_settings(
    program_id: RowId,
    body: ProgramSettingsPatch,
    me: AdminDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ProgramSettingsPublic:
    """Change some settings (the rest stay); every change is recorded with the values before
    and after, and the version rises by one. A stale `settings_version` is a 409."""
    program = admin.get(session, program_id)
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("settings_version")
    if isinstance(changes.get("weights"), dict):  # only the criteria sent
        changes["weights"] = body.weights.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    settings_change.change(
        session,
        actor=me,
        program=program,
        changes=changes,
        settings_version=version,
        settings=settings,
    )
    return _settings(program, settings)


@router.get(
    "/{program_id}/settings/changes",
    response_model=SettingChangePage,
    responses=error_responses(401, 403, 404, 422),
)
def list_changes(
    program_id: RowId, me: AdminDep, session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> SettingChangePage:
    """A page of the program's settings changes, newest first."""
    admin.get(session, program_id)
    rows, total = settings_change.history(
        session, program_id=program_id, limit=limit, offset=offset
    )
    items = [
        SettingChangePublic(
            id=c.id,
            name=c.name,
            old=c.old,
            new=c.new,
            changed_at=c.changed_at,
            user_id=c.user_id,
            changed_by=email,
        )
        for c, email in rows
    ]
    return SettingChangePage(items=items, total=total, limit=limit, offset=offset)
