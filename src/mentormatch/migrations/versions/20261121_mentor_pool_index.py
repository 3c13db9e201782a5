"""mentor pool index: (id, version), for the ranker cache's fingerprint

Revision ID: 20261121_mentor_pool_index
Revises: 20261121_outbox
Create Date: 2026-11-21 22:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261121_mentor_pool_index"
down_revision: str | None = "20261121_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_mentors_pool_state", "mentors", ["id", "version"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mentors_pool_state", table_name="mentors")
