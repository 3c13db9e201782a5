"""An uploaded spreadsheet kept between its preview and its import."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.db import Base, JSONType, UTCDateTime, utcnow
from mentormatch.programs.models import Program


class ImportUpload(Base):
    """A file a coordinator uploaded to import: only they can open it, by a random key in
    its address (only the key's SHA-256 is stored). Deleted once imported, or a day after
    upload (`uploads.forget_old`)."""

    __tablename__ = "import_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # mentors or newcomers
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # The coordinator's choice of field for each column header, where it differs from the
    # one recognised by name.
    mapping: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    program: Mapped[Program] = relationship()


class ImportMapping(Base):
    """How a program reads the columns of a kind of file (mentors or newcomers): the fields a
    coordinator chose on the check page for a file with these headers, applied to the next
    file with the same headers (in any order, case or spacing). One per program, kind and
    set of headers; the latest choice replaces the one before."""

    __tablename__ = "import_mappings"
    __table_args__ = (
        UniqueConstraint("program_id", "kind", "headers_hash", name="uq_import_mappings_headers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # mentors or newcomers
    # SHA-256 of the file's header keys (`columns.key`), sorted, one a line.
    headers_hash: Mapped[str] = mapped_column(String(64))
    # The field chosen for each header key ("" for a column left out), only where it differs
    # from the field the header names by itself.
    mapping: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImportJob(Base):
    """An import under way, and what it did: the page that shows its progress reads this row,
    from whichever app worker serves it (`spreadsheets.jobs`). Found by a random key (only its
    SHA-256 stored), only by who started it. Its end (`done`, and the counts) is written in
    the import's own transaction, so a job that never ends wrote nothing."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_uploads.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20))  # mentors or newcomers
    filename: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))  # checking, writing, done or failed
    total: Mapped[int] = mapped_column(default=0)  # rows in the file (blank rows aside)
    checked: Mapped[int] = mapped_column(default=0)  # rows checked so far
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    # Why it failed: every problem of the file ([row, column, message]), or one sentence.
    problems: Mapped[list[list[Any]]] = mapped_column(JSONType, default=list)
    message: Mapped[str | None] = mapped_column(String(500))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    program: Mapped[Program] = relationship()
