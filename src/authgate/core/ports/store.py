"""The store as core sees it: transactions that hand out repositories.

``authgate.store`` implements this over SQLAlchemy; core never imports it.
A write transaction commits when its ``with`` block ends without an error and
rolls back otherwise; a read transaction never writes (on SQLite it takes no
write lock). A database that cannot be reached raises ``StoreUnavailable``
from either.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from authgate.core.ports.audit import AuditRepository
from authgate.core.ports.mfa import MfaRepository
from authgate.core.ports.passkeys import PasskeyRepository
from authgate.core.ports.sessions import SessionRepository
from authgate.core.ports.tokens import OneTimeTokenRepository, RefreshTokenRepository
from authgate.core.ports.users import UserRepository
from authgate.core.ports.visitors import VisitorRepository

__all__ = ["DuplicateRecord", "Repositories", "Store"]


class DuplicateRecord(Exception):
    """A unique key is already taken (a username, an email, a racing insert)."""


class Repositories(Protocol):
    """Every repository, bound to one open transaction."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def one_time_tokens(self) -> OneTimeTokenRepository: ...

    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...

    @property
    def mfa(self) -> MfaRepository: ...

    @property
    def audit(self) -> AuditRepository: ...

    @property
    def visitors(self) -> VisitorRepository: ...

    @property
    def passkeys(self) -> PasskeyRepository: ...


class Store(Protocol):
    def write(self) -> AbstractContextManager[Repositories, None]:
        """A read-write transaction."""
        ...

    def read(self) -> AbstractContextManager[Repositories, None]:
        """A read-only transaction (cheaper; never blocks writers on SQLite)."""
        ...

    def migrate(self) -> None:
        """Create or upgrade the schema; StoreUnavailable when the database is down."""
        ...

    def health(self) -> bool:
        """True when the database answers."""
        ...

    def close(self) -> None: ...
