"""contacts: each contact a mentor logs on an active pairing

Revision ID: 20261204_contacts
Revises: 20261203_programs
Create Date: 2026-12-04 00:00:00

A new table only (`pairing_contacts`: the pairing and its program, who logged it, the day,
how, roughly how long, a note for coordinators). A pairing's contacts go with it (ON
DELETE CASCADE, so with the newcomer too); the mentor's account leaving keeps them (SET
NULL). Downgrading drops the logged contacts.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261204_contacts"
down_revision: str | None = "20261203_programs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pairing_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("logged_by", sa.Integer(), nullable=True),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "in_person",
                "video",
                "phone",
                "text",
                name="contact_mode",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_pairing_contacts_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_pairing_contacts_program_id_programs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["logged_by"],
            ["users.id"],
            name=op.f("fk_pairing_contacts_logged_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_contacts")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_pairing_contacts_pairing_day", "pairing_contacts", ["pairing_id", "contacted_on"]
    )
    op.create_index(op.f("ix_pairing_contacts_program_id"), "pairing_contacts", ["program_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pairing_contacts_program_id"), table_name="pairing_contacts")
    op.drop_index("ix_pairing_contacts_pairing_day", table_name="pairing_contacts")
    op.drop_table("pairing_contacts")
