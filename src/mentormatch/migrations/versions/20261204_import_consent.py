"""import consent: spreadsheet imports — consent entered on a person's behalf, external ids,
uploads kept between preview and import

Revision ID: 20261204_import_consent
Revises: 20261204_newcomer_search
Create Date: 2026-12-04 00:00:00

A consent gains who entered it on the person's behalf (an account id) and from which
file; both empty for every consent given by the person themself (all existing rows).
Mentors and newcomers gain the program's own id for them (`external_id`, empty for
existing rows; unique within a program). New table `import_uploads`. Only nullable
columns and indexes are added, so no table is rebuilt (the mentors table's triggers
stay). Downgrading drops the columns, indexes and table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261204_import_consent"
down_revision: str | None = "20261204_newcomer_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("consents", sa.Column("entered_by", sa.Integer(), nullable=True))
    op.add_column("consents", sa.Column("source", sa.String(length=200), nullable=True))
    for table in ("mentors", "newcomers"):
        op.add_column(table, sa.Column("external_id", sa.String(length=64), nullable=True))
        op.create_index(
            f"uq_{table}_external_id", table, ["program_id", "external_id"], unique=True
        )
    op.create_table(
        "import_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("mapping", mentormatch.db.JSONType, nullable=False),
        sa.Column("created_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_import_uploads_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_import_uploads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_uploads")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_import_uploads_key_hash")),
    )
    op.create_index(op.f("ix_import_uploads_user_id"), "import_uploads", ["user_id"])
    op.create_index(op.f("ix_import_uploads_created_at"), "import_uploads", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_uploads_created_at"), table_name="import_uploads")
    op.drop_index(op.f("ix_import_uploads_user_id"), table_name="import_uploads")
    op.drop_table("import_uploads")
    for table in ("newcomers", "mentors"):
        op.drop_index(f"uq_{table}_external_id", table_name=table)
        op.drop_column(table, "external_id")  # SQLite 3.35+ drops in place: triggers stay
    op.drop_column("consents", "source")
    op.drop_column("consents", "entered_by")
