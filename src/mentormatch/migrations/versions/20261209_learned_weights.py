"""learned weights: what coordinators were shown, what was decided, what was learned

Revision ID: learn_20261209_learned_weights
Revises: pathways_20261209_newcomer
Create Date: 2026-12-09 00:00:00

Three new tables (issue 17): `shown_lists` (each ranked list of suggestions a coordinator
saw for a newcomer, with every mentor's criterion values and the weights in force; goes
with the newcomer, ON DELETE CASCADE), `match_decisions` (a decision on a shown list:
approved, rejected, accepted, declined, ended early, not a fit, with its reason and whether
it teaches; goes with its list) and `weight_proposals` (weights learned per program, with
their uncertainty, the held-out comparison, the labels learned from, and who adopted or
dismissed them). A user leaving clears their id (SET NULL). Downgrading drops the three.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "learn_20261209_learned_weights"
down_revision: str | None = "pathways_20261209_newcomer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = mentormatch.db.JSONType
WHEN = mentormatch.db.UTCDateTime


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "shown_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("shown_at", WHEN(), nullable=False),
        sa.Column("mentors", JSON, nullable=False),
        sa.Column("weights", JSON, nullable=False),
        _fk("shown_lists", "newcomer_id", "newcomers", "CASCADE"),
        _fk("shown_lists", "program_id", "programs", "CASCADE"),
        _fk("shown_lists", "user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shown_lists")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_shown_lists_newcomer_id_id", "shown_lists", ["newcomer_id", "id"])
    op.create_index(op.f("ix_shown_lists_program_id"), "shown_lists", ["program_id"])
    op.create_table(
        "match_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shown_list_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("teaches", sa.Boolean(), nullable=False),
        sa.Column("components", JSON, nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("decided_at", WHEN(), nullable=False),
        _fk("match_decisions", "mentor_id", "mentors", "SET NULL"),
        _fk("match_decisions", "pairing_id", "pairings", "SET NULL"),
        _fk("match_decisions", "program_id", "programs", "CASCADE"),
        _fk("match_decisions", "shown_list_id", "shown_lists", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_decisions")),
        sqlite_autoincrement=True,
    )
    for column in ("pairing_id", "program_id", "shown_list_id"):
        op.create_index(op.f(f"ix_match_decisions_{column}"), "match_decisions", [column])
    op.create_table(
        "weight_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("weights", JSON, nullable=False),
        sa.Column("std", JSON, nullable=False),
        sa.Column("current", JSON, nullable=False),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("held_out", sa.Integer(), nullable=False),
        sa.Column("comparison", JSON, nullable=False),
        sa.Column("labels", JSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_at", WHEN(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        _fk("weight_proposals", "created_by", "users", "SET NULL"),
        _fk("weight_proposals", "decided_by", "users", "SET NULL"),
        _fk("weight_proposals", "program_id", "programs", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weight_proposals")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_weight_proposals_program_id"), "weight_proposals", ["program_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_weight_proposals_program_id"), table_name="weight_proposals")
    op.drop_table("weight_proposals")
    for column in ("pairing_id", "program_id", "shown_list_id"):
        op.drop_index(op.f(f"ix_match_decisions_{column}"), table_name="match_decisions")
    op.drop_table("match_decisions")
    op.drop_index(op.f("ix_shown_lists_program_id"), table_name="shown_lists")
    op.drop_index("ix_shown_lists_newcomer_id_id", table_name="shown_lists")
    op.drop_table("shown_lists")
