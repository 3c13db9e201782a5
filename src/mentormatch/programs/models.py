"""Programs, the coordinators who run them, and the record of every settings change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.db import Base, JSONType, UTCDateTime, utcnow

# The program the migration moved existing data into; an installation always has it
# (it can be renamed and, once another program is open, archived).
DEFAULT_PROGRAM_ID = 1
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"


class Program(Base):
    __tablename__ = "programs"
    # Ids are never reused (the audit trail names them): AUTOINCREMENT on SQLite.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public intake's address: /p/{slug}/
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Only the settings an admin changed; the rest follow the installation's defaults
    # (environment variables) — `programs.settings.effective`.
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Rises with every settings change: each worker's ranker for the program compares it
    # before use and refits when it moved (`matching.cache`).
    settings_version: Mapped[int] = mapped_column(default=1)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class ProgramCoordinator(Base):
    """A coordinator's membership: they see and act only within their programs."""

    __tablename__ = "program_coordinators"

    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProgramSettingChange(Base):
    """One setting changed: who, when, old value -> new value (None: the default)."""

    __tablename__ = "program_setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    name: Mapped[str] = mapped_column(String(60))
    old: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new: Mapped[Any] = mapped_column(JSONType, nullable=True)
