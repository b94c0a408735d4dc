"""The session read cache and the verified-token memo: fast, and never stale past their bound."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login, make_settings
from fastapi.testclient import TestClient
from sqlalchemy import text

from authgate.api import create_api
from authgate.api._password_pool import PasswordWorkPool
from authgate.core.clock import FrozenClock
from authgate.core.sessions.cache import SessionCache
from authgate.core.tokens.jwk import VerificationKey
from authgate.core.tokens.jwt_keys import KeySet, generate_private_key
from authgate.core.tokens.jwt_tokens import AccessTokenIssuer, AccessTokenVerifier
from authgate.errors import InvalidToken, NotAuthenticated
from authgate.root import Authgate


def _two_processes(
    tmp_path: Path, clock: FrozenClock, **overrides: object
) -> tuple[Authgate, Authgate]:
    """An API process and a second process (say the CLI) on the same database file."""
    settings = make_settings(
        tmp_path, database_url=f"sqlite:///{tmp_path / 'shared.db'}", **overrides
    )
    api_service = Authgate.from_settings(settings, clock=clock)
    other = Authgate.from_settings(settings, clock=clock, migrate=False)
    return api_service, other


def test_revocation_by_another_process_is_seen_within_the_interval(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """Without an invalidation channel the revalidation interval is the bound."""
    api, other = _two_processes(tmp_path, clock, invalidation_channel="off")
    tokens = api.tokens
    other.accounts.register("alice", PASSWORD)
    pair = tokens.login("alice", PASSWORD)
    tokens.authenticate(pair.access_token)  # now cached
    other.sessions.revoke(pair.claims.sid)
    tokens.authenticate(pair.access_token)  # still inside the 5 s interval
    clock.advance(api.settings.session_revalidate_interval)
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(pair.access_token)


def test_revocation_by_another_process_arrives_through_the_database_counter(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """SQLite's own channel: seen within a second, then no interval is needed."""
    api, other = _two_processes(tmp_path, clock)
    tokens = api.tokens
    other.accounts.register("alice", PASSWORD)
    pair = tokens.login("alice", PASSWORD)
    kept = tokens.login("alice", PASSWORD)
    tokens.authenticate(pair.access_token)
    tokens.authenticate(kept.access_token)  # both cached
    other.sessions.revoke(pair.claims.sid)  # the CLI, say: announced by the counter
    deadline = time.monotonic() + 1.0
    while True:
        try:
            tokens.authenticate(pair.access_token)
        except NotAuthenticated:
            break
        assert time.monotonic() < deadline, "not refused within a second"
        time.sleep(0.02)
    tokens.authenticate(kept.access_token)  # re-read once, cached again
    with other.store.write() as repositories:  # behind authgate's back: nobody announces
        repositories.db.execute(  # type: ignore[attr-defined]
            text("DELETE FROM authgate_sessions WHERE id = :id"),
            {"id": kept.claims.sid},
        )
    clock.advance(timedelta(minutes=1))  # far past the 5 s interval: still the cached answer
    tokens.authenticate(kept.access_token)
    clock.advance(api.settings.session_cache_max_age)  # the backstop: read again
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(kept.access_token)


def test_revocation_in_this_process_is_seen_at_once(tmp_path: Path, clock: FrozenClock) -> None:
    api, _ = _two_processes(tmp_path, clock)
    tokens = api.tokens
    api.accounts.register("alice", PASSWORD)
    pair = tokens.login("alice", PASSWORD)
    tokens.authenticate(pair.access_token)
    api.sessions.revoke(pair.claims.sid)
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(pair.access_token)


def test_zero_interval_disables_the_cache(tmp_path: Path, clock: FrozenClock) -> None:
    api, other = _two_processes(tmp_path, clock, session_revalidate_interval=timedelta(0))
    tokens = api.tokens
    other.accounts.register("alice", PASSWORD)
    pair = tokens.login("alice", PASSWORD)
    tokens.authenticate(pair.access_token)
    other.sessions.revoke(pair.claims.sid)
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(pair.access_token)


