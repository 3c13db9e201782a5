"""fit checks: each side's answer to the first-meeting "is this a good fit?"

Revision ID: 20261204_fit_checks
Revises: 20261204_import_consent
Create Date: 2026-12-04 00:40:00

A new table only (`fit_checks`: the pairing and its program, the side that answered, the
answer, an optional word, when; when and by whom a coordinator kept the pairing after a
"not a fit"), one answer per pairing and side (unique). A pairing's answers go with it (ON
DELETE CASCADE); a coordinator's account leaves them (SET NULL). Downgrading drops the
answers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261204_fit_checks"
down_revision: str | None = "20261204_import_consent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fit_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "good_fit",
                "not_sure",
                "not_a_fit",
                name="fit_answer",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("word", sa.Text(), nullable=True),
        sa.Column("answered_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("kept_at", mentormatch.db.UTCDateTime(), nullable=True),
        sa.Column("kept_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_fit_checks_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kept_by"],
            ["users.id"],
            name=op.f("fk_fit_checks_kept_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_fit_checks_program_id_programs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fit_checks")),
        sa.UniqueConstraint("pairing_id", "side", name=op.f("uq_fit_checks_pairing_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_fit_checks_program_id"), "fit_checks", ["program_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_fit_checks_program_id"), table_name="fit_checks")
    op.drop_table("fit_checks")
