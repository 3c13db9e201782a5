"""assessments: questionnaires defined as data (BARC-10 first) and a newcomer's answers

Revision ID: 20261207_assessments
Revises: 20261206_recovery_dates
Create Date: 2026-12-07 00:10:00

Two new tables. `instruments`: a questionnaire's definition (items, scale, scoring,
languages, who reads the answers) as JSON, with a unique code; the service writes BARC-10
there on first use (`assessments.service.SHIPPED`). `assessments`: one completed
questionnaire (the newcomer, their program, the questionnaire, every answer, the total,
the wording's language, when, and the coordinator who entered it from a call, if one
did). Answers go with their newcomer (ON DELETE CASCADE); a questionnaire with answers
cannot be removed (RESTRICT). Downgrading drops both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261207_assessments"
down_revision: str | None = "20261206_recovery_dates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("definition", mentormatch.db.JSONType, nullable=False),
        sa.Column("created_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_instruments_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruments")),
        sa.UniqueConstraint("code", name=op.f("uq_instruments_code")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("answers", mentormatch.db.JSONType, nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("taken_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_assessments_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_assessments_program_id_programs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_assessments_instrument_id_instruments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"],
            ["users.id"],
            name=op.f("fk_assessments_entered_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_assessments_newcomer_taken"), "assessments", ["newcomer_id", "taken_at"]
    )
    op.create_index(op.f("ix_assessments_program_id"), "assessments", ["program_id"])
    op.create_index(op.f("ix_assessments_instrument_id"), "assessments", ["instrument_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_assessments_instrument_id"), table_name="assessments")
    op.drop_index(op.f("ix_assessments_program_id"), table_name="assessments")
    op.drop_index(op.f("ix_assessments_newcomer_taken"), table_name="assessments")
    op.drop_table("assessments")
    op.drop_table("instruments")
