"""newcomer pathways: several recovery pathways per newcomer, the first the main one

Revision ID: pathways_20261209_newcomer
Revises: 20261208_interface_language
Create Date: 2026-12-09 00:10:00

`newcomers.pathway` (one code or null) becomes `newcomers.pathways`, a JSON list in the
newcomer's order whose first element is their main pathway (issue 17): people combine
pathways, and the hard rule must read every one. Each existing row keeps its pathway as
its main (and only) one; a row without one gets []. Downgrading keeps the main pathway in
`pathway` and loses the others.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mentormatch.db

revision: str = "pathways_20261209_newcomer"
down_revision: str | None = "20261208_interface_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_newcomers = sa.table(
    "newcomers",
    sa.column("id", sa.Integer()),
    sa.column("pathway", sa.String(40)),
    sa.column("pathways", mentormatch.db.JSONType),
)


def upgrade() -> None:
    op.add_column(
        "newcomers",
        sa.Column("pathways", mentormatch.db.JSONType, nullable=False, server_default="[]"),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_newcomers.c.id, _newcomers.c.pathway).where(_newcomers.c.pathway.is_not(None))
    ).all()
    for newcomer_id, pathway in rows:
        conn.execute(
            _newcomers.update().where(_newcomers.c.id == newcomer_id).values(pathways=[pathway])
        )
    op.drop_column("newcomers", "pathway")  # SQLite 3.35+ drops in place


def downgrade() -> None:
    op.add_column("newcomers", sa.Column("pathway", sa.String(length=40), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_newcomers.c.id, _newcomers.c.pathways)).all()
    for newcomer_id, pathways in rows:
        if pathways:
            conn.execute(
                _newcomers.update()
                .where(_newcomers.c.id == newcomer_id)
                .values(pathway=pathways[0])
            )
    op.drop_column("newcomers", "pathways")
