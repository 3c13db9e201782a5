"""user language: the language a staff member or mentor reads the service in

Revision ID: spanish_20261209_user_language
Revises: followups_20261209_episodes
Create Date: 2026-12-09 00:10:00

One column on `users`, `interface_language` (a language code of the interface, such as
`en` or `es`; issue 18): the emails sent to the account (an invitation, a password reset,
an urgent alert) are written in it. It is the language of the page they last signed in or
chose a password on. Every existing row reads `en`, the language every email was written in
until now. Downgrading drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "spanish_20261209_user_language"
down_revision: str | None = "followups_20261209_episodes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("interface_language", sa.String(length=8), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    op.drop_column("users", "interface_language")  # SQLite 3.35+ drops in place
