"""Saved column choices: how a program reads a kind of file with the same headers again.

A coordinator who chooses on the check page how a column is read (another field, or
*Leave out*) has the choice saved for their program and the kind of file (mentors or
newcomers), under the file's set of headers (in any order, case or spacing). The next file
with those headers, from the page, the API or the command line, is read the same way; the
check page says so and the choice can be changed there (the change is saved in its place).
Only choices that differ from what a header names by itself are kept; choosing what the
headers name by themselves forgets the saved choice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.db import utcnow
from mentormatch.errors import NotFound
from mentormatch.i18n import N_
from mentormatch.spreadsheets import columns
from mentormatch.spreadsheets.models import ImportMapping

SAVED = "save_columns"
FORGOTTEN = "forget_columns"


def unknown(kind: str, fields: Iterable[str]) -> list[str]:
    """The fields chosen that an import of this kind does not read ("" leaves a column out)."""
    known = columns.by_name(kind)
    return [f for f in fields if f and f not in known]


def fingerprint(headers: Sequence[str]) -> str:
    """The set of a file's headers as compared (any order, case or spacing), hashed."""
    keys = sorted({columns.key(h) for h in headers} - {""})
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def find(
    session: Session, *, program_id: int, kind: str, headers: Sequence[str]
) -> ImportMapping | None:
    """The program's saved choice for files of this kind with these headers, if any."""
    return session.scalar(
        select(ImportMapping).where(
            ImportMapping.program_id == program_id,
            ImportMapping.kind == kind,
            ImportMapping.headers_hash == fingerprint(headers),
        )
    )


def saved(
    session: Session, *, program_id: int, kind: str, headers: Sequence[str]
) -> dict[str, str]:
    """The saved choice as the check takes it (the field for each of these headers)."""
    found = find(session, program_id=program_id, kind=kind, headers=headers)
    if found is None:
        return {}
    renamed = columns.RENAMED[kind]
    return {
        h: renamed.get(found.mapping[columns.key(h)], found.mapping[columns.key(h)])
        for h in headers
        if columns.key(h) in found.mapping
    }


def save(
    session: Session,
    *,
    actor: Principal,
    program_id: int,
    kind: str,
    headers: Sequence[str],
    chosen: dict[str, str],
) -> None:
    """Keep the choices that differ from what the headers name (none: forget); no commit."""
    differs = {
        columns.key(h): chosen[h]
        for h in headers
        if h in chosen and chosen[h] != (columns.recognise(kind, h) or "")
    }
    found = find(session, program_id=program_id, kind=kind, headers=headers)
    if not differs:
        if found is not None:
            session.delete(found)
            _audit(session, actor, FORGOTTEN, program_id)
        return
    if found is None:
        found = ImportMapping(program_id=program_id, kind=kind, headers_hash=fingerprint(headers))
        session.add(found)
    if found.mapping != differs:
        _audit(session, actor, SAVED, program_id)
    found.mapping, found.saved_by, found.saved_at = differs, actor.user_id, utcnow()


def _audit(session: Session, actor: Principal, action: str, program_id: int) -> None:
    audit.record(session, actor=actor, action=action, object_type="program", object_id=program_id)


def listed(session: Session, *, program_ids: Iterable[int]) -> list[ImportMapping]:
    """The programs' saved choices, by program, mentors' then newcomers', the latest first."""
    return list(
        session.scalars(
            select(ImportMapping)
            .where(ImportMapping.program_id.in_(sorted(program_ids)))
            .order_by(ImportMapping.program_id, ImportMapping.kind,
                      ImportMapping.saved_at.desc(), ImportMapping.id)
        )
    )  # fmt: skip


def forget(session: Session, *, actor: Principal, program_id: int, mapping_id: int) -> None:
    """Delete one of a program's saved choices (404 if it has none by this id), audited;
    commits."""
    found = session.get(ImportMapping, mapping_id)
    if found is None or found.program_id != program_id:
        raise NotFound(
            N_("mapping_id: the program has no saved choice of columns by this id"),
            field="mapping_id",
        )
    session.delete(found)
    _audit(session, actor, FORGOTTEN, program_id)
    session.commit()
