"""SQLAlchemy 2.0 models: the only place authgate's tables are described.

Times are stored as timezone-aware UTC. Secrets (session tokens, one-time
tokens, refresh tokens, recovery codes) are stored only as SHA-256 hex digests,
so a copy of the database yields no live credential.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    exists,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

__all__ = [
    "AuditEvent",
    "Base",
    "Identity",
    "InvalidationCounter",
    "LoginThrottle",
    "MfaSecret",
    "OneTimeToken",
    "Passkey",
    "RecoveryCode",
    "RefreshToken",
    "Role",
    "Session",
    "User",
    "UserRole",
    "Visitor",
    "utc",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc(value: datetime) -> datetime:
    """Attach UTC to a naive datetime (SQLite and MySQL return naive values)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A DateTime that always comes back timezone-aware in UTC, on every backend."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "mysql":
            from sqlalchemy.dialects.mysql import DATETIME

            return dialect.type_descriptor(DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = utc(value).astimezone(UTC)
        if dialect.name in {"mysql", "sqlite"}:
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc(value).astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


class User(Base):
    __tablename__ = "authgate_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320), unique=True)
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None]
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]

    roles: Mapped[list[Role]] = relationship(
        secondary="authgate_user_roles", lazy="selectin", order_by="Role.name"
    )


class Role(Base):
    __tablename__ = "authgate_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class UserRole(Base):
    __tablename__ = "authgate_user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("authgate_users.id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[int] = mapped_column(
        ForeignKey("authgate_roles.id", ondelete="CASCADE"), primary_key=True
    )


class Session(Base):
    """A server-side login session; the browser holds the token, we hold its hash."""

    __tablename__ = "authgate_sessions"
    __table_args__ = (
        Index("ix_authgate_sessions_user_id", "user_id"),
        Index("ix_authgate_sessions_expires_at", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("authgate_users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    idle_timeout_seconds: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime]
    absolute_expires_at: Mapped[datetime]
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    mfa: Mapped[bool] = mapped_column(Boolean, default=False)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))


class Visitor(Base):
    """An anonymous visitor (a browser not logged in that the app keeps data for).

    Like a session, the browser holds the token and we hold its hash; the
    ``id`` is what applications store their visitor-owned rows under.
    """

    __tablename__ = "authgate_visitors"
    __table_args__ = (Index("ix_authgate_visitors_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ip: Mapped[str | None] = mapped_column(String(64))


class OneTimeToken(Base):
    """A single-use, purpose-tagged token (email verification, reset, cookie ticket)."""

    __tablename__ = "authgate_one_time_tokens"
    __table_args__ = (Index("ix_authgate_one_time_tokens_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("authgate_users.id", ondelete="CASCADE"))
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("authgate_sessions.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RefreshToken(Base):
    """One link of a refresh-token family; a reused link revokes the whole family."""

    __tablename__ = "authgate_refresh_tokens"
    __table_args__ = (Index("ix_authgate_refresh_tokens_family_id", "family_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    family_id: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("authgate_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("authgate_users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEvent(Base):
    """One auth event; ``user_id`` is not a foreign key so history outlives users."""

    __tablename__ = "authgate_audit_events"
    __table_args__ = (
        Index("ix_authgate_audit_events_occurred_at", "occurred_at"),
        Index("ix_authgate_audit_events_user_id", "user_id"),
        Index("ix_authgate_audit_events_event_type", "event_type"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    occurred_at: Mapped[datetime]
    event_type: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(320))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class LoginThrottle(Base):
    """Failure counter of one key: ``account:<id>``, ``login:<name>`` or ``ip:<address>``."""

    __tablename__ = "authgate_login_throttle"
    __table_args__ = (UniqueConstraint("key", name="uq_authgate_login_throttle_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(400))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime]
    last_failure_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    # Attempts refused while the key was locked, not yet written to the audit log.
    refused: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MfaSecret(Base):
    """A user's TOTP secret, encrypted, and the last time step accepted from it.

    A row with ``enabled`` false is an enrolment in progress. ``last_used_step``
    is the replay guard: a code is accepted only for a later step, by one
    conditional UPDATE, so two replicas cannot both accept the same code.
    """

    __tablename__ = "authgate_mfa"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("authgate_users.id", ondelete="CASCADE"), primary_key=True
    )
    secret_ciphertext: Mapped[str] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(Base):
    """One single-use recovery code, stored as HMAC-SHA256 of user and code (older: SHA-256)."""

    __tablename__ = "authgate_recovery_codes"
    __table_args__ = (Index("ix_authgate_recovery_codes_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("authgate_users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Passkey(Base):
    """A WebAuthn credential: its id, public key (never a private key), counter and flags.

    Credential ids may be up to 1023 bytes, too long for a portable unique
    index, so uniqueness and lookups go through ``credential_key``, their SHA-256.
    """

    __tablename__ = "authgate_passkeys"
    __table_args__ = (Index("ix_authgate_passkeys_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("authgate_users.id", ondelete="CASCADE"))
    credential_key: Mapped[str] = mapped_column(String(64), unique=True)
    credential_id: Mapped[str] = mapped_column(String(1400))
    user_handle: Mapped[str] = mapped_column(String(100))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(64))
    transports: Mapped[list[str]] = mapped_column(JSON, default=list)
    aaguid: Mapped[str] = mapped_column(String(36))
    backup_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    backed_up: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class Identity(Base):
    """An identity at an OpenID provider (issuer + subject) linked to one account."""

    __tablename__ = "authgate_identities"
    __table_args__ = (
        UniqueConstraint("provider", "issuer", "subject", name="uq_authgate_identities_subject"),
        Index("ix_authgate_identities_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("authgate_users.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    linked_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class InvalidationCounter(Base):
    """One row: moves with every change that may end or alter cached sessions.

    The database's own invalidation channel (``store/notify_db.py``) for
    stores without ``LISTEN/NOTIFY`` or Redis: a stale change increments it in
    its own transaction, and every process polls it.
    """

    __tablename__ = "authgate_invalidation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
    origin: Mapped[str] = mapped_column(String(32))


# ``User.mfa_enabled``: loaded in the same SELECT as the user (a correlated
# EXISTS), so reading a user stays one query and needs no join in callers.
User.__mapper__.add_property(
    "mfa_enabled",
    column_property(
        exists().where(MfaSecret.user_id == User.id, MfaSecret.enabled.is_(True)),
        deferred=False,
    ),
)
