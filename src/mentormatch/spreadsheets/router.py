"""Export routes: a program's newcomers, mentors or pairings as CSV or .xlsx (coordinators)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from mentormatch.accounts.dependencies import CoordinatorDep
from mentormatch.deps import ClientDep, SessionDep
from mentormatch.errors import error_responses
from mentormatch.programs.models import SLUG_PATTERN
from mentormatch.spreadsheets import export as exports
from mentormatch.spreadsheets.files import XLSX_TYPE, attachment

router = APIRouter(prefix="/api/v1/exports", tags=["exports"], responses=error_responses(401, 403))

Format = Literal["csv", "xlsx"]
FormatQuery = Annotated[Format, Query(description="csv (one table) or xlsx (a workbook)")]
ProgramQuery = Annotated[
    str | None,
    Query(
        pattern=SLUG_PATTERN,
        max_length=40,
        description="One of your programs (its slug); left out, all of your programs",
    ),
]
_FILE = {
    200: {
        "description": "The file, as an attachment",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    **error_responses(404, 422),
}


def download(
    session: SessionDep,
    actor: CoordinatorDep,
    client: ClientDep,
    *,
    kind: exports.Kind,
    format: Format,
    program: str | None,
) -> Response:
    """An export as a file download (audited)."""
    sheets = exports.export(session, actor=actor, kind=kind, program=program, client=client)
    return attachment(sheets, format, f"{kind}-{program or 'all'}.{format}")


@router.get("/newcomers", response_class=Response, responses=_FILE)
def export_newcomers(
    session: SessionDep,
    coordinator: CoordinatorDep,
    client: ClientDep,
    format: FormatQuery = "csv",
    program: ProgramQuery = None,
) -> Response:
    """Your programs' newcomers: matching answers, contact, status and consent (no free text,
    no exact location)."""
    return download(session, coordinator, client, kind="newcomers", format=format, program=program)


@router.get("/mentors", response_class=Response, responses=_FILE)
def export_mentors(
    session: SessionDep,
    coordinator: CoordinatorDep,
    client: ClientDep,
    format: FormatQuery = "csv",
    program: ProgramQuery = None,
) -> Response:
    """Your programs' mentors: profile, capacity and load (the columns an import reads)."""
    return download(session, coordinator, client, kind="mentors", format=format, program=program)


@router.get("/pairings", response_class=Response, responses=_FILE)
def export_pairings(
    session: SessionDep,
    coordinator: CoordinatorDep,
    client: ClientDep,
    format: FormatQuery = "csv",
    program: ProgramQuery = None,
) -> Response:
    """Your programs' pairings with every transition (the .xlsx adds a History sheet)."""
    return download(session, coordinator, client, kind="pairings", format=format, program=program)
