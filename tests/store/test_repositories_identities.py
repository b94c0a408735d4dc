"""Provider identities over SQLAlchemy, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from datetime import timedelta

import pytest

from authgate.core.clock import FrozenClock
from authgate.core.ports.identities import NewIdentity
from authgate.core.ports.store import DuplicateRecord
from authgate.store.sql_store import SqlStore


def new(user_id: int, clock: FrozenClock, subject: str = "sub-1") -> NewIdentity:
    return NewIdentity(
        user_id=user_id,
        provider="corp",
        issuer="https://id.example.com",
        subject=subject,
        email="alice@example.com",
        linked_at=clock.now(),
    )


def test_an_identity_is_found_touched_listed_and_removed(
    store: SqlStore,
    make_user,
    clock: FrozenClock,  # type: ignore[no-untyped-def]
) -> None:
    alice = make_user("alice")
    with store.write() as repos:
        added = repos.identities.add(new(alice.id, clock))
        repos.identities.add(new(alice.id, clock, subject="sub-2"))
    clock.advance(minutes=5)
    with store.write() as repos:
        repos.identities.touch(added.id, email="new@example.com", now=clock.now())
    with store.read() as repos:
        found = repos.identities.find("corp", "https://id.example.com", "sub-1")
        assert found is not None and found.user_id == alice.id
        assert found.email == "new@example.com"
        assert found.last_used_at == found.linked_at + timedelta(minutes=5)
        assert repos.identities.find("corp", "https://other.example.com", "sub-1") is None
        assert [i.subject for i in repos.identities.list_for(alice.id)] == ["sub-1", "sub-2"]
    with store.write() as repos:
        removed = repos.identities.remove(alice.id, added.id)
    assert removed is not None and removed.subject == "sub-1"
    with store.read() as repos:
        assert [i.subject for i in repos.identities.list_for(alice.id)] == ["sub-2"]


def test_an_identity_cannot_belong_to_two_accounts(
    store: SqlStore,
    make_user,
    clock: FrozenClock,  # type: ignore[no-untyped-def]
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    with store.write() as repos:
        repos.identities.add(new(alice.id, clock))
    with pytest.raises(DuplicateRecord), store.write() as repos:
        repos.identities.add(new(bob.id, clock))


def test_deleting_the_account_deletes_its_identities(
    store: SqlStore,
    make_user,
    clock: FrozenClock,  # type: ignore[no-untyped-def]
) -> None:
    alice = make_user("alice")
    with store.write() as repos:
        repos.identities.add(new(alice.id, clock))
        repos.users.delete(alice.id)
    with store.read() as repos:
        assert repos.identities.find("corp", "https://id.example.com", "sub-1") is None
