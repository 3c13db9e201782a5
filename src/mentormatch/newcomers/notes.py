"""Case notes: what coordinators write about a newcomer, or about one of their pairings.

A note belongs to its newcomer (and so to the newcomer's program: a coordinator of another
program gets the 404 of a missing newcomer or pairing). It holds its author's account and
role, its time (the app's clock) and its text (1-2,000 characters), and may name one of the
newcomer's pairings. Notes are never edited or deleted: a correction is a further note, so
the record shows what was written and when. Mentors never see them; the newcomer sees them
in their own export, by the author's role and the date, never the staff member's email.
Writing and reading them is audited on the newcomer's record; they go with the newcomer at
erasure (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mentormatch.accounts.models import User
from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.db import Base, UTCDateTime
from mentormatch.errors import Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing
from mentormatch.programs import scope

OBJECT = "newcomer"  # notes are audited on their newcomer's record
WRITE = "case_note"
READ = "read_notes"
TEXT_MAX = 2000
NO_SUCH_NEWCOMER = N_("no such newcomer")
NO_SUCH_PAIRING = N_("no such pairing")


class CaseNote(Base):
    """A coordinator's note on a newcomer's case, optionally about one of their pairings."""

    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_newcomer_written", "newcomer_id", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairings.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    author_role: Mapped[str] = mapped_column(String(20))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)


def check_text(text: str) -> str:
    """The note's text, stripped: 422 naming `text` when empty or too long."""
    text = text.strip()
    if not text:
        raise Invalid(N_("text: write the note"), field="text")
    if "\x00" in text:  # PostgreSQL cannot store it, and no note holds one
        raise Invalid(N_("text: must not contain NUL characters"), field="text")
    if len(text) > TEXT_MAX:
        raise Invalid(
            said(
                "text: at most %(most)s characters (this one has %(count)s)",
                most=TEXT_MAX,
                count=len(text),
            ),
            field="text",
        )
    return text


def _newcomer(session: Session, actor: Principal, newcomer_id: int) -> Newcomer:
    newcomer = session.get(Newcomer, newcomer_id)
    if newcomer is None:
        raise NotFound(NO_SUCH_NEWCOMER)
    scope.ensure_visible(actor, newcomer.program_id, NO_SUCH_NEWCOMER)
    return newcomer


def pairing_of(session: Session, actor: Principal, pairing_id: int) -> Pairing:
    """A pairing of the coordinator's programs (404 like a missing one otherwise)."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or scope.hidden(actor, pairing.program_id):
        raise NotFound(NO_SUCH_PAIRING)
    return pairing


def _own_pairing(session: Session, newcomer: Newcomer, pairing_id: int) -> int:
    """`pairing_id` when it is one of this newcomer's pairings, else 422 naming it (the same
    words for a missing pairing, another newcomer's and another program's)."""
    owner = session.scalar(select(Pairing.newcomer_id).where(Pairing.id == pairing_id))
    if owner != newcomer.id:
        raise Invalid(N_("pairing_id: not one of this newcomer's pairings"), field="pairing_id")
    return pairing_id


def add(
    session: Session,
    *,
    actor: Principal,
    newcomer_id: int,
    text: str,
    pairing_id: int | None,
    now: datetime,
) -> CaseNote:
    """Write a note on the newcomer's case (audited); the caller commits."""
    newcomer = _newcomer(session, actor, newcomer_id)
    text = check_text(text)
    if pairing_id is not None:
        pairing_id = _own_pairing(session, newcomer, pairing_id)
    note = CaseNote(
        newcomer_id=newcomer.id,
        pairing_id=pairing_id,
        author_id=actor.user_id,
        author_role=str(actor.role),
        written_at=now,
        text=text,
    )
    session.add(note)
    session.flush()
    audit.record(session, actor=actor, action=WRITE, object_type=OBJECT, object_id=newcomer.id)
    return note


def add_to_pairing(
    session: Session, *, actor: Principal, pairing_id: int, text: str, now: datetime
) -> CaseNote:
    """Write a note about a pairing, on its newcomer's case (audited); the caller commits."""
    pairing = pairing_of(session, actor, pairing_id)
    return add(
        session,
        actor=actor,
        newcomer_id=pairing.newcomer_id,
        text=text,
        pairing_id=pairing.id,
        now=now,
    )


def page(
    session: Session,
    *,
    actor: Principal,
    newcomer_id: int | None = None,
    pairing_id: int | None = None,
    limit: int,
    offset: int,
    audited: bool = True,
) -> tuple[list[CaseNote], int]:
    """A page of a newcomer's notes (or one pairing's), newest first, and their total. The
    read is audited on the newcomer's record before it is answered (`audited=False` only
    where the read is part of one already audited: the newcomer's own page)."""
    if pairing_id is not None:
        pairing = pairing_of(session, actor, pairing_id)
        newcomer_id = pairing.newcomer_id
        where = CaseNote.pairing_id == pairing.id
    else:
        assert newcomer_id is not None
        newcomer_id = _newcomer(session, actor, newcomer_id).id
        where = CaseNote.newcomer_id == newcomer_id
    total = session.scalar(select(func.count()).where(where)) or 0
    query = select(CaseNote).where(where).order_by(CaseNote.written_at.desc(), CaseNote.id.desc())
    rows = list(session.scalars(query.limit(limit).offset(offset)))
    if audited:
        audit.record_read(
            session, actor=actor, action=READ, object_type=OBJECT, object_id=newcomer_id
        )
    return rows, total


def of_newcomer(session: Session, newcomer_id: int) -> list[CaseNote]:
    """Every note on the newcomer's case, oldest first (their export; no audit here)."""
    query = select(CaseNote).where(CaseNote.newcomer_id == newcomer_id)
    return list(session.scalars(query.order_by(CaseNote.written_at, CaseNote.id)))


def authors(session: Session, notes: list[CaseNote]) -> dict[int, str]:
    """Who wrote each note (their account's email), by account id: for coordinators only."""
    ids = {n.author_id for n in notes if n.author_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def counts_by_pairing(session: Session, pairing_ids: list[int]) -> dict[int, int]:
    """How many notes each of these pairings has (no audit: a count shows no text)."""
    if not pairing_ids:
        return {}
    rows = session.execute(
        select(CaseNote.pairing_id, func.count())
        .where(CaseNote.pairing_id.in_(pairing_ids))
        .group_by(CaseNote.pairing_id)
    )
    return {pairing_id: n for pairing_id, n in rows if pairing_id is not None}
