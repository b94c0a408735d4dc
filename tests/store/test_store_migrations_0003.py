"""Migration 0003 (throttle rows count refused attempts) on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, inspect, text

from authgate.store.engine import create_store_engine
from authgate.store.migrate import current_revision, downgrade, upgrade

NOW = datetime(2026, 1, 1, 12, 0)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def _columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("authgate_login_throttle")}


def test_existing_counters_get_zero_refusals_and_survive_a_round_trip(engine: Engine) -> None:
    upgrade(engine, "0002")
    assert "refused" not in _columns(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO authgate_login_throttle "
                "(key, failures, first_failure_at, last_failure_at) VALUES (:k, 3, :t, :t)"
                if engine.dialect.name != "mysql"
                else "INSERT INTO authgate_login_throttle "
                "(`key`, failures, first_failure_at, last_failure_at) VALUES (:k, 3, :t, :t)"
            ),
            {"k": "account:1", "t": NOW},
        )
    upgrade(engine, "0003")
    assert current_revision(engine) == "0003" and "refused" in _columns(engine)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT failures, refused FROM authgate_login_throttle")
        ).one()
    assert tuple(row) == (3, 0)
    downgrade(engine, "0002")
    assert "refused" not in _columns(engine)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT COUNT(*) FROM authgate_login_throttle"))
        assert count.scalar_one() == 1
    downgrade(engine, "base")
