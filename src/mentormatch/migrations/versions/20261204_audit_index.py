"""audit indexes: the admin's search of the trail by who and by action

Revision ID: 20261204_audit_index
Revises: 20261204_quiet
Create Date: 2026-12-04 00:00:00

The admin's audit page filters by actor (role and account) and by action, newest first:
without these, each such search on a large trail read every row of it. Filtering by record
uses `ix_audit_events_object`, by date `ix_audit_events_at`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261204_audit_index"
down_revision: str | None = "20261204_quiet"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_events_actor", "audit_events", ["actor_role", "actor_id", "at"], unique=False
    )
    op.create_index("ix_audit_events_action", "audit_events", ["action", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_events_action", table_name="audit_events")
    op.drop_index("ix_audit_events_actor", table_name="audit_events")
