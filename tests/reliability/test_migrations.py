"""Migrations: upgrade from empty, downgrade to empty and up again, on both back ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from mentormatch import migrate
from mentormatch.db import make_engine
from mentormatch.models import metadata
from tests.db import BACKENDS, throwaway_database


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade_from_empty(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url)
            with engine.connect() as conn:
                diff = compare_metadata(
                    MigrationContext.configure(conn, opts={"compare_type": True}), metadata
                )
            assert diff == []
            migrate.downgrade(url, "base")
            engine.dispose()
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            migrate.upgrade(url)
            engine.dispose()
            assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
