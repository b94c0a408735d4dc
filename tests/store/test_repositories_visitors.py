"""SqlVisitorRepository: add, find only the live, claim once, clean up in batches."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from authgate.core.clock import FrozenClock
from authgate.core.ports import DuplicateRecord, NewVisitor, VisitorRecord
from authgate.store import SqlStore


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _add(store: SqlStore, clock: FrozenClock, name: str, *, days: int = 7) -> VisitorRecord:
    with store.write() as repositories:
        return repositories.visitors.add(
            NewVisitor(
                id=name.encode().hex().ljust(32, "0")[:32],
                token_hash=_digest(name),
                created_at=clock.now(),
                expires_at=clock.now() + timedelta(days=days),
                ip="203.0.113.9",
            )
        )


def test_find_answers_only_a_live_visitor(store: SqlStore, clock: FrozenClock) -> None:
    added = _add(store, clock, "v1")
    with store.read() as repositories:
        assert repositories.visitors.find(token_hash=_digest("v1"), now=clock.now()) == added
        assert repositories.visitors.find(token_hash=_digest("nobody"), now=clock.now()) is None
        later = clock.now() + timedelta(days=7)
        assert repositories.visitors.find(token_hash=_digest("v1"), now=later) is None


def test_a_token_digest_is_unique(store: SqlStore, clock: FrozenClock) -> None:
    _add(store, clock, "v1")
    with pytest.raises(DuplicateRecord), store.write() as repositories:
        repositories.visitors.add(
            NewVisitor(
                id="f" * 32,
                token_hash=_digest("v1"),
                created_at=clock.now(),
                expires_at=clock.now(),
                ip=None,
            )
        )


def test_claim_ends_the_visitor_once(store: SqlStore, clock: FrozenClock) -> None:
    added = _add(store, clock, "v1")
    with store.write() as repositories:
        assert repositories.visitors.claim(token_hash=_digest("v1"), now=clock.now()) == added
    with store.write() as repositories:
        assert repositories.visitors.claim(token_hash=_digest("v1"), now=clock.now()) is None


def test_an_expired_visitor_cannot_be_claimed(store: SqlStore, clock: FrozenClock) -> None:
    _add(store, clock, "v1", days=1)
    with store.write() as repositories:
        later = clock.now() + timedelta(days=2)
        assert repositories.visitors.claim(token_hash=_digest("v1"), now=later) is None


def test_delete_expired_works_in_bounded_batches(store: SqlStore, clock: FrozenClock) -> None:
    for name in ("old1", "old2", "old3"):
        _add(store, clock, name, days=1)
    _add(store, clock, "fresh", days=7)
    later = clock.now() + timedelta(days=2)
    with store.write() as repositories:
        assert repositories.visitors.delete_expired(now=later, batch_size=2) == 2
    with store.write() as repositories:
        assert repositories.visitors.delete_expired(now=later, batch_size=2) == 1
        assert repositories.visitors.delete_expired(now=later, batch_size=2) == 0
        assert repositories.visitors.find(token_hash=_digest("fresh"), now=later) is not None
