"""The coordinator's spreadsheets page: downloads of the exports, and the import form."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from mentormatch.deps import ClientDep, SessionDep, SettingsDep
from mentormatch.i18n import N_
from mentormatch.programs.models import SLUG_PATTERN
from mentormatch.spreadsheets import export as exports
from mentormatch.spreadsheets.columns import FIELDS, required
from mentormatch.spreadsheets.router import download as file_download
from mentormatch.web.core import CoordinatorPage, WebRoute, render

router = APIRouter(
    prefix="/coordinator/spreadsheets", route_class=WebRoute, include_in_schema=False
)

EXPORTS = (
    ("newcomers", N_("Newcomers"), N_("matching answers, contact, status and consent; no "
     "free-text hopes and no exact location")),
    ("mentors", N_("Mentors"), N_("profile, capacity and load: the columns an import reads")),
    ("pairings", N_("Pairings with their history"), N_("each pairing and every move it made; "
     "a newcomer's first name only if they agreed a mentor may see it")),
)  # fmt: skip


def page_context(
    request: Request, me: object, session: object, settings: object
) -> dict[str, object]:
    """What the spreadsheets page shows: the exports and the import form."""
    programs = exports.programs_for(session, me, None)  # type: ignore[arg-type]
    return {
        "exports": EXPORTS,
        "programs": programs,
        "fields": FIELDS,
        "required": {kind: required(kind) for kind in FIELDS},
        "max_mb": settings.import_max_bytes // (1024 * 1024),  # type: ignore[attr-defined]
        "max_rows": settings.import_max_rows,  # type: ignore[attr-defined]
        "error": None,
        "kind": "mentors",
    }


@router.get("")
def spreadsheets(
    request: Request, me: CoordinatorPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Exports to download, and a file to import."""
    return render(request, "coordinator/spreadsheets.html",
                  page_context(request, me, session, settings))  # fmt: skip


@router.get("/download")
def download(
    me: CoordinatorPage,
    session: SessionDep,
    client: ClientDep,
    kind: exports.Kind = "pairings",
    format: Literal["csv", "xlsx"] = "xlsx",
    program: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=40)] = None,
) -> Response:
    """One export as a file (audited, like the API's)."""
    return file_download(session, me, client, kind=kind, format=format, program=program)
