"""Server-rendered pages for newcomers, mentors and coordinators (issue 5)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from mentormatch.web import (
    account,
    admin,
    admin_audit,
    assessment_pages,
    contacts,
    coordinator,
    coordinator_mentor_edit,
    coordinator_mentors,
    dashboard,
    exports,
    fit_pages,
    followup_pages,
    import_columns,
    imports,
    intake,
    mentor,
    newcomer,
    notes,
    outcomes,
    pairing_pages,
    program_settings,
    programs,
    proposals,
    sharing_pages,
    staff,
    trail,
    urgent,
)
from mentormatch.web.core import STATIC_DIR

router = APIRouter()
for _pages in (
    intake.router,
    newcomer.router,
    staff.router,
    account.router,
    admin.router,
    admin_audit.router,
    programs.router,
    program_settings.router,
    coordinator.router,
    coordinator_mentors.router,
    coordinator_mentor_edit.router,
    proposals.router,
    dashboard.router,
    outcomes.router,
    followup_pages.router,
    pairing_pages.router,
    urgent.router,
    trail.router,
    contacts.router,
    notes.router,
    fit_pages.router,
    sharing_pages.router,
    assessment_pages.router,
    mentor.router,
    exports.router,
    imports.router,
    import_columns.router,
):
    router.include_router(_pages)


def mount_static(app: FastAPI) -> None:
    """Serve the pages' CSS and JS under /static."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
