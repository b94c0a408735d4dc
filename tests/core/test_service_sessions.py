"""Sessions: opaque tokens, timeouts, revocation, tickets, cleanup."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from authgate.core.clock import FrozenClock
from authgate.core.errors import (
    InvalidToken,
    NotAuthenticated,
    SessionExpired,
    SessionRevoked,
    TokenExpired,
    TokenReused,
)
from authgate.core.service import AuthService
from authgate.store.models import Session

GOOD = "correct horse battery"


@pytest.fixture
def alice(service: AuthService) -> int:
    return service.register("alice", GOOD).id


def test_token_is_256_bits_and_only_its_hash_is_stored(service: AuthService, alice: int) -> None:
    result = service.login("alice", GOOD)
    assert len(result.token) >= 43  # 32 random bytes, URL-safe base64
    with service._db() as db:
        row = db.get(Session, result.session.id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(result.token.encode()).hexdigest()
        stored = [str(v) for v in row.__dict__.values()]
    assert result.token not in stored
    assert "token" not in repr(result)


def test_every_login_gets_a_new_session(service: AuthService, alice: int) -> None:
    first, second = service.login("alice", GOOD), service.login("alice", GOOD)
    assert first.session.id != second.session.id and first.token != second.token
    assert service.validate_session(first.token).session.id == first.session.id
    assert len(service.list_sessions(alice)) == 2


@pytest.mark.parametrize("bad", ["", "nope", "x" * 10_000, "\x00"])
def test_unknown_tokens_are_not_authenticated(service: AuthService, bad: str) -> None:
    with pytest.raises(NotAuthenticated):
        service.validate_session(bad)
    with pytest.raises(NotAuthenticated):
        service.validate_session_id(bad)


def test_idle_timeout_slides(service: AuthService, alice: int, clock: FrozenClock) -> None:
    token = service.login("alice", GOOD).token
    for _ in range(5):  # 5 x 25 min of activity: well past 30 min in total
        clock.advance(minutes=25)
        service.validate_session(token)
    clock.advance(minutes=31)
    with pytest.raises(SessionExpired):
        service.validate_session(token)


def test_absolute_lifetime_does_not_slide(
    service: AuthService, alice: int, clock: FrozenClock
) -> None:
    token = service.login("alice", GOOD).token
    for _ in range(24):
        clock.advance(minutes=29)
        service.validate_session(token)
    clock.advance(minutes=29)  # 12 h 05 min after login, 29 min after last use
    with pytest.raises(SessionExpired):
        service.validate_session(token)


def test_remember_me_lasts_thirty_days(
    service: AuthService, alice: int, clock: FrozenClock
) -> None:
    result = service.login("alice", GOOD, remember=True)
    assert result.session.absolute_expires_at - result.session.created_at == timedelta(days=30)
    clock.advance(days=3)  # a closed laptop lid over a weekend
    service.validate_session(result.token)
    clock.advance(days=28)
    with pytest.raises(SessionExpired):
        service.validate_session(result.token)


def test_last_seen_written_at_most_once_a_minute(
    service: AuthService, alice: int, clock: FrozenClock
) -> None:
    result = service.login("alice", GOOD)
    clock.advance(seconds=30)
    assert service.validate_session(result.token).session.last_seen_at == result.session.created_at
    clock.advance(seconds=31)
    seen = service.validate_session(result.token).session.last_seen_at
    assert seen == clock.now()
    assert service.validate_session(result.token, touch=False).session.last_seen_at == seen


def test_logout_revokes(service: AuthService, alice: int) -> None:
    result = service.login("alice", GOOD)
    version = service.state_version
    assert service.logout(token=result.token)
    assert service.state_version > version
    with pytest.raises(NotAuthenticated):
        service.validate_session(result.token)
    assert not service.logout(token=result.token)  # twice is harmless
    assert service.list_audit_events(event_type="session.logout")[0].user_id == alice


def test_revoke_all_but_current(service: AuthService, alice: int) -> None:
    keep, other1, other2 = (service.login("alice", GOOD) for _ in range(3))
    assert service.revoke_user_sessions(alice, keep_session_id=keep.session.id) == 2
    service.validate_session(keep.token)
    for gone in (other1, other2):
        with pytest.raises(NotAuthenticated):
            service.validate_session(gone.token)


def test_revoke_session_checks_owner(service: AuthService, alice: int) -> None:
    bob = service.register("bob", GOOD).id
    session = service.login("alice", GOOD).session
    assert not service.revoke_session(session.id, user_id=bob)
    assert service.revoke_session(session.id, user_id=alice)


def test_list_sessions_shows_device_details(service: AuthService, alice: int) -> None:
    service.login("alice", GOOD, ip="192.0.2.7", user_agent="Firefox/140")
    (record,) = service.list_sessions(alice)
    assert (record.ip, record.user_agent) == ("192.0.2.7", "Firefox/140")
    assert record.user_id == alice
    assert service.count_active_sessions() == 1


def test_disabling_or_deleting_a_user_ends_their_sessions(service: AuthService, alice: int) -> None:
    token = service.login("alice", GOOD).token
    service.set_active(alice, False, actor_id=0)
    with pytest.raises(NotAuthenticated):
        service.validate_session(token)
    service.set_active(alice, True, actor_id=0)
    token = service.login("alice", GOOD).token
    service.delete_user(alice, actor_id=0)
    with pytest.raises(NotAuthenticated):  # a cookie naming a deleted user: no crash
        service.validate_session(token)


def test_session_of_a_disabled_user_found_by_id_is_revoked(
    service: AuthService, alice: int
) -> None:
    session_id = service.login("alice", GOOD).session.id
    with service._db() as db:  # simulate a replica that disabled without deleting sessions
        from authgate.store.models import User

        user = db.get(User, alice)
        assert user is not None
        user.is_active = False
    with pytest.raises(SessionRevoked):
        service.validate_session_id(session_id)


def test_cookie_ticket_is_single_use_and_rotates_the_token(
    service: AuthService, alice: int
) -> None:
    login = service.login("alice", GOOD)
    ticket = service.issue_cookie_ticket(login.session.id)
    cookie_token, context = service.redeem_cookie_ticket(ticket)
    assert context.session.id == login.session.id and context.user.id == alice
    assert service.validate_session(cookie_token).session.id == login.session.id
    with pytest.raises(NotAuthenticated):  # the login's token was rotated away
        service.validate_session(login.token)
    with pytest.raises(TokenReused):
        service.redeem_cookie_ticket(ticket)


def test_cookie_ticket_expires(service: AuthService, alice: int, clock: FrozenClock) -> None:
    ticket = service.issue_cookie_ticket(service.login("alice", GOOD).session.id)
    clock.advance(seconds=61)
    with pytest.raises(TokenExpired):
        service.redeem_cookie_ticket(ticket)


@pytest.mark.parametrize("bad", ["", "forged", "x" * 600])
def test_bad_tickets(service: AuthService, bad: str) -> None:
    with pytest.raises(InvalidToken):
        service.redeem_cookie_ticket(bad)


def test_ticket_for_a_revoked_session_is_useless(service: AuthService, alice: int) -> None:
    login = service.login("alice", GOOD)
    ticket = service.issue_cookie_ticket(login.session.id)
    service.logout(session_id=login.session.id)
    with pytest.raises((InvalidToken, NotAuthenticated)):
        service.redeem_cookie_ticket(ticket)


def test_cleanup_deletes_expired_sessions_in_batches(
    service: AuthService, alice: int, clock: FrozenClock
) -> None:
    for _ in range(7):
        service.login("alice", GOOD)
    clock.advance(hours=1)
    live = service.login("alice", GOOD)
    assert service.cleanup(batch_size=3) == 7
    with service._db() as db:
        assert db.scalar(select(func.count()).select_from(Session)) == 1
    service.validate_session(live.token)
