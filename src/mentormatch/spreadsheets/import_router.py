"""Import routes: check (a dry run) or import a CSV or .xlsx file of mentors or newcomers.

The page's rules (`web/imports.py`): coordinators, into one of their open programs; every
row is checked with the API's own schemas; any problem imports nothing. The columns are read
by their headers, as the program's saved choice for files with these headers says
(`mappings`), or as `columns` says for this request (not saved). With `background=true`
the import runs as the page's does, after the answer (202), and its job is read at
`GET /api/v1/imports/jobs/{job}` (`import_jobs_router`).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

from mentormatch.accounts.dependencies import CoordinatorDep
from mentormatch.config import Settings
from mentormatch.deps import NowDep, SessionDep, SettingsDep
from mentormatch.errors import ErrorBody, Invalid, ValidationIssue, error_responses
from mentormatch.i18n import N_, said
from mentormatch.programs.models import SLUG_PATTERN
from mentormatch.spreadsheets import columns as known_columns
from mentormatch.spreadsheets import import_, jobs, mappings, uploads
from mentormatch.spreadsheets.checking import Problem
from mentormatch.spreadsheets.schemas import ImportJobStarted, ImportReport

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
BackgroundQuery = Annotated[
    bool,
    Query(
        description="Answer at once (202) and import after the answer, as the page does; "
        "read how far it is at the job's address (`progress`). Not with `dry_run`"
    ),
]
JOBS = f"{PREFIX}/jobs"


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
            N_(
                "columns: a JSON object from header to field, "
                'e.g. {"Sober since": "recovery_start"}'
            ),
            field="columns",
        )
    unknown = mappings.unknown(kind, chosen.values())
    if unknown:
        raise Invalid(
            said(
                "columns: %(column)s is not a field of a %(kind)s import; use one of: %(known)s",
                column=repr(unknown[0]),
                kind=kind,
                known=", ".join(sorted(known_columns.by_name(kind))),
            ),
            field="columns",
        )
    return chosen


def _where(problem: Problem) -> list[str | int]:
    """A problem's place: ["file"], then its row and its column's header when it has them."""
    row = [problem.row] if problem.row is not None else []
    return ["file", *row, *([problem.column] if problem.column else [])]


def _run(
    request: Request,
    session: SessionDep,
    actor: CoordinatorDep,
    settings: Settings,
    *,
    kind: str,
    file: UploadFile,
    program: str | None,
    columns: str | None,
    dry_run: bool,
    background: bool,
    now: NowDep,
) -> Any:
    if background and dry_run:
        raise Invalid(N_("background: a dry run answers at once; leave one of them out"),
                      field="background")  # fmt: skip
    chosen = _columns(kind, columns)
    target = import_.program_for(session, actor, program)
    filename = file.filename or "spreadsheet"
    content = file.file.read(settings.import_max_bytes + 1)
    if background:
        return _start(request, session, actor, settings, kind=kind, program=target,
                      filename=filename, content=content, chosen=chosen, now=now)  # fmt: skip
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


def _start(
    request: Request, session: SessionDep, actor: CoordinatorDep, settings: Settings, *,
    kind: str, program: Any, filename: str, content: bytes, chosen: dict[str, str] | None,
    now: NowDep,
) -> JSONResponse:  # fmt: skip
    """Keep the file and start its job (a file that cannot be read is refused now, 422)."""
    headers = import_.headers_of(content, filename, settings)
    if chosen is None:
        chosen = mappings.saved(session, program_id=program.id, kind=kind, headers=headers)
    key = uploads.store(session, actor=actor, kind=kind, program=program, filename=filename,
                        content=content, mapping=chosen)  # fmt: skip
    job_key, job_id = jobs.start(
        session, actor=actor, upload=uploads.find(session, actor=actor, key=key), now=now
    )
    started = ImportJobStarted(job=job_key, progress=f"{JOBS}/{job_key}", state="checking")
    return JSONResponse(
        started.model_dump(),
        status_code=202,
        headers={"Location": started.progress},
        background=BackgroundTask(
            jobs.run, request.app.state.sessionmaker, job_id=job_id, actor=actor,
            settings=settings, clock=request.app.state.clock,
        ),
    )  # fmt: skip


_DESCRIPTION = (
    "`dry_run=true` checks only: 200 with every problem by row and column (`problems`) and "
    "what an import would do. Otherwise every row is written in one transaction, or — when "
    "the file has any problem — nothing: 422, one `detail` entry per problem "
    '(`loc` ["file", row, column], `msg` the sentence). A file that cannot be read (not CSV '
    "or .xlsx, another encoding, over the size or row limit, a zip bomb) is 422 naming "
    "`file`. New mentors are sent an invitation to choose a password; new newcomers carry a "
    "consent recorded as entered by you on their behalf. Every person added or changed is "
    "audited. Matching is by the program's own id, then email: the same file again changes "
    "nothing. `background=true` answers 202 at once with the job's address (also in "
    "`Location`) and imports after the answer, as the page does."
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
    "/mentors",
    response_model=ImportReport,
    description=_DESCRIPTION,
    openapi_extra=_EXAMPLE,
    responses={202: {"model": ImportJobStarted, "description": "Started (`background=true`)"}},
)
def import_mentors(
    request: Request,
    now: NowDep,
    session: SessionDep,
    coordinator: CoordinatorDep,
    settings: SettingsDep,
    file: FileField,
    program: ProgramField = None,
    columns: ColumnsField = None,
    dry_run: DryRunQuery = False,
    background: BackgroundQuery = False,
) -> Any:
    """Check or import a file of mentors into one of your programs."""
    return _run(request, session, coordinator, settings, kind="mentors", file=file,
                program=program, columns=columns, dry_run=dry_run, background=background,
                now=now)  # fmt: skip


@router.post(
    "/newcomers",
    response_model=ImportReport,
    description=_DESCRIPTION,
    openapi_extra=_EXAMPLE,
    responses={202: {"model": ImportJobStarted, "description": "Started (`background=true`)"}},
)
def import_newcomers(
    request: Request,
    now: NowDep,
    session: SessionDep,
    coordinator: CoordinatorDep,
    settings: SettingsDep,
    file: FileField,
    program: ProgramField = None,
    columns: ColumnsField = None,
    dry_run: DryRunQuery = False,
    background: BackgroundQuery = False,
) -> Any:
    """Check or import a file of newcomers into one of your programs."""
    return _run(request, session, coordinator, settings, kind="newcomers", file=file,
                program=program, columns=columns, dry_run=dry_run, background=background,
                now=now)  # fmt: skip
