"""Migration 0006 (anonymous visitors) on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from authgate.store.engine import create_store_engine
from authgate.store.migrate import current_revision, downgrade, upgrade
from authgate.store.models import Visitor

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def test_0006_adds_the_visitor_table_and_downgrade_drops_only_it(engine: Engine) -> None:
    upgrade(engine, "0002")
    assert "authgate_visitors" not in inspect(engine).get_table_names()
    upgrade(engine, "0006")
    assert current_revision(engine) == "0006"
    assert "authgate_visitors" in inspect(engine).get_table_names()
    downgrade(engine, "0002")
    tables = set(inspect(engine).get_table_names())
    assert "authgate_visitors" not in tables and "authgate_mfa" in tables
    downgrade(engine, "base")


def test_token_digest_is_unique(engine: Engine) -> None:
    upgrade(engine, "0006")
    with Session(engine) as db, db.begin():
        db.add(Visitor(id="a" * 32, token_hash="f" * 64, created_at=NOW, expires_at=NOW))
    with pytest.raises(IntegrityError), Session(engine) as db, db.begin():
        db.add(Visitor(id="b" * 32, token_hash="f" * 64, created_at=NOW, expires_at=NOW))
    downgrade(engine, "base")
