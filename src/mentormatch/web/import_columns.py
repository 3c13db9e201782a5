"""The programs' saved choices of columns for imports, on a page of their own: what each reads
differently from the headers, who saved it and when, and a button to forget it (audited).

A choice is saved on an import's check page (`web/imports.py`) and applied to the program's
next file with the same headers from the page, the API or the command line
(`spreadsheets.mappings`). A coordinator sees their programs' choices; another program's
answers like a missing one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from mentormatch.accounts.models import User
from mentormatch.deps import RowId, SessionDep
from mentormatch.spreadsheets import export, mappings
from mentormatch.spreadsheets.columns import by_name
from mentormatch.spreadsheets.models import ImportMapping
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render

router = APIRouter(
    prefix="/coordinator/spreadsheets/columns", route_class=WebRoute, include_in_schema=False
)
PAGE = "/coordinator/spreadsheets/columns"


@router.get("")
def saved_columns(request: Request, me: CoordinatorPage, session: SessionDep) -> Response:
    """Every saved choice of the coordinator's programs, all of them (a program keeps a few)."""
    programs = {p.id: p for p in export.programs_for(session, me, None)}
    rows = mappings.listed(session, program_ids=programs)
    savers = {r.saved_by for r in rows if r.saved_by is not None}
    emails = dict(session.execute(select(User.id, User.email).where(User.id.in_(savers))).all())
    saved = [
        {
            "id": row.id,
            "program": programs[row.program_id],
            "kind": row.kind,
            "columns": [
                (header, by_name(row.kind)[field].label if field in by_name(row.kind) else None)
                for header, field in sorted(row.mapping.items())
            ],
            "saved_by": emails.get(row.saved_by) if row.saved_by is not None else None,
            "saved_at": row.saved_at,
        }
        for row in rows
    ]
    return render(
        request,
        "coordinator/import_columns.html",
        {"saved": saved, "several": len(programs) > 1,
         "forgotten": request.query_params.get("forgotten") == "1"},
    )  # fmt: skip


@router.post("/{mapping_id}/forget")
def forget(mapping_id: RowId, form: FormDep, me: CoordinatorPage, session: SessionDep) -> Response:
    """Forget one saved choice: the program's next file with those headers is read by its
    headers alone. Another program's answers like a missing one (404)."""
    found = session.get(ImportMapping, mapping_id)
    program_id = found.program_id if found is not None and me.sees(found.program_id) else 0
    mappings.forget(session, actor=me, program_id=program_id, mapping_id=mapping_id)
    return redirect(f"{PAGE}?forgotten=1")
