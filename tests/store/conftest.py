"""Fixtures for the store's tests: a migrated ``SqlStore`` on each backend, and users in it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from authgate.core.clock import FrozenClock
from authgate.core.ports import NewSession, NewUser
from authgate.core.records import AuthUser, SessionRecord
from authgate.store import SqlStore

MakeUser = Callable[..., AuthUser]
MakeSession = Callable[..., SessionRecord]


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    """A store on a clean, migrated database of each kind."""
    built = SqlStore.from_url(database_url)
    built.migrate()
    yield built
    built.close()


@pytest.fixture
def make_user(store: SqlStore, clock: FrozenClock) -> MakeUser:
    """Add an account in its own committed transaction."""

    def make(
        username: str = "alice",
        *,
        email: str | None = None,
        display_name: str | None = None,
        roles: tuple[str, ...] = ("user",),
        password_hash: str = "$argon2id$stub",
        must_change_password: bool = False,
    ) -> AuthUser:
        with store.write() as repositories:
            return repositories.users.add(
                NewUser(
                    username=username,
                    username_key=username.casefold(),
                    email=email,
                    email_key=email.casefold() if email else None,
                    display_name=display_name if display_name is not None else username,
                    password_hash=password_hash,
                    password_changed_at=clock.now(),
                    must_change_password=must_change_password,
                    roles=roles,
                    created_at=clock.now(),
                )
            )

    return make


@pytest.fixture
def make_session(store: SqlStore, clock: FrozenClock) -> MakeSession:
    """Open a session row in its own committed transaction.

    ``name`` stands for the token: the row's digest is its SHA-256 and its id
    is the name's hex, padded to the 32 digits of a real session id.
    """

    def make(
        user_id: int,
        name: str = "a",
        *,
        idle: timedelta = timedelta(minutes=30),
        lifetime: timedelta = timedelta(hours=12),
        remember: bool = False,
        mfa: bool = False,
    ) -> SessionRecord:
        now = clock.now()
        with store.write() as repositories:
            return repositories.sessions.add(
                NewSession(
                    id=name.encode().hex().ljust(32, "0")[:32],
                    token_hash=hashlib.sha256(name.encode()).hexdigest(),
                    user_id=user_id,
                    created_at=now,
                    idle_timeout_seconds=int(idle.total_seconds()),
                    expires_at=min(now + idle, now + lifetime),
                    absolute_expires_at=now + lifetime,
                    remember=remember,
                    mfa=mfa,
                    ip="203.0.113.9",
                    user_agent="pytest",
                )
            )

    return make
