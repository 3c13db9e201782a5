"""import jobs: an import under way and what it did, for the page showing its progress

Revision ID: 20261208_import_jobs
Revises: 20261208_import_mappings
Create Date: 2026-12-08 00:10:00

A new table `import_jobs`: who started an import (the job goes with their account) into
which program (and with it), from which upload (SET NULL once the upload is deleted), its
state (checking, writing, done, failed), rows in the file and rows checked so far, what it
did (added, updated, unchanged) or why it failed (the file's problems, or a sentence), and
when it started, last moved and finished. No existing table changes. Downgrading drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261208_import_jobs"
down_revision: str | None = "20261208_import_mappings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("problems", mentormatch.db.JSONType, nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("started_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", mentormatch.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_import_jobs_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["import_uploads.id"],
            name=op.f("fk_import_jobs_upload_id_import_uploads"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_import_jobs_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_import_jobs_key_hash")),
    )
    op.create_index(op.f("ix_import_jobs_user_id"), "import_jobs", ["user_id"])
    op.create_index(op.f("ix_import_jobs_started_at"), "import_jobs", ["started_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_jobs_started_at"), table_name="import_jobs")
    op.drop_index(op.f("ix_import_jobs_user_id"), table_name="import_jobs")
    op.drop_table("import_jobs")
