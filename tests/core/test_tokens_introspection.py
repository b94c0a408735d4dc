"""Introspection (RFC 7662) and revocation (RFC 7009) of access and refresh tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from authgate.core.clock import FrozenClock
from authgate.core.tokens.introspection import TokenIntrospection
from authgate.core.tokens.service import TokenPair
from authgate.errors import InvalidToken, NotAuthenticated
from authgate.root import Authgate

PASSWORD = "correct horse battery staple"


@pytest.fixture
def pair(service: Authgate) -> TokenPair:
    """Alice's tokens, asked for by the client ``spa``."""
    service.accounts.register("alice", PASSWORD)
    return service.tokens.login("alice", PASSWORD, client_id="spa")


@pytest.fixture
def introspection(service: Authgate) -> TokenIntrospection:
    return service.introspection


def test_an_active_access_token(introspection: TokenIntrospection, pair: TokenPair) -> None:
    status = introspection.introspect(pair.access_token)
    assert status is not None and status.kind == "access_token"
    assert status.user.username == "alice" and status.session_id == pair.claims.sid
    assert (status.issued_at, status.expires_at) == (pair.claims.iat, pair.claims.exp)
    assert status.client_id == "spa"


def test_an_active_refresh_token(
    introspection: TokenIntrospection, pair: TokenPair, clock: FrozenClock
) -> None:
    status = introspection.introspect(pair.refresh_token)
    assert status is not None and status.kind == "refresh_token"
    assert status.user.username == "alice" and status.session_id == pair.claims.sid
    assert status.issued_at == clock.now() and status.expires_at == pair.refresh_expires_at
    assert status.client_id is None, "refresh tokens are not bound to a client"


def test_either_kind_is_recognised_without_a_hint(
    introspection: TokenIntrospection, pair: TokenPair
) -> None:
    for token, kind in ((pair.access_token, "access_token"), (pair.refresh_token, "refresh_token")):
        status = introspection.introspect(token)
        assert status is not None and status.kind == kind


@pytest.mark.parametrize("token", [None, "", "garbage", 42, "x" * 10_000, "a.b.c"])
def test_garbage_is_not_active(introspection: TokenIntrospection, token: object) -> None:
    assert introspection.introspect(token) is None
    assert introspection.revoke(token) is False


def test_used_and_expired_tokens_are_not_active(
    service: Authgate, introspection: TokenIntrospection, pair: TokenPair, clock: FrozenClock
) -> None:
    newer = service.tokens.refresh(pair.refresh_token)
    assert introspection.introspect(pair.refresh_token) is None, "used"
    assert introspection.introspect(newer.refresh_token) is not None
    clock.advance(timedelta(minutes=15))
    assert introspection.introspect(newer.access_token) is None, "expired"
    clock.advance(timedelta(days=7))
    assert introspection.introspect(newer.refresh_token) is None, "expired"


def test_revoking_a_refresh_token_ends_family_and_session(
    service: Authgate, introspection: TokenIntrospection, pair: TokenPair
) -> None:
    assert introspection.revoke(pair.refresh_token) is True
    assert introspection.introspect(pair.refresh_token) is None
    assert introspection.introspect(pair.access_token) is None
    with pytest.raises(InvalidToken):
        service.tokens.refresh(pair.refresh_token)
    with pytest.raises(NotAuthenticated):
        service.tokens.authenticate(pair.access_token)


def test_revoking_an_access_token_ends_its_session(
    service: Authgate, introspection: TokenIntrospection, pair: TokenPair
) -> None:
    assert introspection.revoke(pair.access_token) is True
    assert introspection.introspect(pair.refresh_token) is None
    with pytest.raises(InvalidToken):
        service.tokens.refresh(pair.refresh_token)
    assert introspection.revoke(pair.access_token) is False, "nothing left to end"


def test_revocation_is_audited_as_a_logout(
    service: Authgate, introspection: TokenIntrospection, pair: TokenPair
) -> None:
    introspection.revoke(pair.access_token, ip="203.0.113.9", user_agent="oauth-client")
    assert service.sessions.list_for(pair.user.id) == []
    (row,) = service.audit.list(event_type="session.logout")
    assert (row.user_id, row.ip, row.user_agent) == (pair.user.id, "203.0.113.9", "oauth-client")
