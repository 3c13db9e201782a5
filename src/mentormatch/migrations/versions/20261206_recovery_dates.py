"""earlier recovery dates and milestone notes: a newcomer starts again without losing their
past, and gets a short note on milestone days if they asked for one

Revision ID: 20261206_recovery_dates
Revises: 20261205_check_ins
Create Date: 2026-12-06 00:10:00

Two new tables. `earlier_recovery_dates`: a recovery start date the newcomer replaced when
they started again, with when; kept for them alone. `milestone_messages`: the note sent on a
newcomer's milestone day, one per newcomer and day (the job that sends them is idempotent).
Both go with their newcomer (ON DELETE CASCADE), as at erasure. Downgrading drops both; the
newcomers' current recovery dates are theirs and stay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261206_recovery_dates"
down_revision: str | None = "20261205_check_ins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "earlier_recovery_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("replaced_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_earlier_recovery_dates_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_earlier_recovery_dates")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_earlier_recovery_dates_newcomer_id"),
        "earlier_recovery_dates",
        ["newcomer_id", "id"],
    )
    op.create_table(
        "milestone_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("words", sa.String(length=20), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=False),
        sa.Column("at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_milestone_messages_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_milestone_messages_program_id_programs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_messages")),
        sa.UniqueConstraint(
            "newcomer_id", "reached_on", name=op.f("uq_milestone_messages_newcomer_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_milestone_messages_program_id"), "milestone_messages", ["program_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_milestone_messages_program_id"), table_name="milestone_messages")
    op.drop_table("milestone_messages")
    op.drop_index(
        op.f("ix_earlier_recovery_dates_newcomer_id"), table_name="earlier_recovery_dates"
    )
    op.drop_table("earlier_recovery_dates")
