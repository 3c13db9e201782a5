"""import mappings: a program's saved choice of how the columns of a file are read

Revision ID: 20261208_import_mappings
Revises: 20261207_assessments
Create Date: 2026-12-08 00:00:00

A new table `import_mappings`: per program, kind of file (mentors or newcomers) and set of
headers (their SHA-256), the field a coordinator chose for each column where it differs from
the one its header names; who saved it (SET NULL when the account goes) and when. It goes
with its program (ON DELETE CASCADE). No existing table changes. Downgrading drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261208_import_mappings"
down_revision: str | None = "20261207_assessments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("headers_hash", sa.String(length=64), nullable=False),
        sa.Column("mapping", mentormatch.db.JSONType, nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("saved_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_import_mappings_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by"],
            ["users.id"],
            name=op.f("fk_import_mappings_saved_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint(
            "program_id", "kind", "headers_hash", name=op.f("uq_import_mappings_headers")
        ),
    )


def downgrade() -> None:
    op.drop_table("import_mappings")
