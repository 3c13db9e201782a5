"""quiet pairings: each reminder and escalation sent for a quiet pairing

Revision ID: 20261204_quiet
Revises: 20261204_contacts
Create Date: 2026-12-04 00:10:00

A new table only (`pairing_nudges`: the pairing and its program, reminder or escalation,
the day the silence began, the setting in force, when). One row per pairing, kind and
silence (unique), which is what keeps the job from sending anything twice. A pairing's
rows go with it (ON DELETE CASCADE). Downgrading drops the record of what was sent.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261204_quiet"
down_revision: str | None = "20261204_contacts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pairing_nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "quiet_reminder",
                "quiet_escalation",
                name="nudge_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("quiet_since", sa.Date(), nullable=False),
        sa.Column("after_days", sa.Integer(), nullable=False),
        sa.Column("at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_pairing_nudges_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_pairing_nudges_program_id_programs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_nudges")),
        sa.UniqueConstraint(
            "pairing_id", "kind", "quiet_since", name=op.f("uq_pairing_nudges_pairing_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_pairing_nudges_program_id"), "pairing_nudges", ["program_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pairing_nudges_program_id"), table_name="pairing_nudges")
    op.drop_table("pairing_nudges")
