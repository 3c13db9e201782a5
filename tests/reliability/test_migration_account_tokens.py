"""Migration 20261203_account_tokens with data in it, on both back ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from mentormatch import migrate
from mentormatch.db import make_engine
from tests.db import BACKENDS, throwaway_database

REVISION = "20261203_account_tokens"
BEFORE = "20261203_minimal_intake"


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_keeps_accounts_and_holds_tokens_then_downgrades(
    backend: str, tmp_path: Path
) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, BEFORE)
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO users (email, password_hash, role, is_active, created_at) "
                        "VALUES ('kept@example.org', '$argon2id$x', 'coordinator', true, "
                        "CURRENT_TIMESTAMP)"
                    )
                )
            engine.dispose()
            migrate.upgrade(url, REVISION)
            with engine.begin() as conn:
                user_id = conn.scalar(text("SELECT id FROM users WHERE email='kept@example.org'"))
                assert user_id is not None
                conn.execute(
                    text(
                        "INSERT INTO account_tokens (purpose, user_id, token_hash, created_at, "
                        "expires_at) VALUES ('invitation', :u, :h, CURRENT_TIMESTAMP, "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"u": user_id, "h": "a" * 64},
                )
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO account_tokens (purpose, user_id, token_hash, created_at, "
                        "expires_at) VALUES ('reset', :u, :h, CURRENT_TIMESTAMP, "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"u": user_id, "h": "a" * 64},
                )
            with engine.begin() as conn:
                rows = conn.execute(text("SELECT purpose, used_at FROM account_tokens")).all()
                assert [tuple(r) for r in rows] == [("invitation", None)]
                # Tokens go with their account.
                conn.execute(text("DELETE FROM users WHERE id = :u"), {"u": user_id})
                assert conn.scalar(text("SELECT count(*) FROM account_tokens")) == 0
                conn.execute(
                    text(
                        "INSERT INTO users (email, password_hash, role, is_active, created_at) "
                        "VALUES ('again@example.org', '!unset', 'mentor', true, "
                        "CURRENT_TIMESTAMP)"
                    )
                )
            engine.dispose()
            migrate.downgrade(url, BEFORE)
            engine.dispose()
            assert "account_tokens" not in inspect(engine).get_table_names()
            with engine.connect() as conn:
                emails = conn.scalars(text("SELECT email FROM users")).all()
            assert emails == ["again@example.org"]
            engine.dispose()
            migrate.upgrade(url)
        finally:
            engine.dispose()
