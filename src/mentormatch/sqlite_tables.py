"""SQLite table rebuilds for migrations: SQLite cannot alter a column, key or constraint in
place, so a copy with the new definition replaces the table (foreign keys are off during
migrations: see migrations/env.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def create_sql(conn: Connection, table: str) -> str:
    """The table's CREATE TABLE statement as SQLite holds it."""
    return conn.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    ).scalar_one()


def items(sql: str) -> list[str]:
    """The column and constraint definitions of a CREATE TABLE, split at top-level commas."""
    body = sql[sql.index("(") + 1 : sql.rindex(")")]
    found, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            found.append(body[start:i].strip())
            start = i + 1
    found.append(body[start:].strip())
    return [item for item in found if item]


def columns(conn: Connection, table: str) -> list[str]:
    return [row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")]


def rebuild(
    conn: Connection,
    table: str,
    definition: list[str],
    copied: list[str],
    *,
    extra: tuple[str, str, str] | None = None,
) -> None:
    """Replace `table` by a copy made with `definition` (column and constraint items),
    copying the `copied` columns, then create its indexes and triggers again and keep its
    AUTOINCREMENT counter (ids are never reused, even those only the audit trail names).
    `extra` = (column, expression, join): one more column filled from a joined table
    aliased `r`, e.g. ("reference", "r.reference", "JOIN _refs r ON r.id = o.id")."""
    kept = conn.execute(
        sa.text(
            "SELECT sql FROM sqlite_master WHERE tbl_name = :t AND type IN ('index', 'trigger')"
            " AND sql IS NOT NULL"
        ),
        {"t": table},
    )
    kept_sql = list(kept.scalars())
    counted = conn.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'"
    ).scalar()
    sequence = (
        conn.execute(
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}
        ).scalar()
        if counted
        else None
    )
    new = f"_new_{table}"
    conn.exec_driver_sql(f"CREATE TABLE {new} (\n\t" + ", \n\t".join(definition) + "\n)")
    names, values = list(copied), [f"o.{c}" for c in copied]
    source = f"FROM {table} o"
    if extra is not None:
        names, values = [*names, extra[0]], [*values, extra[1]]
        source += f" {extra[2]}"
    conn.exec_driver_sql(
        f"INSERT INTO {new} ({', '.join(names)}) SELECT {', '.join(values)} {source}"
    )
    conn.exec_driver_sql(f"DROP TABLE {table}")
    conn.exec_driver_sql(f"ALTER TABLE {new} RENAME TO {table}")
    for sql in kept_sql:
        conn.exec_driver_sql(sql)
    if sequence is not None:
        conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        conn.execute(
            sa.text(
                "INSERT INTO sqlite_sequence (name, seq)"
                f" SELECT :t, max(:seq, coalesce((SELECT max(id) FROM {table}), 0))"
            ),
            {"t": table, "seq": sequence},
        )