def test_me_over_http_sees_a_local_logout_at_once(client: TestClient, alice: int) -> None:
    pair = login(client)
    assert client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"])).status_code == 200
    client.post(f"{PREFIX}/logout", headers=bearer(pair["access_token"]))
    assert_error(
        client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"])), 401, "not_authenticated"
    )


def test_session_cache_bounds(service: Authgate, alice: int, clock: FrozenClock) -> None:
    context = service.logins.password("alice", PASSWORD)
    session = service.sessions.validate_id(context.session.id, touch=False)
    cache = SessionCache(timedelta(seconds=5), max_entries=2)
    now = clock.now()
    cache.put(session, now=now, version=1)
    assert cache.get(session.session.id, now=now, version=1) is session
    assert cache.get(session.session.id, now=now, version=2) is None, "state changed"
    cache.put(session, now=now, version=1)
    assert cache.get(session.session.id, now=now + timedelta(seconds=5), version=1) is None
    cache.put(session, now=now, version=1)
    past_expiry = session.session.expires_at + timedelta(seconds=1)
    assert cache.get(session.session.id, now=past_expiry, version=1) is None
    with pytest.raises(ValueError):
        SessionCache(timedelta(seconds=1), max_entries=0)


class _SwappableKeys:
    """A resolver whose keys can change, like a refetched JWKS."""

    def __init__(self, keys: KeySet) -> None:
        self.current: dict[str, VerificationKey] = {k.kid: k for k in keys.verification_keys}

    def get(self, kid: str | None) -> VerificationKey | None:
        return self.current.get(kid or "")


def test_memo_skips_rechecks_but_not_expiry_or_key_removal(clock: FrozenClock) -> None:
    keys = KeySet.from_private_key(generate_private_key())
    resolver = _SwappableKeys(keys)
    issuer = AccessTokenIssuer(
        keys.signing, issuer="i", audience="a", ttl=timedelta(minutes=15), clock=clock
    )
    verifier = AccessTokenVerifier(resolver, issuer="i", audience="a", clock=clock)
    token = issuer.issue(user_id=1, username="u", roles=[], session_id="s").token
    first = verifier.verify(token)
    assert verifier.verify(token) is first, "remembered"
    resolver.current = {}
    with pytest.raises(InvalidToken):
        verifier.verify(token)
    resolver.current = {k.kid: k for k in keys.verification_keys}
    clock.advance(minutes=15)
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_memo_can_be_turned_off(clock: FrozenClock) -> None:
    keys = KeySet.from_private_key(generate_private_key())
    issuer = AccessTokenIssuer(
        keys.signing, issuer="i", audience="a", ttl=timedelta(minutes=15), clock=clock
    )
    verifier = AccessTokenVerifier(keys, issuer="i", audience="a", clock=clock, memo_size=0)
    token = issuer.issue(user_id=1, username="u", roles=[], session_id="s").token
    assert verifier.verify(token) is not verifier.verify(token)
    with pytest.raises(ValueError):
        AccessTokenVerifier(keys, issuer="i", audience="a", memo_size=-1)


def test_password_pool_runs_work_off_the_loop() -> None:
    import asyncio
    import threading

    pool = PasswordWorkPool(workers=1)
    names: list[str] = []

    async def main() -> int:
        return await pool.run(lambda x: names.append(threading.current_thread().name) or x, 7)

    assert asyncio.run(main()) == 7
    assert names[0].startswith("authgate-password")
    pool.shutdown()
    with pytest.raises(ValueError):
        PasswordWorkPool(workers=0)


def test_app_builds_with_default_token_service(tmp_path: Path) -> None:
    service = Authgate.from_settings(make_settings(tmp_path, jwt_private_key=None))
    with TestClient(create_api(service)) as client:
        assert client.get("/.well-known/jwks.json").status_code == 200
