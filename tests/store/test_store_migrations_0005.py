"""Migration 0005 (identities at OpenID providers) on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect

from authgate.core.ports.identities import NewIdentity
from authgate.core.ports.store import DuplicateRecord
from authgate.store.engine import create_store_engine
from authgate.store.migrate import current_revision, downgrade, upgrade
from authgate.store.sql_store import SqlStore

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def test_0005_adds_the_identities_table_and_its_downgrade_drops_only_it(engine: Engine) -> None:
    upgrade(engine, "0004")
    before = set(inspect(engine).get_table_names())
    upgrade(engine, "0005")
    assert current_revision(engine) == "0005"
    assert set(inspect(engine).get_table_names()) == before | {"authgate_identities"}
    downgrade(engine, "0004")
    assert set(inspect(engine).get_table_names()) == before


def test_one_identity_belongs_to_one_account(engine: Engine, database_url: str) -> None:
    upgrade(engine, "0005")
    store = SqlStore(engine)
    from authgate.core.ports.users import NewUser

    def user(name: str) -> int:
        with store.write() as repos:
            return repos.users.add(
                NewUser(
                    username=name,
                    username_key=name,
                    email=None,
                    email_key=None,
                    display_name=name,
                    password_hash=None,
                    password_changed_at=None,
                    must_change_password=False,
                    roles=("user",),
                    created_at=NOW,
                )
            ).id

    first, second = user("first"), user("second")

    def link(user_id: int) -> None:
        with store.write() as repos:
            repos.identities.add(
                NewIdentity(
                    user_id=user_id,
                    provider="corp",
                    issuer="https://id.example.com",
                    subject="s" * 255,
                    email=None,
                    linked_at=NOW,
                )
            )

    link(first)
    with pytest.raises(DuplicateRecord):
        link(second)
    with store.read() as repos:
        [found] = repos.identities.list_for(first)
        assert found.subject == "s" * 255
        assert repos.identities.list_for(second) == []
        assert repos.identities.remove(second, found.id) is None
