"""Plain, frozen views of stored rows, handed out by the core services.

Callers never hold ORM objects: a record is safe to cache, to keep in
``st.session_state`` or to serialize, and it cannot lazily hit the database
after its session closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from authgate.core.identity import sanitize_client_text

__all__ = [
    "AuditEntry",
    "AuditRecord",
    "AuthUser",
    "Client",
    "LoginResult",
    "SessionContext",
    "SessionRecord",
    "StrengthEstimate",
]


@dataclass(frozen=True)
class Client:
    """Where a request comes from, cleaned once; never trusted for anything but the audit.

    Faces pass the address and user agent they saw; ``Client.of`` clips them
    and drops control characters, the same way for every flow.
    """

    ip: str | None = None
    user_agent: str | None = None

    @classmethod
    def of(cls, ip: str | None, user_agent: str | None) -> Client:
        return cls(
            ip=sanitize_client_text(ip, 64), user_agent=sanitize_client_text(user_agent, 512)
        )


@dataclass(frozen=True)
class AuthUser:
    """Who someone is: identity, roles and account state, never the password hash."""

    id: int
    username: str
    email: str | None
    display_name: str
    roles: frozenset[str]
    is_active: bool
    email_verified: bool
    mfa_enabled: bool
    must_change_password: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None

    def has_role(self, *roles: str) -> bool:
        """True if the user holds at least one of ``roles``."""
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def label(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class SessionRecord:
    """One server-side session as a user or admin may see it (no token, no hash)."""

    id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    absolute_expires_at: datetime
    remember: bool
    ip: str | None
    user_agent: str | None
    mfa: bool = False


@dataclass(frozen=True)
class SessionContext:
    """A validated session and its user, as returned by session validation."""

    user: AuthUser
    session: SessionRecord


@dataclass(frozen=True)
class LoginResult:
    """A successful login: the user, the new session and its one-time-visible token.

    ``token`` is the only copy of the session secret; the store keeps its
    SHA-256. Put it in an HttpOnly cookie or hand it to the client, never log it.
    """

    user: AuthUser
    session: SessionRecord
    token: str = field(repr=False)


@dataclass(frozen=True)
class AuditEntry:
    """One audit row to append (texts already clipped, detail JSON-ready)."""

    occurred_at: datetime
    event_type: str
    outcome: str
    user_id: int | None
    actor_id: int | None
    username: str | None
    ip: str | None
    user_agent: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditRecord(AuditEntry):
    """One stored audit row: the entry and its id (built by keyword only)."""

    id: int


@dataclass(frozen=True)
class StrengthEstimate:
    """A password strength estimate for UI meters (zxcvbn score 0..4)."""

    score: int
    warning: str
    suggestions: tuple[str, ...]
    crack_time_display: str
