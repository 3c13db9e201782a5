"""follow-up reminders: one row per reminder sent to a newcomer about a follow-up window

Revision ID: followups_20261209_reminders
Revises: learn_20261209_learned_weights
Create Date: 2026-12-09 00:10:00

One new table, `followup_reminders`: a reminder sent (through the outbox) to a newcomer when
a follow-up window opened, or once more before it closes; one per newcomer, episode, window
and kind, so the daily job sends nothing twice. It goes with its newcomer (ON DELETE
CASCADE), as at erasure. Downgrading drops it; nothing else changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "followups_20261209_reminders"
down_revision: str | None = "learn_20261209_learned_weights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "followup_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("window_name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_followup_reminders_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_followup_reminders_program_id_programs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_reminders")),
        sa.UniqueConstraint(
            "newcomer_id",
            "episode",
            "window_name",
            "kind",
            name=op.f("uq_followup_reminders_newcomer_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_followup_reminders_program_id"), "followup_reminders", ["program_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_followup_reminders_program_id"), table_name="followup_reminders")
    op.drop_table("followup_reminders")
