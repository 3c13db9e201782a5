"""newcomer search: stored search keys for the queue's search, each with its index

Revision ID: 20261204_newcomer_search
Revises: 20261204_case_notes
Create Date: 2026-12-04 00:00:00

`newcomers.name_key`, `email_key` and `phone_key` hold the first name, email and phone as
the queue's search compares them (`newcomers.keys`: case and accents folded, the phone's
digits last first), filled here for every existing newcomer by the same functions the
application uses. Each has an index starting with the program, and compares byte by byte
(PostgreSQL: collation "C"), so a prefix is one range of it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mentormatch.newcomers import keys

revision: str = "20261204_newcomer_search"
down_revision: str | None = "20261204_case_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "name_key": keys.NAME_LENGTH,
    "email_key": keys.EMAIL_LENGTH,
    "phone_key": keys.PHONE_LENGTH,
}
BATCH = 1000


def _fill(conn: sa.engine.Connection) -> None:
    """Every existing newcomer's keys, from their answers, a batch of ids at a time."""
    table = sa.table(
        "newcomers",
        sa.column("id"),
        sa.column("first_name"),
        sa.column("email"),
        sa.column("phone"),
        *(sa.column(name) for name in COLUMNS),
    )
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(
            name_key=sa.bindparam("name"),
            email_key=sa.bindparam("email_k"),
            phone_key=sa.bindparam("phone_k"),
        )
    )
    last = 0
    while batch := conn.execute(
        sa.select(table.c.id, table.c.first_name, table.c.email, table.c.phone)
        .where(table.c.id > last)
        .order_by(table.c.id)
        .limit(BATCH)
    ).all():
        conn.execute(
            update,
            [
                {
                    "row_id": row.id,
                    "name": keys.name_key(row.first_name),
                    "email_k": keys.email_key(row.email),
                    "phone_k": keys.phone_key(row.phone),
                }
                for row in batch
            ],
        )
        last = batch[-1].id


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    for name, length in COLUMNS.items():
        type_ = sa.String(length) if sqlite else sa.String(length, collation="C")
        # SQLite adds a NOT NULL column only with a default; every row gets its key below.
        not_null = sqlite and name == "name_key"
        default = sa.text("''") if not_null else None
        op.add_column(
            "newcomers", sa.Column(name, type_, nullable=not not_null, server_default=default)
        )
    _fill(conn)
    if not sqlite:
        op.alter_column("newcomers", "name_key", nullable=False)
    for name in COLUMNS:
        op.create_index(f"ix_newcomers_{name}", "newcomers", ["program_id", name])


def downgrade() -> None:
    for name in COLUMNS:
        op.drop_index(f"ix_newcomers_{name}", table_name="newcomers")
    conn = op.get_bind()
    for name in COLUMNS:  # SQLite (3.35 and later) drops an unindexed column in place
        conn.exec_driver_sql(f"ALTER TABLE newcomers DROP COLUMN {name}")
