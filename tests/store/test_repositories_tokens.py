"""One-time tokens and refresh links: purpose-bound lookups and claims with one winner."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import timedelta

from authgate.core.clock import FrozenClock
from authgate.core.ports import NewOneTimeToken, NewRefreshLink
from authgate.core.records import AuthUser, SessionRecord
from authgate.store import SqlStore

MakeUser = Callable[..., AuthUser]
MakeSession = Callable[..., SessionRecord]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _one_time(
    clock: FrozenClock,
    token: str,
    *,
    purpose: str = "password_reset",
    user_id: int | None = None,
    session_id: str | None = None,
    data: dict[str, object] | None = None,
    ttl: timedelta = timedelta(minutes=30),
) -> NewOneTimeToken:
    return NewOneTimeToken(
        purpose=purpose,
        token_hash=_digest(token),
        user_id=user_id,
        session_id=session_id,
        created_at=clock.now(),
        expires_at=clock.now() + ttl,
        data=data,
    )


def _race(times: int, attempt: Callable[[], bool]) -> list[bool]:
    """Run ``attempt`` in ``times`` threads released at once; their answers."""
    barrier = threading.Barrier(times)
    answers: list[bool] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        answer = attempt()
        with lock:
            answers.append(answer)

    workers = [threading.Thread(target=run) for _ in range(times)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


# -- one-time tokens ----------------------------------------------------------------


def test_add_and_find_by_purpose(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    session = make_session(alice.id, "s1")
    with store.write() as repositories:
        repositories.one_time_tokens.add(
            _one_time(clock, "t1", user_id=alice.id, data={"fingerprint": "abc", "n": 1})
        )
        repositories.one_time_tokens.add(
            _one_time(clock, "t2", purpose="cookie_ticket", session_id=session.id)
        )
    with store.read() as repositories:
        tokens = repositories.one_time_tokens
        found = tokens.find("password_reset", _digest("t1"))
        assert found is not None
        assert (found.purpose, found.user_id, found.session_id) == (
            "password_reset",
            alice.id,
            None,
        )
        assert found.data == {"fingerprint": "abc", "n": 1}
        assert found.created_at == clock.now()
        assert found.expires_at == clock.now() + timedelta(minutes=30)
        assert found.used_at is None
        # A token is only ever good for its own purpose.
        assert tokens.find("cookie_ticket", _digest("t1")) is None
        ticket = tokens.find("cookie_ticket", _digest("t2"))
        assert ticket is not None
        assert (ticket.user_id, ticket.session_id, ticket.data) == (None, session.id, {})
        assert tokens.find("password_reset", _digest("unknown")) is None


def test_claim_has_one_winner(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        repositories.one_time_tokens.add(_one_time(clock, "t1", user_id=alice.id))
    with store.read() as repositories:
        found = repositories.one_time_tokens.find("password_reset", _digest("t1"))
    assert found is not None
    later = clock.advance(seconds=5)
    with store.write() as repositories:
        assert repositories.one_time_tokens.claim(found.id, now=later)
        assert not repositories.one_time_tokens.claim(found.id, now=later)
        assert not repositories.one_time_tokens.claim(found.id + 1000, now=later)
    with store.read() as repositories:
        spent = repositories.one_time_tokens.find("password_reset", _digest("t1"))
    assert spent is not None and spent.used_at == later


def test_racing_claims_across_transactions(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        repositories.one_time_tokens.add(_one_time(clock, "t1", user_id=alice.id))
        found = repositories.one_time_tokens.find("password_reset", _digest("t1"))
    assert found is not None

    def claim() -> bool:
        with store.write() as repositories:
            return repositories.one_time_tokens.claim(found.id, now=clock.now())

    assert sorted(_race(6, claim)) == [False] * 5 + [True]


def test_spend_all_and_issued_since(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    start = clock.now()
    with store.write() as repositories:
        tokens = repositories.one_time_tokens
        tokens.add(_one_time(clock, "a1", user_id=alice.id))
        tokens.add(_one_time(clock, "a2", user_id=alice.id))
        tokens.add(_one_time(clock, "a3", user_id=alice.id, purpose="email_verification"))
        tokens.add(_one_time(clock, "b1", user_id=bob.id))
    later = clock.advance(minutes=1)
    with store.write() as repositories:
        tokens = repositories.one_time_tokens
        assert tokens.issued_since(alice.id, "password_reset", since=start - timedelta(seconds=1))
        assert not tokens.issued_since(alice.id, "password_reset", since=start)
        assert not tokens.issued_since(alice.id, "mfa_ticket", since=start - timedelta(days=1))
        tokens.spend_all(alice.id, "password_reset", now=later)
    with store.read() as repositories:
        tokens = repositories.one_time_tokens
        for name in ("a1", "a2"):
            spent = tokens.find("password_reset", _digest(name))
            assert spent is not None and spent.used_at == later
        other_purpose = tokens.find("email_verification", _digest("a3"))
        other_user = tokens.find("password_reset", _digest("b1"))
        assert other_purpose is not None and other_purpose.used_at is None
        assert other_user is not None and other_user.used_at is None


def test_one_time_delete_expired(store: SqlStore, clock: FrozenClock) -> None:
    with store.write() as repositories:
        for name in ("e1", "e2", "e3"):
            repositories.one_time_tokens.add(_one_time(clock, name, ttl=timedelta(minutes=1)))
        repositories.one_time_tokens.add(_one_time(clock, "live", ttl=timedelta(hours=1)))
    now = clock.advance(minutes=1)  # expiry is inclusive
    with store.write() as repositories:
        tokens = repositories.one_time_tokens
        assert tokens.delete_expired(now=now, batch_size=2) == 2
        assert tokens.delete_expired(now=now, batch_size=2) == 1
        assert tokens.delete_expired(now=now, batch_size=2) == 0
        assert tokens.find("password_reset", _digest("live")) is not None


def test_tokens_go_with_their_user(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        repositories.one_time_tokens.add(_one_time(clock, "t1", user_id=alice.id))
        repositories.users.delete(alice.id)
        assert repositories.one_time_tokens.find("password_reset", _digest("t1")) is None


# -- refresh links --------------------------------------------------------------------


def _link(
    clock: FrozenClock, token: str, user_id: int, session_id: str, family: str = "f" * 32
) -> NewRefreshLink:
    return NewRefreshLink(
        family_id=family,
        token_hash=_digest(token),
        session_id=session_id,
        user_id=user_id,
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(days=7),
    )


def test_refresh_add_find_claim(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    session = make_session(alice.id, "s1")
    with store.write() as repositories:
        repositories.refresh_tokens.add(_link(clock, "r1", alice.id, session.id))
    with store.read() as repositories:
        link = repositories.refresh_tokens.find(_digest("r1"))
        assert repositories.refresh_tokens.find(_digest("unknown")) is None
    assert link is not None
    assert (link.family_id, link.session_id, link.user_id) == ("f" * 32, session.id, alice.id)
    assert (link.created_at, link.expires_at) == (clock.now(), clock.now() + timedelta(days=7))
    assert link.used_at is None and link.revoked_at is None
    with store.write() as repositories:
        assert repositories.refresh_tokens.claim(link.id, now=clock.now())
        assert not repositories.refresh_tokens.claim(link.id, now=clock.now())
        assert not repositories.refresh_tokens.claim(link.id + 1000, now=clock.now())
    with store.read() as repositories:
        used = repositories.refresh_tokens.find(_digest("r1"))
    assert used is not None and used.used_at == clock.now()


def test_refresh_racing_claims(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    session = make_session(alice.id, "s1")
    with store.write() as repositories:
        repositories.refresh_tokens.add(_link(clock, "r1", alice.id, session.id))
        link = repositories.refresh_tokens.find(_digest("r1"))
    assert link is not None

    def claim() -> bool:
        with store.write() as repositories:
            return repositories.refresh_tokens.claim(link.id, now=clock.now())

    assert sorted(_race(6, claim)) == [False] * 5 + [True]


def test_revoke_family(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    session = make_session(alice.id, "s1")
    with store.write() as repositories:
        links = repositories.refresh_tokens
        links.add(_link(clock, "r1", alice.id, session.id))
        links.add(_link(clock, "r2", alice.id, session.id))
        links.add(_link(clock, "other", alice.id, session.id, family="e" * 32))
    later = clock.advance(minutes=1)
    with store.write() as repositories:
        links = repositories.refresh_tokens
        assert links.revoke_family("f" * 32, now=later) == 2
        assert links.revoke_family("f" * 32, now=later) == 0  # already revoked: untouched
        assert links.revoke_family("0" * 32, now=later) == 0
        revoked = links.find(_digest("r1"))
        assert revoked is not None and revoked.revoked_at == later
        # A revoked link can no longer be claimed.
        assert not links.claim(revoked.id, now=later)
        other = links.find(_digest("other"))
        assert other is not None and other.revoked_at is None


def test_refresh_delete_expired_and_cascade(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    session = make_session(alice.id, "s1")
    with store.write() as repositories:
        for name in ("r1", "r2", "r3"):
            repositories.refresh_tokens.add(_link(clock, name, alice.id, session.id))
    now = clock.advance(days=7)
    with store.write() as repositories:
        links = repositories.refresh_tokens
        assert links.delete_expired(now=now, batch_size=2) == 2
        assert links.delete_expired(now=now, batch_size=2) == 1
        assert links.delete_expired(now=now, batch_size=2) == 0
    with store.write() as repositories:
        repositories.refresh_tokens.add(_link(clock, "r4", alice.id, session.id))
        repositories.sessions.delete(session.id)  # its links go with it
        assert repositories.refresh_tokens.find(_digest("r4")) is None
