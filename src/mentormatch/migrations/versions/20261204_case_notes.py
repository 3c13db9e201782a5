"""case notes: coordinators' notes on a newcomer's case, optionally about one of their pairings

Revision ID: 20261204_case_notes
Revises: 20261204_audit_index
Create Date: 2026-12-04 00:00:00

A new table only (newcomer, pairing, author and their role, time, text). A newcomer's notes
go with them (ON DELETE CASCADE, as at erasure); a pairing or an author's account leaving
keeps the note (SET NULL). Downgrading drops the notes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261204_case_notes"
down_revision: str | None = "20261204_audit_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("written_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_case_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_case_notes_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_case_notes_pairing_id_pairings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_author_id"), "case_notes", ["author_id"])
    op.create_index(op.f("ix_case_notes_pairing_id"), "case_notes", ["pairing_id"])
    op.create_index("ix_case_notes_newcomer_written", "case_notes", ["newcomer_id", "written_at"])


def downgrade() -> None:
    op.drop_index("ix_case_notes_newcomer_written", table_name="case_notes")
    op.drop_index(op.f("ix_case_notes_pairing_id"), table_name="case_notes")
    op.drop_index(op.f("ix_case_notes_author_id"), table_name="case_notes")
    op.drop_table("case_notes")
