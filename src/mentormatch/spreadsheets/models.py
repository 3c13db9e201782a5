"""An uploaded spreadsheet kept between its preview and its import."""

from __future__ import annotations

from datetime import datetime

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
