"""Questionnaires (their definitions, as data) and the answers a newcomer gives to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.db import Base, JSONType, UTCDateTime, utcnow


class Instrument(Base):
    """A questionnaire: `definition` is an `InstrumentDefinition` (items, scale, scoring)."""

    __tablename__ = "instruments"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the admin who added it; none for the definitions that ship (BARC-10)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Assessment(Base):
    """One completed questionnaire: every answer, the total, when, and who entered it (a
    coordinator from a call, or nobody: the newcomer themself)."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_newcomer_taken", "newcomer_id", "taken_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instruments.id", ondelete="RESTRICT"), index=True
    )
    answers: Mapped[dict[str, int]] = mapped_column(JSONType)
    total: Mapped[int]
    language: Mapped[str] = mapped_column(String(10))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the coordinator's account who entered it from a call; none when the newcomer answered
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class FollowupReminder(Base):
    """A reminder sent to a newcomer about a follow-up window (`opened`: the window opened;
    `closing`: once more, past its middle): one per newcomer, episode, window and kind, so
    running `mentormatch pairings follow-ups` twice sends nothing twice."""

    __tablename__ = "followup_reminders"
    __table_args__ = (
        UniqueConstraint("newcomer_id", "episode", "window_name", "kind"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    episode: Mapped[int]
    window_name: Mapped[str] = mapped_column(String(40))  # "baseline", "6 months", "closeout"…
    kind: Mapped[str] = mapped_column(String(10))  # opened or closing
    opens_on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Episode(Base):
    """A newcomer's return after their care ended: a coordinator reopened their closed
    request, which starts a new episode of care (numbered from 2; the intake began the first)
    and a new baseline under the same person. `previous_ended_on` is the day the care of the
    episode before ended (its closeout counts from it)."""

    __tablename__ = "newcomer_episodes"
    __table_args__ = (
        UniqueConstraint("newcomer_id", "number"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    previous_ended_on: Mapped[date] = mapped_column(Date)
    # the coordinator who reopened the request; kept (NULL) if the account goes
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
