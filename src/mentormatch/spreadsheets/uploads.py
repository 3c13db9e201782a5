"""Uploaded files kept between their preview and their import: only for who uploaded them.

An upload is found by a random key in the page's address (only its SHA-256 is stored),
and only by the coordinator who uploaded it, within their programs; anyone else's key,
or a forgotten one, answers like a missing upload. An upload is deleted once imported, and
any upload is deleted a day after it was made (checked at every new upload).
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.accounts.security import hash_token, new_token
from mentormatch.db import utcnow
from mentormatch.errors import NotFound
from mentormatch.i18n import N_
from mentormatch.programs.models import Program
from mentormatch.spreadsheets.models import ImportUpload

KEEP = timedelta(days=1)
KEY_PREFIX = "mmu_"
GONE = N_(
    "this upload is no longer here (an upload is kept for a day, or until it is imported); "
    "upload the file again"
)


def store(
    session: Session,
    *,
    actor: Principal,
    kind: str,
    program: Program,
    filename: str,
    content: bytes,
    mapping: dict[str, str],
) -> str:
    """Keep an uploaded file, read with `mapping` (the field for each column header); returns
    the key that opens it (shown once, in an address)."""
    session.execute(delete(ImportUpload).where(ImportUpload.created_at < utcnow() - KEEP))
    key, digest = new_token(KEY_PREFIX)
    assert actor.user_id is not None
    session.add(
        ImportUpload(
            key_hash=digest,
            user_id=actor.user_id,
            program_id=program.id,
            kind=kind,
            filename=filename[:200] or "spreadsheet",
            content=content,
            mapping=mapping,
        )
    )
    session.commit()
    return key


def find(session: Session, *, actor: Principal, key: str) -> ImportUpload:
    """The actor's own upload under this key, kept less than a day; else 404."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        raise NotFound(GONE, field="upload")
    upload = session.scalar(
        select(ImportUpload).where(
            ImportUpload.key_hash == hash_token(key),
            ImportUpload.user_id == actor.user_id,
            ImportUpload.created_at >= utcnow() - KEEP,
        )
    )
    if upload is None or not actor.sees(upload.program_id):
        raise NotFound(GONE, field="upload")
    return upload


def forget(session: Session, upload: ImportUpload) -> None:
    """Delete an imported file (the caller commits)."""
    session.delete(upload)


def replace(session: Session, *, actor: Principal, key: str | None) -> None:
    """Drop the upload a corrected file replaces (if it is still the actor's); no commit."""
    if key:
        with contextlib.suppress(NotFound):
            forget(session, find(session, actor=actor, key=key))
