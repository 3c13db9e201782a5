"""Migration learn_20261209_learned_weights with data in every table, on both back ends.

Every row is kept; afterwards a shown list holds its mentors as JSON, a decision belongs to
a shown list (none for no list), both go when their newcomer is erased, and a coordinator
leaving only clears their id. Downgrading drops the three tables and keeps every other row.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mentormatch import migrate
from tests.db import BACKENDS
from tests.reliability.test_migration_programs import _counts, filled_at

BEFORE = "pathways_20261209_newcomer"
REVISION = "learn_20261209_learned_weights"
NOW = datetime(2026, 12, 9, tzinfo=UTC)
NEW = ("shown_lists", "match_decisions", "weight_proposals")
SHOWN = sa.text(
    "INSERT INTO shown_lists (program_id, newcomer_id, user_id, shown_at, mentors, weights) "
    "VALUES (1, :n, 2, :at, :mentors, :weights)"
)
DECIDED = sa.text(
    "INSERT INTO match_decisions (shown_list_id, program_id, pairing_id, mentor_id, kind, "
    "reason, teaches, components, actor_role, decided_at) "
    "VALUES (:s, 1, :p, 1, 'approved', 'coordinator_choice', :t, '{}', 'coordinator', :at)"
)
PROPOSED = sa.text(
    "INSERT INTO weight_proposals (program_id, created_at, created_by, weights, std, current, "
    "decisions, held_out, comparison, labels, status) VALUES (1, :at, 2, '{}', '{}', '{}', "
    "200, 50, '{}', :labels, 'open')"
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_shown_lists_and_decisions_follow_their_newcomer(backend: str, tmp_path: Path) -> None:
    with filled_at(backend, tmp_path, BEFORE) as (url, engine):
        with engine.connect() as conn:
            before = _counts(conn)
        engine.dispose()

        migrate.upgrade(url, REVISION)
        engine.dispose()
        with engine.begin() as conn:
            assert _counts(conn) == before | dict.fromkeys(NEW, 0)
            mentors = json.dumps([{"mentor_id": 1, "rank": 1, "score": 0.8,
                                   "components": {"substance": 1.0}}])  # fmt: skip
            weights = json.dumps({"substance": 3.0})
            conn.execute(SHOWN, [{"n": n, "at": NOW, "mentors": mentors, "weights": weights}
                                 for n in (1, 2)])  # fmt: skip
            conn.execute(DECIDED, [{"s": 1, "p": 1, "t": True, "at": NOW},
                                   {"s": 2, "p": 2, "t": False, "at": NOW}])  # fmt: skip
            conn.execute(PROPOSED, {"at": NOW, "labels": json.dumps(["approved"])})
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(DECIDED, {"s": 99, "p": None, "t": True, "at": NOW})
            conn.execute(sa.text("DELETE FROM newcomers WHERE id = 2"))  # erased: list goes
            conn.execute(sa.text("DELETE FROM users WHERE id = 2"))  # the coordinator leaves
        with engine.connect() as conn:
            lists = conn.execute(sa.text("SELECT newcomer_id, user_id, mentors FROM shown_lists"))
            rows = [(n, u, m if isinstance(m, list) else json.loads(m)) for n, u, m in lists]
            assert rows == [(1, None, json.loads(mentors))]
            decided = conn.execute(sa.text("SELECT shown_list_id, teaches FROM match_decisions"))
            assert [tuple(r) for r in decided] == [(1, True)]
            assert conn.execute(sa.text("SELECT created_by FROM weight_proposals")).all() == [
                (None,)
            ]
            after = {t: n for t, n in _counts(conn).items() if t not in NEW}
        engine.dispose()

        migrate.downgrade(url, BEFORE)
        engine.dispose()
        assert not set(NEW) & set(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert _counts(conn) == after
        engine.dispose()
        migrate.upgrade(url)
