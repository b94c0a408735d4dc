"""Auth events: what happened, as frozen dataclasses that carry ids, never secrets.

A core service emits one after each state change (``Work.emit``); the audit
recorder (``authgate.core.audit.recorder``) records it as a ``noun.verb`` row
in the same transaction and writes one structured log line. A new event is a
dataclass here (or in its concern's ``events`` module), an ``emit`` in the
service, and a test that reads its audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

__all__ = [
    "AccountDisabledEvent",
    "AccountEnabled",
    "AccountLockedOut",
    "AccountUnlocked",
    "AuthEvent",
    "LoggedOut",
    "LoginFailed",
    "LoginSucceeded",
    "PasswordChanged",
    "PasswordRehashed",
    "PasswordSetByAdmin",
    "ProfileUpdated",
    "RefreshTokenReused",
    "RolesChanged",
    "SessionRevokedEvent",
    "SessionsRevoked",
    "UserDeleted",
    "UserImported",
    "UserRegistered",
]


@dataclass(frozen=True, kw_only=True)
class AuthEvent:
    """Common envelope: who it concerns, who did it, from where."""

    event_type: ClassVar[str] = "auth.event"
    outcome: ClassVar[str] = "success"

    user_id: int | None = None
    username: str | None = None
    actor_id: int | None = None
    ip: str | None = None
    user_agent: str | None = None

    def detail(self) -> dict[str, Any]:
        """The event-specific fields, for the audit row's JSON column."""
        base = {f.name for f in fields(AuthEvent)}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in base}


@dataclass(frozen=True, kw_only=True)
class UserRegistered(AuthEvent):
    event_type: ClassVar[str] = "user.registered"
    roles: tuple[str, ...] = ()
    by_admin: bool = False


@dataclass(frozen=True, kw_only=True)
class UserImported(AuthEvent):
    event_type: ClassVar[str] = "user.imported"
    source: str = ""
    hash_scheme: str = ""


@dataclass(frozen=True, kw_only=True)
class LoginSucceeded(AuthEvent):
    event_type: ClassVar[str] = "login.succeeded"
    session_id: str = ""
    remember: bool = False
    method: str = "password"


@dataclass(frozen=True, kw_only=True)
class LoginFailed(AuthEvent):
    event_type: ClassVar[str] = "login.failed"
    outcome: ClassVar[str] = "failure"
    reason: str = "invalid_credentials"


@dataclass(frozen=True, kw_only=True)
class AccountLockedOut(AuthEvent):
    event_type: ClassVar[str] = "account.locked"
    outcome: ClassVar[str] = "failure"
    failures: int = 0
    locked_seconds: int = 0
    scope: str = "account"


@dataclass(frozen=True, kw_only=True)
class AccountUnlocked(AuthEvent):
    event_type: ClassVar[str] = "account.unlocked"


@dataclass(frozen=True, kw_only=True)
class LoggedOut(AuthEvent):
    event_type: ClassVar[str] = "session.logout"
    session_id: str = ""


@dataclass(frozen=True, kw_only=True)
class SessionRevokedEvent(AuthEvent):
    event_type: ClassVar[str] = "session.revoked"
    session_id: str = ""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class SessionsRevoked(AuthEvent):
    event_type: ClassVar[str] = "session.revoked_all"
    count: int = 0
    kept_session_id: str | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class PasswordChanged(AuthEvent):
    event_type: ClassVar[str] = "password.changed"
    sessions_ended: int = 0


@dataclass(frozen=True, kw_only=True)
class PasswordSetByAdmin(AuthEvent):
    event_type: ClassVar[str] = "password.set"
    must_change: bool = False
    sessions_ended: int = 0


@dataclass(frozen=True, kw_only=True)
class PasswordRehashed(AuthEvent):
    event_type: ClassVar[str] = "password.rehashed"
    old_scheme: str = ""
    new_scheme: str = ""


@dataclass(frozen=True, kw_only=True)
class ProfileUpdated(AuthEvent):
    event_type: ClassVar[str] = "user.profile_updated"
    changed: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RolesChanged(AuthEvent):
    event_type: ClassVar[str] = "user.roles_changed"
    old_roles: tuple[str, ...] = ()
    new_roles: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AccountDisabledEvent(AuthEvent):
    event_type: ClassVar[str] = "user.disabled"
    sessions_ended: int = 0


@dataclass(frozen=True, kw_only=True)
class AccountEnabled(AuthEvent):
    event_type: ClassVar[str] = "user.enabled"


@dataclass(frozen=True, kw_only=True)
class UserDeleted(AuthEvent):
    event_type: ClassVar[str] = "user.deleted"


@dataclass(frozen=True, kw_only=True)
class RefreshTokenReused(AuthEvent):
    event_type: ClassVar[str] = "token.reused"
    outcome: ClassVar[str] = "failure"
    family_id: str = ""
    session_id: str = ""
