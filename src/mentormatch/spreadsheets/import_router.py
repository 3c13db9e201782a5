"""Import routes: check (a dry run) or import a CSV or .xlsx file of mentors or newcomers.

The page's rules (`web/imports.py`): coordinators, into one of their open programs; every
row is checked with the API's own schemas; any problem imports nothing. The columns are read
by their headers, as the program's saved choice for files with these headers says
(`mappings`), or as `columns` says for this request (not saved).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse

from mentormatch.accounts.dependencies import CoordinatorDep
from mentormatch.config import Settings
from mentormatch.deps import SessionDep, SettingsDep
from mentormatch.errors import ErrorBody, Invalid, ValidationIssue, error_responses
from mentormatch.programs.models import SLUG_PATTERN
from mentormatch.spreadsheets import columns as known_columns
from mentormatch.spreadsheets import import_, mappings
from mentormatch.spreadsheets.checking import Problem
from mentormatch.spreadsheets.schemas import ImportReport

PREFIX = "/api/v1/imports"
PATHS = (f"{PREFIX}/mentors", f"{PREFIX}/newcomers")
router = APIRouter(
    prefix=PREFIX, tags=["imports"], responses=error_responses(401, 403, 404, 409, 413, 422)
)

FileField = Annotated[UploadFile, File(description="A CSV (UTF-8 or UTF-16) or .xlsx file")]
ProgramField = Annotated[
    str | None,
    Form(
        pattern=SLUG_PATTERN,
        max_length=40,
        description="One of your open programs (its slug); may be left out when you have one",
    ),
]
ColumnsField = Annotated[
    str | None,
    Form(
        max_length=20_000,
        description='How columns are read, as a JSON object: {"Sober since": '
        '"recovery_start", "Notes": ""} ("" leaves a column out). Left out: by their headers '
        "and the program's saved choice for files with these headers",
    ),
]
DryRunQuery = Annotated[
    bool, Query(description="Check only: list every problem and what an import would do")
]


def _columns(kind: str, raw: str | None) -> dict[str, str] | None:
    if raw is None:
        return None
    try:
        chosen: Any = json.loads(raw)
    except ValueError:
        chosen = None
    if not isinstance(chosen, dict) or not all(
        isinstance(h, str) and isinstance(f, str) for h, f in chosen.items()
    ):
        raise Invalid(
            'columns: a JSON object from header to field, e.g. {"Sober since": "recovery_start"}',
            field="columns",
        )
    unknown = mappings.unknown(kind, chosen.values())
    if unknown:
        raise Invalid(
            f"columns: {unknown[0]!r} is not a field of a {kind} import; use one of: "
            + ", ".join(sorted(known_columns.by_name(kind))),
            field="columns",
        )
    return chosen


def _where(problem: Problem) -> list[str | int]:
    """A problem's place: ["file"], then its row and its column's header when it has them."""
    row = [problem.row] if problem.row is not None else []
    return ["file", *row, *([problem.column] if problem.column else [])]


def _run(
    session: SessionDep,
    actor: CoordinatorDep,
    settings: Settings,
    *,
    kind: str,
    file: UploadFile,
    program: str | None,
    columns: str | None,
    dry_run: bool,
) -> Any:
    chosen = _columns(kind, columns)
    target = import_.program_for(session, actor, program)
    filename = file.filename or "spreadsheet"
    content = file.file.read(settings.import_max_bytes + 1)
    plan = import_.check(session, kind=kind, program=target, content=content,
                         filename=filename, chosen=chosen, settings=settings)  # fmt: skip
    if dry_run:
        return ImportReport.of(plan, filename=filename, dry_run=True, imported=False)
    if plan.problems:
        issues = [
            ValidationIssue(loc=_where(p), msg=str(p), type="import_problem") for p in plan.problems
        ]
        body = ErrorBody(type="invalid", detail=issues, field="file")
        return JSONResponse(body.model_dump(), status_code=422)
    import_.apply(session, actor=actor, plan=plan, filename=filename, settings=settings)
    return ImportReport.of(plan, filename=filename, dry_run=False, imported=True)


_DESCRIPTION = (
    "`dry_run=true` checks only: 200 with every problem by row and column (`problems`) and "
    "what an import would do. Otherwise every row is written in one transaction, or — when "
    "the file has any problem — nothing: 422, one `detail` entry per problem "
    '(`loc` ["file", row, column], `msg` the sentence). A file that cannot be read (not CSV '
    "or .xlsx, another encoding, over the size or row limit, a zip bomb) is 422 naming "
    "`file`. New mentors are sent an invitation to choose a password; new newcomers carry a "
    "consent recorded as entered by you on their behalf. Every person added or changed is "
    "audited. Matching is by the program's own id, then email: the same file again changes "
    "nothing."
)


_EXAMPLE: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "example": {
                    "file": "(the contents of mentors.csv)",
                    "program": "main",
                    "columns": '{"Sober since": "recovery_start"}',
                }
            }
        }
    }
}


@router.post(
    "/mentors", response_model=ImportReport, description=_DESCRIPTION, openapi_extra=_EXAMPLE
)
def import_mentors(
    session: SessionDep,
    coordinator: CoordinatorDep,
    settings: SettingsDep,
    file: FileField,
    program: ProgramField = None,
    columns: ColumnsField = None,
    dry_run: DryRunQuery = False,
) -> Any:
    """Check or import a file of mentors into one of your programs."""
    return _run(session, coordinator, settings, kind="mentors", file=file, program=program,
                columns=columns, dry_run=dry_run)  # fmt: skip


@router.post(
    "/newcomers", response_model=ImportReport, description=_DESCRIPTION, openapi_extra=_EXAMPLE
)
def import_newcomers(
    session: SessionDep,
    coordinator: CoordinatorDep,
    settings: SettingsDep,
    file: FileField,
    program: ProgramField = None,
    columns: ColumnsField = None,
    dry_run: DryRunQuery = False,
) -> Any:
    """Check or import a file of newcomers into one of your programs."""
    return _run(session, coordinator, settings, kind="newcomers", file=file, program=program,
                columns=columns, dry_run=dry_run)  # fmt: skip
