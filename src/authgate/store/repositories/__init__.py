"""The repositories: core's storage ports over SQLAlchemy, one module per port.

``SqlStore`` hands out a ``SqlRepositories`` per transaction; every repository
in it works on that transaction's one SQLAlchemy connection and answers in core
records, never in rows.
"""

from __future__ import annotations

from sqlalchemy import Connection

from authgate.core.ports import (
    AuditRepository,
    IdentityRepository,
    MfaRepository,
    OneTimeTokenRepository,
    PasskeyRepository,
    RefreshTokenRepository,
    SessionRepository,
    UserRepository,
    VisitorRepository,
)
from authgate.store.repositories.audit import SqlAuditRepository
from authgate.store.repositories.identities import SqlIdentityRepository
from authgate.store.repositories.mfa import SqlMfaRepository
from authgate.store.repositories.passkeys import SqlPasskeyRepository
from authgate.store.repositories.sessions import SqlSessionRepository
from authgate.store.repositories.tokens import (
    SqlOneTimeTokenRepository,
    SqlRefreshTokenRepository,
)
from authgate.store.repositories.users import SqlUserRepository
from authgate.store.repositories.visitors import SqlVisitorRepository

__all__ = [
    "SqlAuditRepository",
    "SqlIdentityRepository",
    "SqlMfaRepository",
    "SqlOneTimeTokenRepository",
    "SqlPasskeyRepository",
    "SqlRefreshTokenRepository",
    "SqlRepositories",
    "SqlSessionRepository",
    "SqlUserRepository",
    "SqlVisitorRepository",
]


class SqlRepositories:
    """Every repository bound to one open transaction (``core.ports.Repositories``).

    ``db`` is that transaction's SQLAlchemy connection, public so that other
    store components (the SQL throttle) can answer inside the same read.
    The ``dialect`` argument (the backend's name) picks the SQL a few statements need.
    """

    __slots__ = (
        "audit",
        "db",
        "identities",
        "mfa",
        "one_time_tokens",
        "passkeys",
        "refresh_tokens",
        "sessions",
        "users",
        "visitors",
    )

    def __init__(self, db: Connection, *, dialect: str) -> None:
        self.db = db
        # Typed as the ports, so mypy holds each implementation to its port.
        self.users: UserRepository = SqlUserRepository(db, dialect=dialect)
        self.sessions: SessionRepository = SqlSessionRepository(db, dialect=dialect)
        self.one_time_tokens: OneTimeTokenRepository = SqlOneTimeTokenRepository(db)
        self.refresh_tokens: RefreshTokenRepository = SqlRefreshTokenRepository(db)
        self.mfa: MfaRepository = SqlMfaRepository(db)
        self.audit: AuditRepository = SqlAuditRepository(db)
        self.visitors: VisitorRepository = SqlVisitorRepository(db)
        self.passkeys: PasskeyRepository = SqlPasskeyRepository(db)
        self.identities: IdentityRepository = SqlIdentityRepository(db)
