"""programs: every newcomer, mentor, pairing and message belongs to a program

Revision ID: 20261203_programs
Revises: 20261203_urgent_contacts
Create Date: 2026-12-03 06:00:00

Creates `programs` (with the default program, id 1, slug "main"), `program_coordinators`
(every existing coordinator joins the default program) and `program_setting_changes`.
Newcomers, mentors and pairings get a required `program_id`, outbox messages an optional
one (account messages belong to no program); every existing row moves to the default
program. The queue and ranker indexes lead with the program. Downgrading keeps every
person and pairing and forgets their programs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

import mentormatch.db
from mentormatch import sqlite_tables

revision: str = "20261203_programs"
down_revision: str | None = "20261203_urgent_contacts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REQUIRED = ("newcomers", "mentors", "pairings")
ACCOUNT_MESSAGES = ("invitation", "reset")


def _fk(table: str) -> str:
    return f"fk_{table}_program_id_programs"


def _create_tables(conn: Connection) -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("settings", mentormatch.db.JSONType, nullable=False),
        sa.Column("settings_version", sa.Integer(), nullable=False),
        sa.Column("archived_at", mentormatch.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("slug", name=op.f("uq_programs_slug")),
        sqlite_autoincrement=True,
    )
    now = mentormatch.db.utcnow()
    programs = sa.table(
        "programs",
        sa.column("id"),
        sa.column("slug"),
        sa.column("name"),
        sa.column("settings", mentormatch.db.JSONType),
        sa.column("settings_version"),
        sa.column("created_at", mentormatch.db.UTCDateTime()),
        sa.column("updated_at", mentormatch.db.UTCDateTime()),
    )
    conn.execute(
        programs.insert(),
        [
            {
                "id": 1,
                "slug": "main",
                "name": "Main program",
                "settings": {},
                "settings_version": 1,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('programs', 'id'), 1)")
    op.create_table(
        "program_coordinators",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_coordinators_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_program_coordinators_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("program_id", "user_id", name=op.f("pk_program_coordinators")),
    )
    op.create_index(op.f("ix_program_coordinators_user_id"), "program_coordinators", ["user_id"])
    conn.execute(
        sa.text(
            "INSERT INTO program_coordinators (program_id, user_id, added_at)"
            " SELECT 1, id, :now FROM users WHERE role = 'coordinator'"
        ),
        {"now": now},
    )
    op.create_table(
        "program_setting_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", mentormatch.db.UTCDateTime(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("old", mentormatch.db.JSONType, nullable=True),
        sa.Column("new", mentormatch.db.JSONType, nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_setting_changes_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_program_setting_changes_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_setting_changes")),
    )
    op.create_index(
        op.f("ix_program_setting_changes_program_id"), "program_setting_changes", ["program_id"]
    )


def _sqlite_add_program(conn: Connection, table: str, value: str, ondelete: str) -> None:
    """SQLite: rebuild `table` with a `program_id` set to `value` (an SQL expression over
    the old row `o`) and its named foreign key (ALTER TABLE ADD COLUMN cannot name one
    that SQLite reports back with its ON DELETE)."""
    definition = sqlite_tables.items(sqlite_tables.create_sql(conn, table))
    constraints = [n for n, item in enumerate(definition) if item.startswith("CONSTRAINT")]
    null = " NOT NULL" if table in REQUIRED else ""
    definition.insert(constraints[0], f"program_id INTEGER{null}")
    definition.append(
        f"CONSTRAINT {_fk(table)} FOREIGN KEY(program_id) REFERENCES programs (id)"
        f" ON DELETE {ondelete}"
    )
    copied = sqlite_tables.columns(conn, table)
    sqlite_tables.rebuild(conn, table, definition, copied, extra=("program_id", value, ""))


def _add_program_columns(conn: Connection) -> None:
    sqlite = conn.dialect.name == "sqlite"
    accounts = ", ".join(f"'{kind}'" for kind in ACCOUNT_MESSAGES)
    if sqlite:
        for table in REQUIRED:
            _sqlite_add_program(conn, table, "1", "RESTRICT")
        _sqlite_add_program(
            conn, "outbox", f"CASE WHEN o.kind IN ({accounts}) THEN NULL ELSE 1 END", "CASCADE"
        )
        return
    for table in REQUIRED:
        op.add_column(
            table, sa.Column("program_id", sa.Integer(), nullable=False, server_default="1")
        )
        op.alter_column(table, "program_id", server_default=None)
        op.create_foreign_key(
            _fk(table), table, "programs", ["program_id"], ["id"], ondelete="RESTRICT"
        )
    op.add_column("outbox", sa.Column("program_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        _fk("outbox"), "outbox", "programs", ["program_id"], ["id"], ondelete="CASCADE"
    )
    conn.exec_driver_sql(f"UPDATE outbox SET program_id = 1 WHERE kind NOT IN ({accounts})")


def _indexes() -> None:
    op.create_index(op.f("ix_outbox_program_id"), "outbox", ["program_id"])
    op.drop_index("ix_mentors_pool_state", table_name="mentors")
    op.create_index("ix_mentors_pool_state", "mentors", ["program_id", "id", "version"])
    op.drop_index("ix_newcomers_queue_order", table_name="newcomers")
    op.create_index(
        "ix_newcomers_queue_order",
        "newcomers",
        ["program_id", "status", sa.text("urgent DESC"), "waiting_since", "id"],
    )
    op.create_index("ix_pairings_program_status_id", "pairings", ["program_id", "status", "id"])


def upgrade() -> None:
    conn = op.get_bind()
    _create_tables(conn)
    _add_program_columns(conn)
    _indexes()


def _drop_program_column(conn: Connection, table: str) -> None:
    if conn.dialect.name != "sqlite":
        op.drop_constraint(_fk(table), table, type_="foreignkey")
        op.drop_column(table, "program_id")
        return
    definition = [
        item
        for item in sqlite_tables.items(sqlite_tables.create_sql(conn, table))
        if not item.startswith(("program_id ", f"CONSTRAINT {_fk(table)} "))
    ]
    copied = [c for c in sqlite_tables.columns(conn, table) if c != "program_id"]
    sqlite_tables.rebuild(conn, table, definition, copied)


def downgrade() -> None:
    conn = op.get_bind()
    op.drop_index("ix_pairings_program_status_id", table_name="pairings")
    op.drop_index("ix_newcomers_queue_order", table_name="newcomers")
    op.create_index(
        "ix_newcomers_queue_order",
        "newcomers",
        ["status", sa.text("urgent DESC"), "waiting_since", "id"],
    )
    op.drop_index("ix_mentors_pool_state", table_name="mentors")
    op.create_index("ix_mentors_pool_state", "mentors", ["id", "version"])
    op.drop_index(op.f("ix_outbox_program_id"), table_name="outbox")
    for table in (*REQUIRED, "outbox"):
        _drop_program_column(conn, table)
    op.drop_index(op.f("ix_program_setting_changes_program_id"), "program_setting_changes")
    op.drop_table("program_setting_changes")
    op.drop_index(op.f("ix_program_coordinators_user_id"), "program_coordinators")
    op.drop_table("program_coordinators")
    op.drop_table("programs")
