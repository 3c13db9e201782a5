"""account tokens: single-use invitation and password-reset links

Revision ID: 20261203_account_tokens
Revises: 20261203_minimal_intake
Create Date: 2026-12-03 01:00:00

A new mentor (or staff member) is invited by a link through the outbox and sets their
own password; anyone who forgot theirs asks for a reset link. Each link holds a random
token; the table keeps only its SHA-256, the purpose, the account, when it expires and
when it was used (once).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "20261203_account_tokens"
down_revision: str | None = "20261203_minimal_intake"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum("invitation", "reset", name="token_purpose", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", mentormatch.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_tokens_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_tokens_user_id"))
    op.drop_table("account_tokens")
