"""Sessions: opaque tokens, timeouts, revocation, tickets, cleanup."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from auth_support import db_session
from authgate.core.clock import FrozenClock
from authgate.errors import (
    InvalidToken,
    NotAuthenticated,
    SessionExpired,
    SessionRevoked,
    TokenExpired,
    TokenReused,
)
from authgate.root import Authgate
from authgate.store.models import Session

GOOD = "correct horse battery"


@pytest.fixture
def alice(service: Authgate) -> int:
    return service.accounts.register("alice", GOOD).id


def test_token_is_256_bits_and_only_its_hash_is_stored(service: Authgate, alice: int) -> None:
    result = service.logins.password("alice", GOOD)
    assert len(result.token) >= 43  # 32 random bytes, URL-safe base64
    with db_session(service) as db:
        row = db.get(Session, result.session.id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(result.token.encode()).hexdigest()
        stored = [str(v) for v in row.__dict__.values()]
    assert result.token not in stored
    assert "token" not in repr(result)


def test_every_login_gets_a_new_session(service: Authgate, alice: int) -> None:
    first, second = service.logins.password("alice", GOOD), service.logins.password("alice", GOOD)
    assert first.session.id != second.session.id and first.token != second.token
    assert service.sessions.validate(first.token).session.id == first.session.id
    assert len(service.sessions.list_for(alice)) == 2


@pytest.mark.parametrize("bad", ["", "nope", "x" * 10_000, "\x00"])
def test_unknown_tokens_are_not_authenticated(service: Authgate, bad: str) -> None:
    with pytest.raises(NotAuthenticated):
        service.sessions.validate(bad)
    with pytest.raises(NotAuthenticated):
        service.sessions.validate_id(bad)


def test_idle_timeout_slides(service: Authgate, alice: int, clock: FrozenClock) -> None:
    token = service.logins.password("alice", GOOD).token
    for _ in range(5):  # 5 x 25 min of activity: well past 30 min in total
        clock.advance(minutes=25)
        service.sessions.validate(token)
    clock.advance(minutes=31)
    with pytest.raises(SessionExpired):
        service.sessions.validate(token)


def test_absolute_lifetime_does_not_slide(
    service: Authgate, alice: int, clock: FrozenClock
) -> None:
    token = service.logins.password("alice", GOOD).token
    for _ in range(24):
        clock.advance(minutes=29)
        service.sessions.validate(token)
    clock.advance(minutes=29)  # 12 h 05 min after login, 29 min after last use
    with pytest.raises(SessionExpired):
        service.sessions.validate(token)


def test_remember_me_lasts_thirty_days(service: Authgate, alice: int, clock: FrozenClock) -> None:
    result = service.logins.password("alice", GOOD, remember=True)
    assert result.session.absolute_expires_at - result.session.created_at == timedelta(days=30)
    clock.advance(days=3)  # a closed laptop lid over a weekend
    service.sessions.validate(result.token)
    clock.advance(days=28)
    with pytest.raises(SessionExpired):
        service.sessions.validate(result.token)


def test_last_seen_written_at_most_once_a_minute(
    service: Authgate, alice: int, clock: FrozenClock
) -> None:
    result = service.logins.password("alice", GOOD)
    clock.advance(seconds=30)
    assert service.sessions.validate(result.token).session.last_seen_at == result.session.created_at
    clock.advance(seconds=31)
    seen = service.sessions.validate(result.token).session.last_seen_at
    assert seen == clock.now()
    assert service.sessions.validate(result.token, touch=False).session.last_seen_at == seen


def test_logout_revokes(service: Authgate, alice: int) -> None:
    result = service.logins.password("alice", GOOD)
    version = service.state_version
    assert service.sessions.logout(token=result.token)
    assert service.state_version > version
    with pytest.raises(NotAuthenticated):
        service.sessions.validate(result.token)
    assert not service.sessions.logout(token=result.token)  # twice is harmless
    assert service.audit.list(event_type="session.logout")[0].user_id == alice


def test_revoke_all_but_current(service: Authgate, alice: int) -> None:
    keep, other1, other2 = (service.logins.password("alice", GOOD) for _ in range(3))
    assert service.sessions.revoke_all(alice, keep_session_id=keep.session.id) == 2
    service.sessions.validate(keep.token)
    for gone in (other1, other2):
        with pytest.raises(NotAuthenticated):
            service.sessions.validate(gone.token)


def test_revoke_session_checks_owner(service: Authgate, alice: int) -> None:
    bob = service.accounts.register("bob", GOOD).id
    session = service.logins.password("alice", GOOD).session
    assert not service.sessions.revoke(session.id, user_id=bob)
    assert service.sessions.revoke(session.id, user_id=alice)


def test_list_sessions_shows_device_details(service: Authgate, alice: int) -> None:
    service.logins.password("alice", GOOD, ip="192.0.2.7", user_agent="Firefox/140")
    (record,) = service.sessions.list_for(alice)
    assert (record.ip, record.user_agent) == ("192.0.2.7", "Firefox/140")
    assert record.user_id == alice
    assert service.sessions.count_active() == 1


def test_disabling_or_deleting_a_user_ends_their_sessions(service: Authgate, alice: int) -> None:
    token = service.logins.password("alice", GOOD).token
    service.accounts.set_active(alice, False, actor_id=0)
    with pytest.raises(NotAuthenticated):
        service.sessions.validate(token)
    service.accounts.set_active(alice, True, actor_id=0)
    token = service.logins.password("alice", GOOD).token
    service.accounts.delete_user(alice, actor_id=0)
    with pytest.raises(NotAuthenticated):  # a cookie naming a deleted user: no crash
        service.sessions.validate(token)


def test_session_of_a_disabled_user_found_by_id_is_revoked(service: Authgate, alice: int) -> None:
    session_id = service.logins.password("alice", GOOD).session.id
    with db_session(service) as db:  # simulate a replica that disabled without deleting sessions
        from authgate.store.models import User

        user = db.get(User, alice)
        assert user is not None
        user.is_active = False
    with pytest.raises(SessionRevoked):
        service.sessions.validate_id(session_id)


def test_cookie_ticket_is_single_use_and_rotates_the_token(service: Authgate, alice: int) -> None:
    login = service.logins.password("alice", GOOD)
    ticket = service.sessions.issue_cookie_ticket(login.session.id)
    cookie_token, context = service.sessions.redeem_cookie_ticket(ticket)
    assert context.session.id == login.session.id and context.user.id == alice
    assert service.sessions.validate(cookie_token).session.id == login.session.id
    with pytest.raises(NotAuthenticated):  # the login's token was rotated away
        service.sessions.validate(login.token)
    with pytest.raises(TokenReused):
        service.sessions.redeem_cookie_ticket(ticket)


def test_cookie_ticket_expires(service: Authgate, alice: int, clock: FrozenClock) -> None:
    ticket = service.sessions.issue_cookie_ticket(service.logins.password("alice", GOOD).session.id)
    clock.advance(seconds=61)
    with pytest.raises(TokenExpired):
        service.sessions.redeem_cookie_ticket(ticket)


@pytest.mark.parametrize("bad", ["", "forged", "x" * 600])
def test_bad_tickets(service: Authgate, bad: str) -> None:
    with pytest.raises(InvalidToken):
        service.sessions.redeem_cookie_ticket(bad)


def test_ticket_for_a_revoked_session_is_useless(service: Authgate, alice: int) -> None:
    login = service.logins.password("alice", GOOD)
    ticket = service.sessions.issue_cookie_ticket(login.session.id)
    service.sessions.logout(session_id=login.session.id)
    with pytest.raises((InvalidToken, NotAuthenticated)):
        service.sessions.redeem_cookie_ticket(ticket)


def test_cleanup_deletes_expired_sessions_in_batches(
    service: Authgate, alice: int, clock: FrozenClock
) -> None:
    for _ in range(7):
        service.logins.password("alice", GOOD)
    clock.advance(hours=1)
    live = service.logins.password("alice", GOOD)
    assert service.sessions.cleanup(batch_size=3) == 7
    with db_session(service) as db:
        assert db.scalar(select(func.count()).select_from(Session)) == 1
    service.sessions.validate(live.token)
