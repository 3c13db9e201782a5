"""Newcomer profiles, their consent records and do-not-pair entries."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from mentormatch.db import Base, JSONType, UTCDateTime, utcnow
from mentormatch.newcomers import keys
from mentormatch.references import LENGTH, new_reference


class NewcomerStatus(enum.StrEnum):
    waiting = "waiting"  # in the queue
    pending = "pending"  # a mentor is being asked
    paired = "paired"  # an active pairing
    closed = "closed"  # withdrawn or closed by a coordinator


class Newcomer(Base):
    __tablename__ = "newcomers"
    __table_args__ = (
        # The program's own id for the newcomer (a spreadsheet import matches rows by it).
        Index("uq_newcomers_external_id", "program_id", "external_id", unique=True),
        # Ids are never reused (the audit trail names them): AUTOINCREMENT on SQLite.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(LENGTH), unique=True, default=new_reference)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="RESTRICT"))
    external_id: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_contact: Mapped[str | None] = mapped_column(String(20))
    share_contact: Mapped[bool] = mapped_column(default=False)
    # gender, birth year and time zone are empty (and the lists []) only on a minimal record
    gender: Mapped[str | None] = mapped_column(String(20))
    gender_pref: Mapped[list[str]] = mapped_column(JSONType, default=list)
    birth_year: Mapped[int | None]
    languages: Mapped[list[str]] = mapped_column(JSONType)
    timezone: Mapped[str | None] = mapped_column(String(64))
    availability: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    substances: Mapped[list[str]] = mapped_column(JSONType)
    # Recovery pathways in the newcomer's order, the first their main one; [] = not said,
    # ["exploring"] = still exploring (never with another). docs/matching.md, "Pathways".
    pathways: Mapped[list[str]] = mapped_column(JSONType, default=list, server_default="[]")
    medication: Mapped[str] = mapped_column(String(20), default="none")
    meeting_modes: Mapped[list[str]] = mapped_column(JSONType)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    travel_radius_km: Mapped[float | None]
    lived_experience: Mapped[list[str]] = mapped_column(JSONType, default=list)
    wanted_experience: Mapped[list[str]] = mapped_column(JSONType, default=list)
    hopes: Mapped[str] = mapped_column(Text, default="")
    recovery_start: Mapped[date | None]
    urgent: Mapped[bool] = mapped_column(default=False)
    # The current urgent case: when it opened after intake (none: the intake's own case,
    # counted from the intake), and the last attempt to reach them recorded before it
    # (only later attempts handle it). newcomers/urgent.py holds the rule.
    urgent_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    urgent_case_after: Mapped[int] = mapped_column(default=0, server_default="0")
    # A minimal urgent request (a name and maybe a way to reach them): never matched until
    # the newcomer completes the intake through their private link.
    minimal: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The language they read the service in when they asked (issue 18): the emails sent to
    # them are written in it (an interface language, not one of `languages` they speak).
    interface_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    status: Mapped[NewcomerStatus] = mapped_column(
        Enum(NewcomerStatus, name="newcomer_status", native_enum=False, length=20),
        default=NewcomerStatus.waiting,
    )
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    # What the queue's search compares (newcomers.keys), kept in step by `_keep_keys`.
    name_key: Mapped[str] = mapped_column(
        keys.key_type(keys.NAME_LENGTH), default=keys.NAME_DEFAULT
    )
    email_key: Mapped[str | None] = mapped_column(
        keys.key_type(keys.EMAIL_LENGTH), default=keys.EMAIL_DEFAULT
    )
    phone_key: Mapped[str | None] = mapped_column(
        keys.key_type(keys.PHONE_LENGTH), default=keys.PHONE_DEFAULT
    )

    consents: Mapped[list[Consent]] = relationship(
        back_populates="newcomer", cascade="all, delete-orphan", order_by="Consent.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def pathway(self) -> str | None:
        """The main pathway: the first they gave (None when they gave none)."""
        return self.pathways[0] if self.pathways else None

    @validates("first_name", "email", "phone")
    def _keep_keys(self, name: str, value: str | None) -> str | None:
        """Each answer's search key changes with it."""
        if name == "first_name":
            self.name_key = keys.name_key(value)
        elif name == "email":
            self.email_key = keys.email_key(value)
        else:
            self.phone_key = keys.phone_key(value)
        return value


# A program's queue: urgent first, then longest waiting (newcomers.search.order),
# read straight from the index a page at a time; also counts newcomers by status.
Index(
    "ix_newcomers_queue_order",
    Newcomer.program_id,
    Newcomer.status,
    Newcomer.urgent.desc(),
    Newcomer.waiting_since,
    Newcomer.id,
)

# The search's keys, each a range within the coordinator's programs (newcomers.search).
Index("ix_newcomers_name_key", Newcomer.program_id, Newcomer.name_key)
Index("ix_newcomers_email_key", Newcomer.program_id, Newcomer.email_key)
Index("ix_newcomers_phone_key", Newcomer.program_id, Newcomer.phone_key)


class Consent(Base):
    """What a newcomer agreed to, under which version of the notice, and when."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomers.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[list[str]] = mapped_column(JSONType)
    version: Mapped[str] = mapped_column(String(20))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when a coordinator entered the consent on the person's behalf (a spreadsheet
    # import): who did, and from which file. Empty when the person gave it themself.
    # (an account id, like the audit trail's: never reused, accounts are never deleted)
    entered_by: Mapped[int | None]
    source: Mapped[str | None] = mapped_column(String(200))

    newcomer: Mapped[Newcomer] = relationship(back_populates="consents")

    @property
    def on_behalf(self) -> bool:
        """Whether a coordinator entered it on the person's behalf."""
        return self.entered_by is not None


class DoNotPair(Base):
    """A pair that must never be matched (household, workplace, cohort, a bad past pairing)."""

    __tablename__ = "do_not_pair"
    __table_args__ = (UniqueConstraint("newcomer_id", "mentor_id", name="uq_do_not_pair_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomers.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
