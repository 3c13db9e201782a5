"""queue indexes: the coordinators' queue order, pairings by status

Revision ID: 20261122_queue_indexes
Revises: 20261121_mentor_pool_index
Create Date: 2026-11-22 00:10:00

Found by the load test: each queue page sorted every waiting newcomer's id (the old
index, ascending on `urgent`, could not give "urgent first"); a pairings page filtered
by status scanned the table backwards from the newest id; the mentors' loads, read before
every suggestion, scanned every pairing. `ix_newcomers_queue_order` replaces
`ix_newcomers_queue` (it also serves counting by status).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261122_queue_indexes"
down_revision: str | None = "20261121_mentor_pool_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_newcomers_queue_order",
        "newcomers",
        ["status", sa.text("urgent DESC"), "waiting_since", "id"],
        unique=False,
    )
    op.drop_index("ix_newcomers_queue", table_name="newcomers")
    op.create_index("ix_pairings_status_id", "pairings", ["status", "id"], unique=False)
    op.create_index("ix_pairings_status_mentor", "pairings", ["status", "mentor_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pairings_status_mentor", table_name="pairings")
    op.drop_index("ix_pairings_status_id", table_name="pairings")
    op.create_index(
        "ix_newcomers_queue", "newcomers", ["status", "urgent", "waiting_since"], unique=False
    )
    op.drop_index("ix_newcomers_queue_order", table_name="newcomers")
