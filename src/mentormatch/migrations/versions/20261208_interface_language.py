"""interface language: the language a newcomer read the service in when they asked

Revision ID: 20261208_interface_language
Revises: 20261208_import_jobs
Create Date: 2026-12-08 00:10:00

One column on `newcomers`, `interface_language` (a language code of the interface, such as
`en` or `es`; issue 18): the emails sent to the newcomer are written in it. Every existing
row reads `en`, the language every page was written in until now. Downgrading drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261208_interface_language"
down_revision: str | None = "20261208_import_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "newcomers",
        sa.Column("interface_language", sa.String(length=8), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    op.drop_column("newcomers", "interface_language")  # SQLite 3.35+ drops in place
