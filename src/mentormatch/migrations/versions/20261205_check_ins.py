"""check-ins: a newcomer's "how are things?" from their status link, and urgent cases that
can open again

Revision ID: 20261205_check_ins
Revises: 20261204_fit_checks
Create Date: 2026-12-05 00:10:00

A new table `check_ins` (the newcomer and their program, the active pairing if any, when,
how things are on a 1-5 scale, whether they talked with their mentor this week, and the
danger answer). A newcomer's check-ins go with them (ON DELETE CASCADE); a pairing's end
leaves them (SET NULL). Two columns on `newcomers` let a danger answer after intake open a
new urgent case: `urgent_since` (when the current case opened; none for the intake's case,
which counts from the intake) and `urgent_case_after` (the last attempt to reach them
recorded before it: only later attempts handle it; 0 for every existing row, so every case
open or handled today stays so). Downgrading drops the check-ins and both columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261205_check_ins"
down_revision: str | None = "20261204_fit_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "newcomers", sa.Column("urgent_since", mentormatch.db.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "newcomers",
        sa.Column("urgent_case_after", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("feeling", sa.Integer(), nullable=False),
        sa.Column("talked", sa.Boolean(), nullable=True),
        sa.Column("in_danger", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_check_ins_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_check_ins_pairing_id_pairings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_check_ins_program_id_programs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_check_ins_newcomer_id"), "check_ins", ["newcomer_id", "answered_at"])
    op.create_index(op.f("ix_check_ins_program_id"), "check_ins", ["program_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_check_ins_program_id"), table_name="check_ins")
    op.drop_index(op.f("ix_check_ins_newcomer_id"), table_name="check_ins")
    op.drop_table("check_ins")
    op.drop_column("newcomers", "urgent_case_after")  # SQLite 3.35+ drops in place
    op.drop_column("newcomers", "urgent_since")
