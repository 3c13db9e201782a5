"""A program's saved choices of columns: read and forgotten by its coordinators and admins.

A choice is saved on the check page (`web/imports.py`) and applied to the program's next
file with the same headers from the page, the API or the command line (`mappings`).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from mentormatch.deps import RowId, SessionDep
from mentormatch.errors import error_responses
from mentormatch.programs import admin
from mentormatch.programs.router import AdminOrCoordinatorDep
from mentormatch.spreadsheets import mappings
from mentormatch.spreadsheets.schemas import ImportMappingPublic

router = APIRouter(
    prefix="/api/v1/programs/{program_id}/import-mappings",
    tags=["imports"],
    responses=error_responses(401, 403, 404, 422),
)


@router.get("", response_model=list[ImportMappingPublic])
def list_mappings(
    program_id: RowId, me: AdminOrCoordinatorDep, session: SessionDep
) -> list[ImportMappingPublic]:
    """The program's saved choices of columns for imports (a coordinator: their programs)."""
    admin.visible(session, actor=me, program_id=program_id)
    return [
        ImportMappingPublic(id=m.id, kind=m.kind, columns=m.mapping, saved_at=m.saved_at)
        for m in mappings.listed(session, program_ids=[program_id])
    ]


@router.delete("/{mapping_id}", status_code=204, response_class=Response)
def forget_mapping(
    program_id: RowId, mapping_id: RowId, me: AdminOrCoordinatorDep, session: SessionDep
) -> Response:
    """Forget a saved choice: the next file with those headers is read by its headers alone."""
    admin.visible(session, actor=me, program_id=program_id)
    mappings.forget(session, actor=me, program_id=program_id, mapping_id=mapping_id)
    return Response(status_code=204)
