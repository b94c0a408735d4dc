"""Refresh-token families: rotation, reuse detection, expiry, logout, and the race."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, func, select, text

from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.core.events import AuthEvent
from authgate.core.ports.audit import AuditQuery
from authgate.core.records import AuditRecord
from authgate.core.tokens.jwt_keys import generate_private_key, private_key_pem
from authgate.core.tokens.service import TokenPair, TokenService
from authgate.errors import (
    AuthgateError,
    InvalidToken,
    NotAuthenticated,
    SessionExpired,
    TokenExpired,
    TokenReused,
)
from authgate.root import Authgate
from authgate.store.engine import create_store_engine
from authgate.store.models import RefreshToken

PASSWORD = "correct horse battery staple"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
SIGNING_KEY = private_key_pem(generate_private_key("EdDSA")).decode()


def make_settings(tmp_path: Path, **overrides: Any) -> AuthgateSettings:
    """Settings with cheap Argon2, a fixed signing key and an in-memory database."""
    options: dict[str, Any] = {
        "argon2_memory_cost": 8192,
        "argon2_time_cost": 1,
        "database_url": "sqlite://",
        "data_dir": tmp_path / "data",
        "jwt_private_key": SIGNING_KEY,
    }
    options.update(overrides)
    return AuthgateSettings(**options)


@pytest.fixture
def settings(tmp_path: Path) -> AuthgateSettings:
    return make_settings(tmp_path)


@pytest.fixture
def app(settings: AuthgateSettings, clock: FrozenClock) -> Iterator[Authgate]:
    root = Authgate.from_settings(settings, clock=clock)
    yield root
    root.store.close()


@pytest.fixture
def tokens(app: Authgate) -> TokenService:
    return app.tokens


@pytest.fixture
def alice(app: Authgate) -> int:
    return app.accounts.register("alice", PASSWORD, email="alice@example.com").id


def _family_rows(app: Authgate) -> list[Row[Any]]:
    with app.store.engine.connect() as connection:
        return list(connection.execute(select(RefreshToken).order_by(RefreshToken.id)).all())


def _audit(app: Authgate, event_type: str) -> list[AuditRecord]:
    with app.uow.read() as repos:
        return repos.audit.list(AuditQuery(event_type=event_type))


def test_login_starts_a_family_and_refresh_rotates_it(
    tokens: TokenService, app: Authgate, alice: int
) -> None:
    first = tokens.login("alice", PASSWORD)
    second = tokens.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.claims.sid == first.claims.sid, "the session stays the same"
    assert second.claims.jti != first.claims.jti
    rows = _family_rows(app)
    assert len(rows) == 2 and rows[0].family_id == rows[1].family_id
    assert rows[0].used_at is not None and rows[1].used_at is None
    assert all(r.token_hash not in (first.refresh_token, second.refresh_token) for r in rows)
    assert tokens.authenticate(second.access_token).user.id == alice


def test_the_asking_client_is_named_in_each_access_token(tokens: TokenService, alice: int) -> None:
    first = tokens.login("alice", PASSWORD, client_id="spa")
    assert first.claims.client_id == "spa"
    assert tokens.refresh(first.refresh_token, client_id="spa").claims.client_id == "spa"
    assert tokens.login("alice", PASSWORD).claims.client_id is None


def test_reuse_revokes_the_family_and_the_session_and_is_audited(
    tokens: TokenService, app: Authgate, alice: int
) -> None:
    seen: list[AuthEvent] = []
    app.uow.hooks.append(seen.append)
    first = tokens.login("alice", PASSWORD)
    second = tokens.refresh(first.refresh_token)
    with pytest.raises(TokenReused):
        tokens.refresh(first.refresh_token)
    with pytest.raises(InvalidToken):
        tokens.refresh(second.refresh_token)
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(second.access_token)
    tokens.verify(second.access_token)  # stateless checks cannot know (documented)
    assert app.sessions.list_for(alice) == []
    reused = _audit(app, "token.reused")
    assert len(reused) == 1
    assert reused[0].user_id == alice and reused[0].outcome == "failure"
    assert reused[0].detail["session_id"] == first.claims.sid
    assert reused[0].detail["family_id"]
    revoked = _audit(app, "session.revoked")
    assert revoked[0].detail["reason"] == "refresh_token_reused"
    assert [e.event_type for e in seen][-2:] == ["token.reused", "session.revoked"]


def test_other_families_of_the_user_survive_a_reuse(tokens: TokenService, alice: int) -> None:
    laptop = tokens.login("alice", PASSWORD)
    phone = tokens.login("alice", PASSWORD)
    tokens.refresh(laptop.refresh_token)
    with pytest.raises(TokenReused):
        tokens.refresh(laptop.refresh_token)
    assert tokens.refresh(phone.refresh_token).user.id == alice


def test_refresh_token_expires(tokens: TokenService, clock: FrozenClock, alice: int) -> None:
    pair = tokens.login("alice", PASSWORD)
    assert pair.refresh_expires_at - clock.now() == timedelta(days=7)
    clock.advance(days=7)
    with pytest.raises(TokenExpired):
        tokens.refresh(pair.refresh_token)


def test_rotation_slides_the_refresh_expiry(
    tokens: TokenService, clock: FrozenClock, alice: int
) -> None:
    pair = tokens.login("alice", PASSWORD)
    for _ in range(3):
        clock.advance(days=6)
        pair = tokens.refresh(pair.refresh_token)
    assert pair.refresh_expires_at - clock.now() == timedelta(days=7)


def test_family_never_outlives_its_session(
    tokens: TokenService, clock: FrozenClock, settings: AuthgateSettings, alice: int
) -> None:
    pair = tokens.login("alice", PASSWORD, remember=False)
    lifetime = settings.session_absolute_lifetime
    assert pair.refresh_expires_at - clock.now() == lifetime
    for _ in range(int(lifetime / timedelta(minutes=20)) - 1):
        clock.advance(minutes=20)  # refreshing slides the 30-minute idle timeout
        pair = tokens.refresh(pair.refresh_token)
    clock.advance(minutes=40)
    with pytest.raises((TokenExpired, SessionExpired)):
        tokens.refresh(pair.refresh_token)


def test_idle_session_cannot_be_refreshed(
    tokens: TokenService, clock: FrozenClock, alice: int
) -> None:
    pair = tokens.login("alice", PASSWORD, remember=False)
    clock.advance(minutes=31)
    with pytest.raises(SessionExpired):
        tokens.refresh(pair.refresh_token)


def test_logout_by_refresh_token_ends_family_and_session(
    tokens: TokenService, app: Authgate, alice: int
) -> None:
    pair = tokens.login("alice", PASSWORD)
    assert tokens.logout(refresh_token=pair.refresh_token) is True
    with pytest.raises(InvalidToken):
        tokens.refresh(pair.refresh_token)
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(pair.access_token)
    assert tokens.logout(refresh_token=pair.refresh_token) is False
    assert tokens.logout(refresh_token="unknown") is False
    assert _audit(app, "session.logout")


def test_password_change_ends_the_other_families(
    tokens: TokenService, app: Authgate, alice: int
) -> None:
    kept = tokens.login("alice", PASSWORD)
    other = tokens.login("alice", PASSWORD)
    app.accounts.change_password(
        alice, PASSWORD, "another long passphrase 42", keep_session_id=kept.claims.sid
    )
    with pytest.raises(InvalidToken):
        tokens.refresh(other.refresh_token)
    assert tokens.refresh(kept.refresh_token).user.id == alice


def test_disabled_account_cannot_refresh(tokens: TokenService, app: Authgate, alice: int) -> None:
    pair = tokens.login("alice", PASSWORD)
    app.accounts.set_active(alice, False)
    with pytest.raises(AuthgateError):
        tokens.refresh(pair.refresh_token)
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(pair.access_token)


@pytest.mark.parametrize("token", [None, "", 5, "x" * 600, "not-a-token"])
def test_garbage_refresh_tokens_are_invalid(tokens: TokenService, token: object) -> None:
    with pytest.raises(InvalidToken):
        tokens.refresh(token)


def test_cleanup_deletes_expired_links(
    tokens: TokenService, app: Authgate, clock: FrozenClock, alice: int
) -> None:
    pair = tokens.login("alice", PASSWORD)
    tokens.refresh(pair.refresh_token)
    assert tokens.cleanup() == 0
    clock.advance(days=8)
    assert tokens.cleanup() == 2
    assert _family_rows(app) == []


# -- the race -------------------------------------------------------------------------


def _race(tokens: TokenService, refresh_token: str, threads: int = 8) -> list[object]:
    barrier = threading.Barrier(threads)
    results: list[object] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        try:
            outcome: object = tokens.refresh(refresh_token)
        except AuthgateError as error:
            outcome = error
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return results


def _assert_exactly_one_pair(app: Authgate, token: str) -> None:
    results = _race(app.tokens, token)
    pairs = [r for r in results if isinstance(r, TokenPair)]
    errors = [r for r in results if not isinstance(r, TokenPair)]
    assert len(results) == 8
    assert len(pairs) == 1, results
    assert all(isinstance(e, InvalidToken) for e in errors), errors
    assert any(isinstance(e, TokenReused) for e in errors)
    with app.store.engine.connect() as connection:
        links = connection.scalar(select(func.count()).select_from(RefreshToken))
    assert links is not None and links <= 2, "exactly one new link was written"
    assert _audit(app, "token.reused")


def test_concurrent_refresh_issues_exactly_one_pair_on_sqlite(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'race.db'}")
    app = Authgate.from_settings(settings)
    try:
        app.accounts.register("alice", PASSWORD)
        pair = app.tokens.login("alice", PASSWORD)
        _assert_exactly_one_pair(app, pair.refresh_token)
    finally:
        app.store.close()


@pytest.fixture
def pg_app(tmp_path: Path) -> Iterator[Authgate]:
    schema = f"authgate_api_{uuid.uuid4().hex[:12]}"
    admin = create_store_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL at {PG_URL} is required in CI: {error}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {type(error).__name__}")
    # libpq's ``options`` in the URL: every pooled connection works in the test's schema.
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    app = Authgate.from_settings(make_settings(tmp_path, database_url=url))
    try:
        yield app
    finally:
        app.store.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.serverdb
def test_concurrent_refresh_issues_exactly_one_pair_on_postgresql(pg_app: Authgate) -> None:
    pg_app.accounts.register("alice", PASSWORD)
    for _ in range(3):
        pair = pg_app.tokens.login("alice", PASSWORD)
        _assert_exactly_one_pair(pg_app, pair.refresh_token)
        with pg_app.store.engine.begin() as connection:
            connection.execute(text("DELETE FROM authgate_refresh_tokens"))


def _many_pairs(app: Authgate, user_id: int, count: int) -> list[TokenPair]:
    """``count`` token pairs, each of its own session (opened as a login opens one)."""
    user = app.accounts.get_user(user_id)
    assert user is not None
    pairs = []
    with app.uow.write() as work:
        for _ in range(count):
            pairs.append(app.tokens.issue(work, app.sessions.open_in(work, user)))
    return pairs


@pytest.mark.parametrize("memo_size", [0, 50, 1000])
def test_with_many_remembered_tokens_a_revocation_is_seen_at_once(
    tmp_path: Path, clock: FrozenClock, memo_size: int
) -> None:
    app = Authgate.from_settings(make_settings(tmp_path, token_memo_size=memo_size), clock=clock)
    try:
        user_id = app.accounts.register("alice", PASSWORD).id
        pairs = _many_pairs(app, user_id, 200)
        for _ in range(2):  # the second pass is answered from the memo and the cache
            for pair in pairs:
                assert app.tokens.authenticate(pair.access_token).claims.sid == pair.claims.sid
        revoked = pairs[::7]
        for pair in revoked:
            assert app.sessions.revoke(pair.claims.sid)
        for pair in pairs:
            if pair in revoked:
                with pytest.raises(NotAuthenticated):
                    app.tokens.authenticate(pair.access_token)
            else:
                app.tokens.authenticate(pair.access_token)
    finally:
        app.close()


def test_with_many_remembered_tokens_expiry_is_checked_on_each(
    tokens: TokenService, app: Authgate, alice: int, clock: FrozenClock
) -> None:
    pairs = _many_pairs(app, alice, 100)
    for pair in pairs:
        tokens.authenticate(pair.access_token)
    clock.advance(minutes=15)
    for pair in pairs:
        with pytest.raises(TokenExpired):
            tokens.authenticate(pair.access_token)


def test_token_memo_size_is_a_bounded_setting(tmp_path: Path) -> None:
    assert make_settings(tmp_path).token_memo_size == 16_384
    for bad in (-1, 1_000_001):
        with pytest.raises(ValueError, match="token_memo_size"):
            make_settings(tmp_path, token_memo_size=bad)
