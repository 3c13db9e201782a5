"""urgent contacts: each attempt by a coordinator to reach a newcomer in an urgent case

Revision ID: 20261203_urgent_contacts
Revises: 20261203_ids_and_references
Create Date: 2026-12-03 02:00:00

A new table only (who, when, outcome, whether it handled the case, a note); a newcomer's
rows go with them (ON DELETE CASCADE), a coordinator's account leaving keeps the rows
(SET NULL). Downgrading drops the recorded attempts.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261203_urgent_contacts"
down_revision: str | None = "20261203_ids_and_references"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "urgent_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("contacted_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "reached",
                "no_answer",
                "left_message",
                "referred",
                "other",
                name="urgent_outcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("handled", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["users.id"],
            name=op.f("fk_urgent_contacts_coordinator_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_urgent_contacts_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urgent_contacts")),
    )
    op.create_index(
        op.f("ix_urgent_contacts_coordinator_id"), "urgent_contacts", ["coordinator_id"]
    )
    op.create_index(op.f("ix_urgent_contacts_newcomer_id"), "urgent_contacts", ["newcomer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_urgent_contacts_newcomer_id"), table_name="urgent_contacts")
    op.drop_index(op.f("ix_urgent_contacts_coordinator_id"), table_name="urgent_contacts")
    op.drop_table("urgent_contacts")
