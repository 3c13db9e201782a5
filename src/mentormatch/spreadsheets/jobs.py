"""An import started from the page, run after the page has answered, its progress in a row.

`start` records the job and `run` does it in the worker that took the request, once the
answer has gone: the page the browser is sent to reads the job's row (`import_jobs`) and
refreshes itself, whichever app worker serves it — nothing about a job lives only in a
process. `run` tells the row how many rows are checked (every `PROGRESS_EVERY`), then that
it is writing, in short transactions of their own; the import itself is still one
transaction, and the job's end (`done` and what it did) is written in it, so a job seen
`done` imported everything, and a job that never ends imported nothing. A job not heard
from for `STALE` stopped (the worker was stopped or crashed): its page says so.

SQLite allows one writer at a time, so while the import writes nobody else can move the
job's row: the page then says "writing" without a count, until the import's own commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from mentormatch.accounts.principal import Principal
from mentormatch.accounts.security import hash_token, new_token
from mentormatch.config import Settings
from mentormatch.errors import MentorMatchError, NotFound
from mentormatch.i18n import N_
from mentormatch.spreadsheets import import_, uploads
from mentormatch.spreadsheets.models import ImportJob, ImportUpload

log = logging.getLogger(__name__)
KEEP = timedelta(days=1)
STALE = timedelta(minutes=30)
KEY_PREFIX = "mmj_"
GONE = N_("this import is not known here (an import's page is kept for a day); see the people list")
ON_OUR_SIDE = "something went wrong on our side; nothing was imported — try again"


def start(
    session: Session, *, actor: Principal, upload: ImportUpload, now: datetime
) -> tuple[str, int]:
    """Record a job importing this upload; returns the key of its page (shown once), and
    its id."""
    session.execute(delete(ImportJob).where(ImportJob.started_at < now - KEEP))
    key, digest = new_token(KEY_PREFIX)
    assert actor.user_id is not None
    job = ImportJob(
        key_hash=digest,
        user_id=actor.user_id,
        program_id=upload.program_id,
        upload_id=upload.id,
        kind=upload.kind,
        filename=upload.filename,
        state="checking",
        started_at=now,
        updated_at=now,
    )
    session.add(job)
    session.commit()
    return key, job.id


def find(session: Session, *, actor: Principal, key: str) -> ImportJob:
    """The actor's own job under this key, within their programs; else 404."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        raise NotFound(GONE, field="job")
    job = session.scalar(
        select(ImportJob).where(
            ImportJob.key_hash == hash_token(key), ImportJob.user_id == actor.user_id
        )
    )
    if job is None or not actor.sees(job.program_id):
        raise NotFound(GONE, field="job")
    return job


def stopped(job: ImportJob, now: datetime) -> bool:
    """Whether an unfinished job has not been heard from for too long: it will not end."""
    return job.state in ("checking", "writing") and now - job.updated_at > STALE


def run(
    sessions: sessionmaker[Session],
    *,
    job_id: int,
    actor: Principal,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """Check and import the job's upload, telling its row how far it is (never raises)."""

    def tell(**values: Any) -> None:
        with sessions() as session:
            session.execute(
                update(ImportJob).where(ImportJob.id == job_id).values(**values, updated_at=clock())
            )
            session.commit()

    def failed(**values: Any) -> None:
        tell(state="failed", finished_at=clock(), **values)

    with sessions() as session:
        try:
            job = session.get_one(ImportJob, job_id)
            upload = session.get(ImportUpload, job.upload_id) if job.upload_id else None
            if upload is None:
                failed(message=uploads.GONE)
                return
            plan = import_.check(
                session, kind=upload.kind, program=upload.program, content=upload.content,
                filename=upload.filename, chosen=upload.mapping, settings=settings,
                progress=lambda checked, total: tell(checked=checked, total=total),
            )  # fmt: skip
            if plan.problems:
                session.rollback()
                found = [[p.row, p.column, p.message] for p in plan.problems]
                failed(checked=plan.read, total=plan.read, problems=found)
                return
            tell(state="writing", checked=plan.read, total=plan.read)
            # The job's end, in the import's own transaction: seen only if it is all written.
            job.state, job.finished_at, job.updated_at = "done", clock(), clock()
            job.created, job.updated = len(plan.creates), len(plan.updates)
            job.unchanged = plan.unchanged
            uploads.forget(session, upload)
            import_.apply(
                session, actor=actor, plan=plan, filename=upload.filename, settings=settings
            )
        except MentorMatchError as exc:
            session.rollback()
            failed(message=exc.message.split(": ", 1)[-1])
        except Exception as exc:
            session.rollback()
            log.error("import job %s failed: %s", job_id, type(exc).__name__)
            failed(message=ON_OUR_SIDE)
