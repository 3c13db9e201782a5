"""Importing a spreadsheet from the browser: upload, check (a dry run), choose columns, import.

The file is kept between these steps (`spreadsheets.uploads`) and checked again at every
step, so what is imported is what the last check showed. A file with any problem imports
nothing; the coordinator fixes it and uploads it again. The import itself runs once the
page has answered (`spreadsheets.jobs`); its page shows how far it is, then what it did.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.responses import Response

from mentormatch.accounts.principal import Principal
from mentormatch.config import Settings
from mentormatch.deps import NowDep, SessionDep, SettingsDep
from mentormatch.errors import Invalid, MentorMatchError
from mentormatch.i18n import N_, Words, said
from mentormatch.spreadsheets import import_, jobs, mappings, uploads
from mentormatch.spreadsheets.checking import NOT_IMPORTED
from mentormatch.spreadsheets.columns import FIELDS, key
from mentormatch.web import forms
from mentormatch.web.core import CoordinatorPage, FormDep, WebRoute, redirect, render
from mentormatch.web.exports import page_context

NO_FILE = N_("choose a CSV or .xlsx file to import")
router = APIRouter(
    prefix="/coordinator/spreadsheets", route_class=WebRoute, include_in_schema=False
)
IMPORT_PATH = "/coordinator/spreadsheets/import"
WHAT = {"mentors": ("mentor", "mentors"), "newcomers": ("newcomer", "newcomers")}
REFRESH_SECONDS = 2  # how often the page of an import under way reloads itself


def _file(form: Any, settings: Settings) -> tuple[str, bytes]:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid(said("file: %(problem)s", problem=Words(NO_FILE)), field="file")
    upload.file.seek(0)
    return upload.filename, upload.file.read(settings.import_max_bytes + 1)


@router.post(IMPORT_PATH.removeprefix("/coordinator/spreadsheets"))
def upload(
    request: Request,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Keep the uploaded file and show its check; a file that cannot be read is refused here."""
    kind = forms.text(form, "kind") or ""
    try:
        if kind not in import_.KINDS:
            raise Invalid(
                N_("kind: choose whether the file holds mentors or newcomers"), field="kind"
            )
        program = import_.program_for(session, me, forms.text(form, "program"))
        filename, content = _file(form, settings)
        plan = import_.check(
            session,
            kind=kind,
            program=program,
            content=content,
            filename=filename,
            chosen=None,  # the program's saved choice for files with these headers
            settings=settings,
        )
    except MentorMatchError as exc:
        context = page_context(request, me, session, settings) | {
            "error": exc.message.split(": ", 1)[-1],
            "kind": kind or "mentors",
        }
        return render(
            request, "coordinator/spreadsheets.html", context, status_code=exc.status_code
        )
    uploads.replace(session, actor=me, key=forms.text(form, "replaces"))
    key_ = uploads.store(
        session,
        actor=me,
        kind=kind,
        program=program,
        filename=filename,
        content=content,
        mapping=plan.chosen,
    )
    return redirect(f"/coordinator/spreadsheets/review?upload={key_}")


def _review(
    request: Request,
    me: Principal,
    session: Any,
    settings: Settings,
    key_: str,
    *,
    status_code: int = 200,
) -> Response:
    found = uploads.find(session, actor=me, key=key_)
    plan = import_.check(
        session,
        kind=found.kind,
        program=found.program,
        content=found.content,
        filename=found.filename,
        chosen=found.mapping,
        settings=settings,
    )
    one, many = WHAT[found.kind]
    columns = [
        (h, f, key(h) in NOT_IMPORTED) for h, f in zip(plan.headers, plan.fields, strict=True)
    ]
    saved = mappings.find(
        session, program_id=found.program_id, kind=found.kind, headers=plan.headers
    )
    return render(
        request,
        "coordinator/import_review.html",
        {
            "saved": saved if saved is not None and plan.chosen else None,
            "upload": found,
            "key": key_,
            "plan": plan,
            "columns": columns,
            "fields": FIELDS[found.kind],
            "one": one,
            "many": many,
            "creates": len(plan.creates),
            "updates": len(plan.updates),
        },
        status_code=status_code,
    )


@router.get("/review")
def review(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    settings: SettingsDep,
    upload: str | None = None,
) -> Response:
    """The check of an uploaded file: its columns, every problem, what an import would do."""
    if upload is None:
        return render(
            request, "coordinator/spreadsheets.html", page_context(request, me, session, settings)
        )
    return _review(request, me, session, settings, upload)


@router.post("/review")
def choose_columns(
    form: FormDep, me: CoordinatorPage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Read the columns as chosen, save the choice for the program's next file with these
    headers, and check the file again."""
    key_ = forms.text(form, "upload") or ""
    found = uploads.find(session, actor=me, key=key_)
    chosen: dict[str, str] = {}
    for name, value in form.multi_items():
        if name.startswith("column:") and isinstance(value, str):
            if mappings.unknown(found.kind, [value]):
                raise Invalid(
                    said("%(name)s: choose one of the fields offered", name=name), field=name
                )
            chosen[name.removeprefix("column:")] = value
    found.mapping = chosen
    headers = import_.headers_of(found.content, found.filename, settings)
    mappings.save(session, actor=me, program_id=found.program_id, kind=found.kind,
                  headers=headers, chosen=chosen)  # fmt: skip
    session.commit()
    return redirect(f"/coordinator/spreadsheets/review?upload={key_}")


@router.post("/run")
def run(
    request: Request,
    form: FormDep,
    me: CoordinatorPage,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Start importing the checked file (every row or, if any problem remains, nothing) and
    send the browser to the page showing how far it is."""
    found = uploads.find(session, actor=me, key=forms.text(form, "upload") or "")
    key_, job_id = jobs.start(session, actor=me, upload=found, now=now)
    response = redirect(f"/coordinator/spreadsheets/progress?job={key_}")
    response.background = BackgroundTask(
        jobs.run, request.app.state.sessionmaker, job_id=job_id, actor=me, settings=settings,
        clock=request.app.state.clock,
    )  # fmt: skip
    return response


@router.get("/progress")
def progress(
    request: Request,
    me: CoordinatorPage,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    job: str | None = None,
) -> Response:
    """How far an import is (the page refreshes itself until it ends), then what it did."""
    if job is None:
        return render(
            request, "coordinator/spreadsheets.html", page_context(request, me, session, settings)
        )
    found = jobs.find(session, actor=me, key=job)
    one, many = WHAT[found.kind]
    return render(
        request,
        "coordinator/import_job.html",
        {"job": found, "stopped": jobs.stopped(found, now), "one": one, "many": many,
         "refresh_seconds": REFRESH_SECONDS},
    )  # fmt: skip
