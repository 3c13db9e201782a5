"""Mentor profiles: a vetted volunteer's matching data, linked to their account."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.db import Base, JSONType, UTCDateTime, utcnow


class Mentor(Base):
    __tablename__ = "mentors"
    __table_args__ = (
        CheckConstraint("capacity >= 0 AND capacity <= 10", name="capacity_range"),
        # Covers the ranker cache's comparison of a program's mentors' versions after a change
        # (`matching.cache.RankerCache`): an index-only scan, not the wide mentor rows.
        Index("ix_mentors_pool_state", "program_id", "id", "version"),
        # The program's own id for the mentor (a spreadsheet import matches rows by it).
        Index("uq_mentors_external_id", "program_id", "external_id", unique=True),
        # Ids are never reused (the audit trail names them): AUTOINCREMENT on SQLite.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="RESTRICT"))
    external_id: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(20))
    mentee_genders: Mapped[list[str]] = mapped_column(JSONType, default=list)
    birth_year: Mapped[int]
    languages: Mapped[list[str]] = mapped_column(JSONType)
    timezone: Mapped[str] = mapped_column(String(64))
    availability: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    substances: Mapped[list[str]] = mapped_column(JSONType)
    pathways: Mapped[list[str]] = mapped_column(JSONType, default=list)
    pathways_ruled_out: Mapped[list[str]] = mapped_column(JSONType, default=list)
    medication_affirming: Mapped[bool] = mapped_column(default=False)
    meeting_modes: Mapped[list[str]] = mapped_column(JSONType)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    travel_radius_km: Mapped[float | None]
    lived_experience: Mapped[list[str]] = mapped_column(JSONType, default=list)
    interests: Mapped[str] = mapped_column(Text, default="")
    recovery_start: Mapped[date]
    capacity: Mapped[int] = mapped_column(default=2)
    vetted: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    paused: Mapped[bool] = mapped_column(default=False)
    youth_vetted: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class MentorPool(Base):
    """One row (id 1) whose `version` rises with every committed change the ranker reflects.

    The ranker cache reads it before every use (`matching.cache.pool_version`). Database
    triggers (migration `20261122_mentor_pool_version`) raise it in the writing transaction
    itself: any insert, update or delete of a mentor, and any pairing entering or leaving a
    status that holds capacity (approved, active) — every write path, the ORM's or plain
    SQL, from any process. On PostgreSQL the triggers are deferred to the commit and raise
    it once per transaction (`txid`), so the row is locked only for the commit's last instant.
    """

    __tablename__ = "mentor_pool"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    txid: Mapped[int | None] = mapped_column(BigInteger)
