"""ids and references: ids are never reused; newcomers and pairings get public references

Revision ID: 20261203_ids_and_references
Revises: 20261203_account_tokens
Create Date: 2026-12-03 01:00:00

The audit trail names users, mentors, newcomers and pairings by id. SQLite's plain
INTEGER PRIMARY KEY hands the largest id out again once that row is deleted (an erased
newcomer's id went to the next person, and the old audit rows then described them), so
on SQLite these tables are rebuilt with AUTOINCREMENT, keeping their indexes, triggers,
checks and foreign keys, and each table's sequence starts above every id the audit trail
names. PostgreSQL sequences never go back; nothing to do there.

Newcomers and pairings get a `reference`: eight random characters people see instead of
an id that counts records; existing rows get one here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from mentormatch import sqlite_tables
from mentormatch.references import LENGTH, new_reference

revision: str = "20261203_ids_and_references"
down_revision: str | None = "20261203_account_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each table whose ids the audit trail names: the audit object type, and the actor roles
# whose actor_id is one of its ids.
NEVER_REUSED = {
    "users": ("user", ("admin", "coordinator", "mentor")),
    "mentors": ("mentor", ()),
    "newcomers": ("newcomer", ("newcomer",)),
    "pairings": ("pairing", ()),
}
WITH_REFERENCE = ("newcomers", "pairings")
ID_PLAIN = "id INTEGER NOT NULL"
ID_AUTOINCREMENT = "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"
REFERENCE_COLUMN = f"reference VARCHAR({LENGTH}) NOT NULL"


def _unique(table: str) -> str:
    return f"CONSTRAINT uq_{table}_reference UNIQUE (reference)"


def _primary_key(table: str) -> str:
    return f"CONSTRAINT pk_{table} PRIMARY KEY (id)"


def _references(conn: Connection, table: str) -> list[dict[str, object]]:
    """A distinct new reference for every row of `table`."""
    ids = conn.execute(sa.text(f"SELECT id FROM {table}")).scalars().all()
    refs: set[str] = set()
    while len(refs) < len(ids):
        refs.add(new_reference())
    return [{"id": i, "reference": r} for i, r in zip(ids, sorted(refs), strict=True)]


def _highest_named(conn: Connection, table: str) -> int:
    """The largest id of `table` that exists or that the audit trail names."""
    object_type, roles = NEVER_REUSED[table]
    queries = [
        f"SELECT max(id) FROM {table}",
        f"SELECT max(object_id) FROM audit_events WHERE object_type = '{object_type}'",
    ]
    if roles:
        listed = ", ".join(f"'{role}'" for role in roles)
        queries.append(f"SELECT max(actor_id) FROM audit_events WHERE actor_role IN ({listed})")
        queries.append(f"SELECT max(actor_id) FROM pairing_events WHERE actor_role IN ({listed})")
    return max((conn.execute(sa.text(q)).scalar() or 0) for q in queries)


def _sqlite_upgrade(conn: Connection) -> None:
    for table in NEVER_REUSED:
        create_sql = sqlite_tables.create_sql(conn, table)
        items = sqlite_tables.items(create_sql)
        if ID_PLAIN not in items or _primary_key(table) not in items:
            raise RuntimeError(f"{table}: unexpected definition, not rebuilt:\n{create_sql}")
        items.remove(_primary_key(table))
        items[items.index(ID_PLAIN)] = ID_AUTOINCREMENT
        refs = table in WITH_REFERENCE
        if refs:
            items.insert(1, REFERENCE_COLUMN)
            items.append(_unique(table))
            conn.exec_driver_sql("CREATE TEMP TABLE _refs (id INTEGER PRIMARY KEY, reference TEXT)")
            rows = _references(conn, table)
            if rows:
                conn.execute(sa.text("INSERT INTO _refs VALUES (:id, :reference)"), rows)
        extra = ("reference", "r.reference", "JOIN _refs r ON r.id = o.id") if refs else None
        sqlite_tables.rebuild(conn, table, items, sqlite_tables.columns(conn, table), extra=extra)
        if refs:
            conn.exec_driver_sql("DROP TABLE _refs")
        conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        conn.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"),
            {"t": table, "seq": _highest_named(conn, table)},
        )


def _sqlite_downgrade(conn: Connection) -> None:
    for table in NEVER_REUSED:
        create_sql = sqlite_tables.create_sql(conn, table)
        items = sqlite_tables.items(create_sql)
        items[items.index(ID_AUTOINCREMENT)] = ID_PLAIN
        items = [i for i in items if i not in (REFERENCE_COLUMN, _unique(table))]
        constraints = [n for n, item in enumerate(items) if item.startswith("CONSTRAINT")]
        items.insert(constraints[0] if constraints else len(items), _primary_key(table))
        columns = [c for c in sqlite_tables.columns(conn, table) if c != "reference"]
        sqlite_tables.rebuild(conn, table, items, columns)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _sqlite_upgrade(conn)
        return
    for table in WITH_REFERENCE:
        op.add_column(table, sa.Column("reference", sa.String(length=LENGTH), nullable=True))
        rows = _references(conn, table)
        if rows:
            conn.execute(sa.text(f"UPDATE {table} SET reference = :reference WHERE id = :id"), rows)
        op.alter_column(table, "reference", nullable=False)
        op.create_unique_constraint(f"uq_{table}_reference", table, ["reference"])


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _sqlite_downgrade(conn)
        return
    for table in WITH_REFERENCE:
        op.drop_constraint(f"uq_{table}_reference", table, type_="unique")
        op.drop_column(table, "reference")
