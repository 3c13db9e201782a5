"""How far an import started with `background=true` is, and then what it did.

The job's row (`spreadsheets.jobs`) is read from whichever app worker serves the request;
only who started it can read it, within their programs, for a day (anyone else's key, or
a forgotten one, answers 404 like a missing job).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from mentormatch.accounts.dependencies import CoordinatorDep
from mentormatch.deps import NowDep, SessionDep
from mentormatch.errors import error_responses
from mentormatch.spreadsheets import jobs
from mentormatch.spreadsheets.checking import Problem
from mentormatch.spreadsheets.import_router import JOBS
from mentormatch.spreadsheets.schemas import ImportJob, ImportProblem

router = APIRouter(prefix=JOBS, tags=["imports"], responses=error_responses(401, 403, 404, 422))

# Any other string is a job nobody started: 404, like someone else's.
JobKey = Annotated[
    str, Path(description="The job's key, as the import's answer gave it", examples=["mmj_3q2…"])
]


@router.get("/{job}", response_model=ImportJob)
def import_job(job: JobKey, me: CoordinatorDep, session: SessionDep, now: NowDep) -> ImportJob:
    """How far your import is: checking, writing, then done (every row written) or failed
    (nothing written, with every problem by row and column)."""
    found = jobs.find(session, actor=me, key=job)
    problems = [Problem(row, column, message) for row, column, message in found.problems]
    return ImportJob(
        state="stopped" if jobs.stopped(found, now) else found.state,
        kind=found.kind,
        program=found.program.slug,
        filename=found.filename,
        total=found.total,
        checked=found.checked,
        created=found.created,
        updated=found.updated,
        unchanged=found.unchanged,
        problems=[
            ImportProblem(row=p.row, column=p.column, message=p.message, text=str(p))
            for p in problems
        ],
        message=found.message,
        started_at=found.started_at,
        finished_at=found.finished_at,
    )
