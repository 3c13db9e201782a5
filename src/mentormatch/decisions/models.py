"""Shown lists, the decisions taken on them, and the weight proposals learned from them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.db import Base, JSONType, UTCDateTime, utcnow


class ShownList(Base):
    """One ranked list of suggestions a coordinator saw for a newcomer: each mentor with
    their rank, score and criterion values, and the weights in force. Goes with the
    newcomer (erasure: ON DELETE CASCADE)."""

    __tablename__ = "shown_lists"
    __table_args__ = (
        Index("ix_shown_lists_newcomer_id_id", "newcomer_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # [{"mentor_id", "rank", "score", "components": {criterion: value}}], best first
    mentors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    weights: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)


class MatchDecision(Base):
    """A decision on a shown list: approved, rejected, accepted, declined, ended_early or
    not_a_fit (`learning.KINDS`), with its reason and whether it teaches the weights."""

    __tablename__ = "match_decisions"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    shown_list_id: Mapped[int] = mapped_column(
        ForeignKey("shown_lists.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairings.id", ondelete="SET NULL"), index=True
    )
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentors.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))
    teaches: Mapped[bool] = mapped_column(Boolean)
    # the decided pair's criterion values (it may not be among those shown)
    components: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    actor_role: Mapped[str] = mapped_column(String(20))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WeightProposal(Base):
    """Weights learned from a program's decisions, shown beside those in force; an admin
    adopts (through the settings-change record) or dismisses it, never the service."""

    __tablename__ = "weight_proposals"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    weights: Mapped[dict[str, float]] = mapped_column(JSONType)
    std: Mapped[dict[str, float]] = mapped_column(JSONType)
    current: Mapped[dict[str, float]] = mapped_column(JSONType)
    decisions: Mapped[int] = mapped_column(Integer)
    held_out: Mapped[int] = mapped_column(Integer)
    # {"current": {"ndcg", "mean_rank"}, "proposed": {...}} on the held-out decisions
    comparison: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # what it was learned from, e.g. ["approved", "rejected", "declined"]
    labels: Mapped[list[str]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open/adopted/dismissed
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
