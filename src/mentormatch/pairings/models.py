"""Pairings and their history: every transition records who, when and why."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.db import Base, JSONType, UTCDateTime, utcnow
from mentormatch.references import LENGTH, new_reference


class PairingStatus(enum.StrEnum):
    proposed = "proposed"
    approved = "approved"
    active = "active"
    ended = "ended"
    rejected = "rejected"
    declined = "declined"
    expired = "expired"
    withdrawn = "withdrawn"


# Statuses that hold one of the mentor's capacity slots (BRIEF §3 rule 1).
HOLDS_CAPACITY = (PairingStatus.approved, PairingStatus.active)
# Statuses in which the pairing is still going somewhere.
OPEN = (PairingStatus.proposed, PairingStatus.approved, PairingStatus.active)
# The end reason of a pairing that ran its planned course (graduated), not ended early.
COMPLETED = "completed"


class Pairing(Base):
    __tablename__ = "pairings"
    __table_args__ = (
        Index("ix_pairings_mentor_status", "mentor_id", "status"),
        Index("ix_pairings_newcomer_status", "newcomer_id", "status"),
        # A page of pairings by status, newest first; expiring overdue requests.
        Index("ix_pairings_status_id", "status", "id"),
        # A program's pairings by status, newest first.
        Index("ix_pairings_program_status_id", "program_id", "status", "id"),
        # The mentors' loads (approved + active per mentor), read before every suggestion.
        Index("ix_pairings_status_mentor", "status", "mentor_id"),
        # Ids are never reused (the audit trail names them): AUTOINCREMENT on SQLite.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(LENGTH), unique=True, default=new_reference)
    # always the newcomer's and the mentor's program: pairings never cross programs
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="RESTRICT"))
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="CASCADE"))
    status: Mapped[PairingStatus] = mapped_column(
        Enum(PairingStatus, name="pairing_status", native_enum=False, length=20)
    )
    score: Mapped[float | None] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    events: Mapped[list[PairingEvent]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan", order_by="PairingEvent.id"
    )


class PairingEvent(Base):
    __tablename__ = "pairing_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pairing: Mapped[Pairing] = relationship(back_populates="events")
