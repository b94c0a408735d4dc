"""Migration 0007 (the invalidation counter) on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from authgate.store.engine import create_store_engine
from authgate.store.migrate import current_revision, downgrade, upgrade


@pytest.fixture
def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def test_0007_adds_the_counter_with_its_one_row_and_downgrade_drops_only_it(
    engine: Engine,
) -> None:
    upgrade(engine, "0006")
    assert "authgate_invalidation" not in inspect(engine).get_table_names()
    upgrade(engine, "0007")
    assert current_revision(engine) == "0007"
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, version, origin FROM authgate_invalidation"))
        assert [tuple(row) for row in rows] == [(1, 0, "")]
    downgrade(engine, "0006")
    tables = set(inspect(engine).get_table_names())
    assert "authgate_invalidation" not in tables and "authgate_visitors" in tables
    downgrade(engine, "base")


def test_the_counter_counts_past_32_bits(engine: Engine) -> None:
    upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(text("UPDATE authgate_invalidation SET version = 4294967296"))
        connection.execute(text("UPDATE authgate_invalidation SET version = version + 1"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version FROM authgate_invalidation")).scalar() == (
            4294967297
        )
    downgrade(engine, "base")
