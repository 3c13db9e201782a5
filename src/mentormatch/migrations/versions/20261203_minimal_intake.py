"""minimal intake: a newcomer in danger may send only a name and a way to reach them

Revision ID: 20261203_minimal_intake
Revises: 20261203_login_throttle
Create Date: 2026-12-03 01:00:00

`newcomers.gender`, `birth_year` and `timezone` become nullable (a minimal urgent request
has none of them; its lists are empty) and `newcomers.minimal` marks such a record, which
is never matched until the newcomer completes the intake.

SQLite cannot drop NOT NULL in place: the table is rebuilt from its own CREATE TABLE text
with those three NOT NULLs removed (so AUTOINCREMENT, checks and foreign keys stay as they
are), then its indexes are created again; foreign keys are off meanwhile (migrations/env.py).
A downgrade is refused while a minimal record exists: it has no answers to put back.
"""

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision: str = "20261203_minimal_intake"
down_revision: str | None = "20261203_login_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NULLABLE: dict[str, sa.types.TypeEngine[Any]] = {
    "gender": sa.String(length=20),
    "birth_year": sa.Integer(),
    "timezone": sa.String(64),
}


def _sqlite_set_not_null(conn: Connection, *, not_null: bool) -> None:
    """Rebuild `newcomers` with the NULLABLE columns NOT NULL (or not), keeping all else."""
    create_sql = conn.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'newcomers'")
    ).scalar_one()
    new_sql = create_sql
    for column in NULLABLE:
        pattern = re.compile(rf"(\n\s*\"?{column}\"?\s+[A-Z]+(?:\(\d+\))?)( NOT NULL)?(?=\s*,)")
        found = pattern.search(new_sql)
        if found is None:
            raise RuntimeError(f"newcomers.{column}: unexpected definition:\n{create_sql}")
        new_sql = pattern.sub(lambda m: m.group(1) + (" NOT NULL" if not_null else ""), new_sql)
    new_sql = re.sub(r"^CREATE TABLE \"?newcomers\"?", "CREATE TABLE _new_newcomers", new_sql)
    indexes = conn.execute(
        sa.text(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'newcomers'"
            " AND type IN ('index', 'trigger') AND sql IS NOT NULL"
        )
    ).scalars()
    kept = list(indexes)
    columns = ", ".join(row[1] for row in conn.exec_driver_sql("PRAGMA table_info(newcomers)"))
    conn.exec_driver_sql(new_sql)
    conn.exec_driver_sql(f"INSERT INTO _new_newcomers ({columns}) SELECT {columns} FROM newcomers")
    conn.exec_driver_sql("DROP TABLE newcomers")
    conn.exec_driver_sql("ALTER TABLE _new_newcomers RENAME TO newcomers")
    for sql in kept:
        conn.exec_driver_sql(sql)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _sqlite_set_not_null(conn, not_null=False)
        conn.exec_driver_sql("ALTER TABLE newcomers ADD COLUMN minimal BOOLEAN DEFAULT 0 NOT NULL")
        return
    for column, type_ in NULLABLE.items():
        op.alter_column("newcomers", column, existing_type=type_, nullable=True)
    op.add_column(
        "newcomers",
        sa.Column("minimal", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    conn = op.get_bind()
    count = conn.execute(sa.text("SELECT count(*) FROM newcomers WHERE minimal")).scalar()
    if count:
        raise RuntimeError(
            f"{count} minimal urgent request(s) have no answers to keep once these columns are "
            "required again; complete or erase them before downgrading"
        )
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("ALTER TABLE newcomers DROP COLUMN minimal")
        _sqlite_set_not_null(conn, not_null=True)
        return
    op.drop_column("newcomers", "minimal")
    for column, type_ in NULLABLE.items():
        op.alter_column("newcomers", column, existing_type=type_, nullable=False)
