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


def _items(create_sql: str) -> list[str]:
    """The column and constraint definitions of a CREATE TABLE, split at top-level commas."""
    body = create_sql[create_sql.index("(") + 1 : create_sql.rindex(")")]
    items, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(body[start:i].strip())
            start = i + 1
    items.append(body[start:].strip())
    return [item for item in items if item]


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


def _rebuild(
    conn: Connection, table: str, items: list[str], columns: list[str], *, refs: bool = False
) -> None:
    """SQLite's table rebuild: a copy with the new definition replaces the table, then its
    indexes and triggers are created again (foreign keys are off: see migrations/env.py).
    With `refs`, the copy's `reference` column comes from the temporary table `_refs`."""
    kept = conn.execute(
        sa.text(
            "SELECT sql FROM sqlite_master WHERE tbl_name = :t AND type IN ('index', 'trigger')"
            " AND sql IS NOT NULL"
        ),
        {"t": table},
    )
    kept_sql = list(kept.scalars())
    new = f"_new_{table}"
    conn.exec_driver_sql(f"CREATE TABLE {new} (\n\t" + ", \n\t".join(items) + "\n)")
    copied = [f"o.{c}" for c in columns]
    source = f"FROM {table} o"
    if refs:
        columns, copied = [*columns, "reference"], [*copied, "r.reference"]
        source += " JOIN _refs r ON r.id = o.id"
    conn.exec_driver_sql(
        f"INSERT INTO {new} ({', '.join(columns)}) SELECT {', '.join(copied)} {source}"
    )
    conn.exec_driver_sql(f"DROP TABLE {table}")
    conn.exec_driver_sql(f"ALTER TABLE {new} RENAME TO {table}")
    for sql in kept_sql:
        conn.exec_driver_sql(sql)


def _columns(conn: Connection, table: str) -> list[str]:
    return [row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")]


def _sqlite_upgrade(conn: Connection) -> None:
    for table in NEVER_REUSED:
        create_sql = conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
            {"t": table},
        ).scalar_one()
        items = _items(create_sql)
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
        _rebuild(conn, table, items, _columns(conn, table), refs=refs)
        if refs:
            conn.exec_driver_sql("DROP TABLE _refs")
        conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        conn.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"),
            {"t": table, "seq": _highest_named(conn, table)},
        )


def _sqlite_downgrade(conn: Connection) -> None:
    for table in NEVER_REUSED:
        create_sql = conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
            {"t": table},
        ).scalar_one()
        items = _items(create_sql)
        items[items.index(ID_AUTOINCREMENT)] = ID_PLAIN
        items = [i for i in items if i not in (REFERENCE_COLUMN, _unique(table))]
        constraints = [n for n, item in enumerate(items) if item.startswith("CONSTRAINT")]
        items.insert(constraints[0] if constraints else len(items), _primary_key(table))
        columns = [c for c in _columns(conn, table) if c != "reference"]
        _rebuild(conn, table, items, columns)


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
