"""Case-note routes: a newcomer's notes and a pairing's, for coordinators only.

Mentors and admins are refused (403) like on every coordinator route; another program's
newcomer or pairing answers the 404 of a missing one. Both the writing and the reading are
audited on the newcomer's record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mentormatch.accounts.dependencies import CoordinatorDep
from mentormatch.deps import Limit, NowDep, Offset, RowId, SessionDep
from mentormatch.errors import error_responses
from mentormatch.newcomers import notes
from mentormatch.newcomers.notes import CaseNote
from mentormatch.profiles import NoNul, NoNulSchema

router = APIRouter(tags=["case notes"])

NoteText = Annotated[str, NoNul, NoNulSchema]
_TEXT = Field(
    min_length=1,
    max_length=notes.TEXT_MAX,
    description=f"The note, 1-{notes.TEXT_MAX} characters. Seen by coordinators and by the "
    "newcomer in their own data export; never by mentors. Notes cannot be edited: "
    "write another to correct one.",
)


class CaseNoteCreate(BaseModel):
    """A note on the newcomer's case, optionally about one of their pairings."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": "Prefers calls after 6pm; asked about SMART meetings."}]
        },
    )

    text: NoteText = _TEXT
    pairing_id: RowId | None = Field(
        default=None, description="One of this newcomer's pairings, if the note is about it"
    )


class PairingNoteCreate(BaseModel):
    """A note about this pairing, on its newcomer's case."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "First meeting went well, both say."}]},
    )

    text: NoteText = _TEXT


class CaseNotePublic(BaseModel):
    """A note as coordinators see it: who wrote it, when, and about which pairing."""

    id: int
    newcomer_id: int
    pairing_id: int | None = Field(description="The pairing it is about, if any")
    written_at: datetime
    author_role: str
    author_id: int | None = Field(description="The author's account (null once it is gone)")
    author_email: str | None = Field(description="The author's email (null once it is gone)")
    text: str


class CaseNotePage(BaseModel):
    """A page of notes, newest first; `total` counts them all."""

    items: list[CaseNotePublic]
    total: int
    limit: int
    offset: int


def _public(note: CaseNote, emails: dict[int, str]) -> CaseNotePublic:
    return CaseNotePublic(
        id=note.id,
        newcomer_id=note.newcomer_id,
        pairing_id=note.pairing_id,
        written_at=note.written_at,
        author_role=note.author_role,
        author_id=note.author_id,
        author_email=emails.get(note.author_id) if note.author_id is not None else None,
        text=note.text,
    )


def _page(
    session: Session, rows: list[CaseNote], total: int, limit: int, offset: int
) -> CaseNotePage:
    emails = notes.authors(session, rows)
    items = [_public(n, emails) for n in rows]
    return CaseNotePage(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/api/v1/newcomers/{newcomer_id}/notes",
    response_model=CaseNotePage,
    responses=error_responses(401, 403, 404, 422),
)
def list_newcomer_notes(
    newcomer_id: RowId,
    coordinator: CoordinatorDep,
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
) -> CaseNotePage:
    """The newcomer's case notes (their pairings' included), newest first, with the total
    (audited as a read)."""
    rows, total = notes.page(
        session, actor=coordinator, newcomer_id=newcomer_id, limit=limit, offset=offset
    )
    return _page(session, rows, total, limit, offset)


@router.post(
    "/api/v1/newcomers/{newcomer_id}/notes",
    response_model=CaseNotePublic,
    status_code=201,
    responses=error_responses(401, 403, 404, 413, 422),
)
def add_newcomer_note(
    newcomer_id: RowId,
    body: CaseNoteCreate,
    coordinator: CoordinatorDep,
    session: SessionDep,
    now: NowDep,
) -> CaseNotePublic:
    """Write a note on the newcomer's case; `pairing_id` ties it to one of their pairings
    (another newcomer's or an unknown one: 422 naming `pairing_id`)."""
    note = notes.add(
        session,
        actor=coordinator,
        newcomer_id=newcomer_id,
        text=body.text,
        pairing_id=body.pairing_id,
        now=now,
    )
    session.commit()
    return _public(note, notes.authors(session, [note]))


@router.get(
    "/api/v1/pairings/{pairing_id}/notes",
    response_model=CaseNotePage,
    responses=error_responses(401, 403, 404, 422),
)
def list_pairing_notes(
    pairing_id: RowId,
    coordinator: CoordinatorDep,
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
) -> CaseNotePage:
    """The notes about this pairing, newest first, with the total (audited as a read of
    its newcomer's notes)."""
    rows, total = notes.page(
        session, actor=coordinator, pairing_id=pairing_id, limit=limit, offset=offset
    )
    return _page(session, rows, total, limit, offset)


@router.post(
    "/api/v1/pairings/{pairing_id}/notes",
    response_model=CaseNotePublic,
    status_code=201,
    responses=error_responses(401, 403, 404, 413, 422),
)
def add_pairing_note(
    pairing_id: RowId,
    body: PairingNoteCreate,
    coordinator: CoordinatorDep,
    session: SessionDep,
    now: NowDep,
) -> CaseNotePublic:
    """Write a note about this pairing, on its newcomer's case."""
    note = notes.add_to_pairing(
        session, actor=coordinator, pairing_id=pairing_id, text=body.text, now=now
    )
    session.commit()
    return _public(note, notes.authors(session, [note]))
