"""What happens between a mentor and a newcomer once paired: each contact the mentor logs."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.db import Base, UTCDateTime, utcnow


class ContactMode(enum.StrEnum):
    in_person = "in_person"
    video = "video"
    phone = "phone"
    text = "text"


MODE_LABELS = {
    ContactMode.in_person: "In person",
    ContactMode.video: "Video call",
    ContactMode.phone: "Phone call",
    ContactMode.text: "Text or chat",
}


class Contact(Base):
    """One contact a mentor logged on an active pairing: the day, how, roughly how long, and
    an optional note only coordinators read (never sent anywhere, never shown to the newcomer)."""

    __tablename__ = "pairing_contacts"
    __table_args__ = (
        # A pairing's contacts by day: its rhythm, its latest contact, a page of its log.
        Index("ix_pairing_contacts_pairing_day", "pairing_id", "contacted_on"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    # always the pairing's program (programs/scope.py reads it)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    # the mentor's account that logged it; kept (NULL) if the account goes
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    contacted_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[ContactMode] = mapped_column(
        Enum(ContactMode, name="contact_mode", native_enum=False, length=20)
    )
    minutes: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NudgeKind(enum.StrEnum):
    quiet_reminder = "quiet_reminder"  # the mentor was reminded (a link, nothing else)
    quiet_escalation = "quiet_escalation"  # the pairing went to the coordinators' attention
    fit_check_reminder = "fit_check_reminder"  # both were asked "a good fit?" by email, once


class Nudge(Base):
    """A quiet pairing's reminder or escalation, once per silence: the silence is named by
    the day it began (`quiet_since`: the latest contact, or the day the pairing began), so
    running the job twice sends nothing twice and a new silence is a new row."""

    __tablename__ = "pairing_nudges"
    __table_args__ = (
        UniqueConstraint("pairing_id", "kind", "quiet_since"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[NudgeKind] = mapped_column(
        Enum(NudgeKind, name="nudge_kind", native_enum=False, length=20)
    )
    quiet_since: Mapped[date] = mapped_column(Date)
    # the setting in force when it was sent (days without a contact)
    after_days: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FitAnswer(enum.StrEnum):
    good_fit = "good_fit"
    not_sure = "not_sure"
    not_a_fit = "not_a_fit"


class FitCheck(Base):
    """One side's answer to "is this a good fit?", asked once per pairing and side."""

    __tablename__ = "fit_checks"
    __table_args__ = (
        UniqueConstraint("pairing_id", "side"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    side: Mapped[str] = mapped_column(String(10))  # mentor or newcomer
    answer: Mapped[FitAnswer] = mapped_column(
        Enum(FitAnswer, name="fit_answer", native_enum=False, length=20)
    )
    word: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A coordinator read a "not a fit" and decided to keep the pairing: when, and who
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    kept_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CheckIn(Base):
    """A newcomer's check-in from their status link: how things are (1 very hard to 5 very
    good), whether they talked with their mentor this week (asked only while paired), and
    the intake's danger question, whose "yes" opens an urgent case (aftercare/checkins.py).
    Coordinators read them; a mentor never does."""

    __tablename__ = "check_ins"
    __table_args__ = (
        Index("ix_check_ins_newcomer_id", "newcomer_id", "answered_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairings.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    feeling: Mapped[int]
    talked: Mapped[bool | None]
    in_danger: Mapped[bool]


class EarlierRecoveryDate(Base):
    """A recovery start date the newcomer replaced when they started again: kept for them
    alone (their status page and their export), never shown to a mentor or used in matching."""

    __tablename__ = "earlier_recovery_dates"
    __table_args__ = (
        Index("ix_earlier_recovery_dates_newcomer_id", "newcomer_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    started_on: Mapped[date] = mapped_column(Date)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MilestoneMessage(Base):
    """The short note sent on a newcomer's milestone day (when they opted in): one per
    newcomer and day, so running the job twice sends nothing twice."""

    __tablename__ = "milestone_messages"
    __table_args__ = (
        UniqueConstraint("newcomer_id", "reached_on"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    words: Mapped[str] = mapped_column(String(20))  # "90 days"
    reached_on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
