"""episodes of care: a newcomer who returns after their care ended starts a new episode,
with a new follow-up baseline, under the same person

Revision ID: followups_20261209_episodes
Revises: followups_20261209_reminders
Create Date: 2026-12-09 00:20:00

One new table, `newcomer_episodes`: each reopening of a closed request (numbered from 2; the
intake began the first), when, by whom, and the day the previous episode's care ended. It
goes with its newcomer (ON DELETE CASCADE), as at erasure. Existing newcomers are all in
their first episode: no row is written for them. Downgrading drops the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "followups_20261209_episodes"
down_revision: str | None = "followups_20261209_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "newcomer_episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("previous_ended_on", sa.Date(), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_newcomer_episodes_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_newcomer_episodes_program_id_programs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["started_by"],
            ["users.id"],
            name=op.f("fk_newcomer_episodes_started_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newcomer_episodes")),
        sa.UniqueConstraint("newcomer_id", "number", name=op.f("uq_newcomer_episodes_newcomer_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_newcomer_episodes_program_id"), "newcomer_episodes", ["program_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_newcomer_episodes_program_id"), table_name="newcomer_episodes")
    op.drop_table("newcomer_episodes")
