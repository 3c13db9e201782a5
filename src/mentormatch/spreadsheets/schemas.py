"""What the import API answers: a file's check (a dry run) or what an import did."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from mentormatch.spreadsheets.checking import Plan


class ImportProblem(BaseModel):
    """One problem of a file, where it is and what is wrong, in a coordinator's words."""

    row: int | None = Field(description="The row in the file (1 is the header); none: the file")
    column: str | None = Field(description="The column's header, when the problem has one")
    message: str = Field(description="What is wrong and how to fix it")
    text: str = Field(description='The whole sentence: "Row 5, column “Sobriety date”: …"')


class ImportColumn(BaseModel):
    header: str = Field(description="The column's header in the file")
    field: str | None = Field(description="The field it is read as; none: left out")


class ImportReport(BaseModel):
    """A checked file: how its columns are read, every problem, and what an import does."""

    kind: Literal["mentors", "newcomers"]
    program: str = Field(description="The program's slug")
    filename: str
    dry_run: bool = Field(description="True: checked only, nothing written")
    imported: bool = Field(description="True: every row was written (in one transaction)")
    rows_read: int = Field(description="Rows read below the header, blank rows aside")
    columns: list[ImportColumn]
    problems: list[ImportProblem] = Field(description="Any problem: nothing can be imported")
    created: int = Field(description="People new to the program (added, or to add)")
    updated: int = Field(description="People already in the program whose answers change")
    unchanged: int = Field(description="People already in the program, as in the file")

    @classmethod
    def of(cls, plan: Plan, *, filename: str, dry_run: bool, imported: bool) -> ImportReport:
        return cls(
            kind=plan.kind,
            program=plan.program.slug,
            filename=filename,
            dry_run=dry_run,
            imported=imported,
            rows_read=plan.read,
            columns=[
                ImportColumn(header=h, field=f)
                for h, f in zip(plan.headers, plan.fields, strict=True)
            ],
            problems=[
                ImportProblem(row=p.row, column=p.column, message=p.message, text=str(p))
                for p in plan.problems
            ],
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=plan.unchanged,
        )


class ImportJobStarted(BaseModel):
    """An import started in the background: where to read how far it is."""

    job: str = Field(description="The job's key: only you can read it, for a day")
    progress: str = Field(description="The job's address: GET it until `state` is done or failed")
    state: Literal["checking"]


class ImportJob(BaseModel):
    """An import under way, or what it did: every row written, or nothing."""

    state: Literal["checking", "writing", "done", "failed", "stopped"] = Field(
        description="checking the rows, writing them, done (all written), failed (nothing "
        "written: see `problems` or `message`), or stopped (not heard from for 30 minutes; "
        "nothing written)"
    )
    kind: Literal["mentors", "newcomers"]
    program: str = Field(description="The program's slug")
    filename: str
    total: int = Field(description="Rows in the file, blank rows aside (known once read)")
    checked: int = Field(description="Rows checked so far")
    created: int = Field(description="People added (when done)")
    updated: int = Field(description="People whose answers changed (when done)")
    unchanged: int = Field(description="People already as in the file (when done)")
    problems: list[ImportProblem] = Field(description="Why it failed, row by row")
    message: str | None = Field(description="Why it failed, when not row by row")
    started_at: datetime
    finished_at: datetime | None


class ImportMappingPublic(BaseModel):
    """A program's saved choice of how the columns of a kind of file are read."""

    id: int
    kind: Literal["mentors", "newcomers"]
    columns: dict[str, str] = Field(
        description="The field chosen for each header (as compared: lower case, single "
        'spaces); "" leaves the column out. Headers read as they name themselves are not listed'
    )
    saved_at: datetime
