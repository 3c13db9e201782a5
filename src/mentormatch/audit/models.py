"""The audit trail: who did what to which record, when, and whether it was allowed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        # The admin's search by who and by action, newest first (20261204_audit_index).
        Index("ix_audit_events_actor", "actor_role", "actor_id", "at"),
        Index("ix_audit_events_action", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(120))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(20))
    client: Mapped[str | None] = mapped_column(String(64))
