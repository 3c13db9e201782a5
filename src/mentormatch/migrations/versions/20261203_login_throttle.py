"""login throttle: failed sign-ins per (account, client) in a table every worker sees

Revision ID: 20261203_login_throttle
Revises: 20261122_mentor_pool_version
Create Date: 2026-12-03 01:00:00

`login_failures` replaces the per-account lock (`users.failed_logins`,
`users.locked_until_at`), which let a stranger keep anyone out, and the per-client
counter each worker kept in memory. Upgrading forgets locks in progress (they lasted at
most five minutes); downgrading forgets the recorded failures.

The columns are dropped with SQLite's own `ALTER TABLE … DROP COLUMN` (3.35+), not by
copying the table: dropping `users` to copy it would cascade to its sessions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261203_login_throttle"
down_revision: str | None = "20261122_mentor_pool_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failed_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_account_client", "login_failures", ["account", "client"])
    op.create_index("ix_login_failures_client_failed_at", "login_failures", ["client", "failed_at"])
    op.create_index("ix_login_failures_failed_at", "login_failures", ["failed_at"])
    op.drop_column("users", "locked_until_at")
    op.drop_column("users", "failed_logins")


def downgrade() -> None:
    op.add_column(
        "users",
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("users", sa.Column("locked_until_at", mentormatch.db.UTCDateTime()))
    op.drop_index("ix_login_failures_failed_at", table_name="login_failures")
    op.drop_index("ix_login_failures_client_failed_at", table_name="login_failures")
    op.drop_index("ix_login_failures_account_client", table_name="login_failures")
    op.drop_table("login_failures")
