"""SqlSessionRepository: the one-query lookup, the slide, endings, listings, clean-up."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import event

from authgate.core.clock import FrozenClock
from authgate.core.records import AuthUser, SessionRecord
from authgate.store import SqlStore

MakeUser = Callable[..., AuthUser]
MakeSession = Callable[..., SessionRecord]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_add_returns_the_record(
    make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    record = make_session(alice.id, "t1", remember=True, mfa=True)
    assert len(record.id) == 32
    assert record.user_id == alice.id
    assert record.created_at == record.last_seen_at == clock.now()
    assert record.expires_at == clock.now() + timedelta(minutes=30)
    assert record.absolute_expires_at == clock.now() + timedelta(hours=12)
    assert record.remember and record.mfa
    assert (record.ip, record.user_agent) == ("203.0.113.9", "pytest")


def test_find_by_id_or_token_with_user_and_roles(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession
) -> None:
    alice = make_user("alice", email="a@example.com", roles=("user", "admin"))
    record = make_session(alice.id, "t1", idle=timedelta(minutes=20))
    with store.read() as repositories:
        by_id = repositories.sessions.find(session_id=record.id)
        by_token = repositories.sessions.find(token_hash=_digest("t1"))
    assert by_id is not None and by_token is not None
    assert by_id == by_token
    assert by_id.session == record
    assert by_id.user == alice
    assert by_id.user.roles == {"user", "admin"}
    assert by_id.idle_seconds == 20 * 60


def test_find_is_one_statement(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession
) -> None:
    """The page-view lookup is one round trip: session, user, roles and MFA flag together."""
    alice = make_user("alice", roles=("user", "admin"))
    make_session(alice.id, "t1")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.read() as repositories:
            found = repositories.sessions.find(token_hash=_digest("t1"))
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert found is not None and found.user.roles == {"user", "admin"}
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1


def test_find_unknown_or_nothing(store: SqlStore, make_user: MakeUser) -> None:
    make_user("alice")
    with store.read() as repositories:
        sessions = repositories.sessions
        assert sessions.find(session_id="0" * 32) is None
        assert sessions.find(token_hash=_digest("nope")) is None
        assert sessions.find() is None
        assert sessions.find(session_id=12) is None  # type: ignore[arg-type]


def test_find_returns_sessions_in_any_state(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    """Expiry and a disabled account are core's rule to apply, not the lookup's."""
    alice = make_user("alice")
    record = make_session(alice.id, "t1")
    with store.write() as repositories:
        repositories.users.set_active(alice.id, False, now=clock.now())
    clock.advance(days=2)
    with store.read() as repositories:
        found = repositories.sessions.find(session_id=record.id)
    assert found is not None and not found.user.is_active


def test_slide_moves_last_seen_and_idle_expiry(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    record = make_session(alice.id, "t1")
    later = clock.advance(minutes=10)
    with store.write() as repositories:
        repositories.sessions.slide(
            record.id, last_seen_at=later, expires_at=later + timedelta(minutes=30)
        )
        repositories.sessions.slide("0" * 32, last_seen_at=later, expires_at=later)  # unknown
    with store.read() as repositories:
        found = repositories.sessions.find(session_id=record.id)
    assert found is not None
    assert found.session.last_seen_at == later
    assert found.session.expires_at == later + timedelta(minutes=30)
    assert found.session.absolute_expires_at == record.absolute_expires_at


def test_set_token_hash_rotates(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession
) -> None:
    alice = make_user("alice")
    record = make_session(alice.id, "t1")
    with store.write() as repositories:
        repositories.sessions.set_token_hash(record.id, _digest("t2"))
    with store.read() as repositories:
        assert repositories.sessions.find(token_hash=_digest("t1")) is None
        found = repositories.sessions.find(token_hash=_digest("t2"))
    assert found is not None and found.session.id == record.id


def test_delete_returns_the_record_once(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession
) -> None:
    alice = make_user("alice")
    record = make_session(alice.id, "t1")
    with store.write() as repositories:
        assert repositories.sessions.delete(record.id) == record
        assert repositories.sessions.delete(record.id) is None
        assert repositories.sessions.delete("f" * 32) is None
    with store.read() as repositories:
        assert repositories.sessions.find(session_id=record.id) is None


def test_delete_for_user_keeps_one(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    keep = make_session(alice.id, "a1")
    make_session(alice.id, "a2")
    make_session(alice.id, "a3")
    make_session(bob.id, "b1")
    with store.write() as repositories:
        assert repositories.sessions.delete_for_user(alice.id, keep=keep.id) == 2
        assert repositories.sessions.delete_for_user(999) == 0
    with store.read() as repositories:
        assert [s.id for s in repositories.sessions.list_live(alice.id, now=clock.now())] == [
            keep.id
        ]
    with store.write() as repositories:
        assert repositories.sessions.delete_for_user(alice.id) == 1
        assert repositories.sessions.count_live(now=clock.now()) == 1


def test_listings_skip_expired_and_put_recent_first(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    short = make_session(alice.id, "a1", idle=timedelta(minutes=5))
    older = make_session(alice.id, "a2")
    clock.advance(minutes=1)
    newer = make_session(alice.id, "a3")
    theirs = make_session(bob.id, "b1")
    now = clock.advance(minutes=5)  # "a1" is past its idle limit now
    with store.read() as repositories:
        sessions = repositories.sessions
        assert [s.id for s in sessions.list_live(alice.id, now=now)] == [newer.id, older.id]
        assert sessions.list_live(999, now=now) == []
        everything = sessions.list_all_live(now=now, limit=10)
        assert {(s.id, name) for s, name in everything} == {
            (older.id, "alice"),
            (newer.id, "alice"),
            (theirs.id, "bob"),
        }
        assert everything[-1][0].id == older.id
        assert len(sessions.list_all_live(now=now, limit=1)) == 1
        assert len(sessions.list_all_live(now=now, limit=0)) == 1
        assert sessions.count_live(now=now) == 3
        assert short.id not in {s.id for s, _ in everything}
        assert sessions.count_live(now=now + timedelta(days=1)) == 0


def test_delete_expired_in_batches(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    for name in ("a1", "a2", "a3"):
        make_session(alice.id, name, idle=timedelta(minutes=1))
    live = make_session(alice.id, "a4", idle=timedelta(hours=1))
    now = clock.advance(minutes=2)
    with store.write() as repositories:
        assert repositories.sessions.delete_expired(now=now, batch_size=2) == 2
        assert repositories.sessions.delete_expired(now=now, batch_size=2) == 1
        assert repositories.sessions.delete_expired(now=now, batch_size=2) == 0
    with store.read() as repositories:
        assert [s.id for s in repositories.sessions.list_live(alice.id, now=now)] == [live.id]


def test_absolute_expiry_alone_ends_a_session(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    record = make_session(alice.id, "a1", lifetime=timedelta(minutes=1))
    now = clock.advance(minutes=2)
    with store.write() as repositories:
        # The idle expiry is far ahead; only the absolute one has passed.
        repositories.sessions.slide(
            record.id, last_seen_at=now, expires_at=now + timedelta(hours=1)
        )
        assert repositories.sessions.count_live(now=now) == 0
        assert repositories.sessions.list_live(alice.id, now=now) == []
        assert repositories.sessions.list_all_live(now=now, limit=10) == []
        assert repositories.sessions.delete_expired(now=now, batch_size=10) == 1
