"""Auth events: what happened, as frozen dataclasses that carry ids, never secrets.

A core service emits one after each state change (``Work.emit``); the audit
recorder (``authgate.core.audit.recorder``) records it as a ``noun.verb`` row
in the same transaction and writes one structured log line. A new event is a
dataclass here (or in its concern's ``events`` module), an ``emit`` in the
service, and a test that reads its audit row.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, fields
from typing import Any, ClassVar, dataclass_transform

from authgate.core.records import AuthUser, Client

__all__ = [
    "AccountDisabledEvent",
    "AccountEnabled",
    "AccountLockedOut",
    "AccountUnlocked",
    "AuthEvent",
    "LockEnded",
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


@dataclass_transform(frozen_default=True, kw_only_default=True)
@dataclass(frozen=True, kw_only=True)
class AuthEvent:
    """Common envelope: who it concerns, who did it, from where.

    A subclass names its audit type in the class line and lists only its own
    fields; it becomes a frozen, keyword-only dataclass by itself::

        class LoginFailed(AuthEvent, event_type="login.failed", outcome="failure"):
            reason: str = "invalid_credentials"
    """

    event_type: ClassVar[str] = "auth.event"
    outcome: ClassVar[str] = "success"

    user_id: int | None = None
    username: str | None = None
    actor_id: int | None = None
    ip: str | None = None
    user_agent: str | None = None
    user: InitVar[AuthUser | None] = None
    client: InitVar[Client | None] = None

    def __post_init__(self, user: AuthUser | None, client: Client | None) -> None:
        # ``user=`` and ``client=`` fill the envelope from the records every
        # flow already holds, so no flow spells the copying out again.
        if user is not None:
            object.__setattr__(self, "user_id", user.id)
            object.__setattr__(self, "username", user.username)
        if client is not None:
            object.__setattr__(self, "ip", client.ip)
            object.__setattr__(self, "user_agent", client.user_agent)

    def __init_subclass__(cls, *, event_type: str, outcome: str = "success", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.event_type = event_type
        cls.outcome = outcome
        dataclass(frozen=True, kw_only=True)(cls)

    def detail(self) -> dict[str, Any]:
        """The event-specific fields, for the audit row's JSON column."""
        base = {f.name for f in fields(AuthEvent)}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in base}


class UserRegistered(AuthEvent, event_type="user.registered"):
    roles: tuple[str, ...] = ()
    by_admin: bool = False


class UserImported(AuthEvent, event_type="user.imported"):
    source: str = ""
    hash_scheme: str = ""


class LoginSucceeded(AuthEvent, event_type="login.succeeded"):
    session_id: str = ""
    remember: bool = False
    method: str = "password"


class LoginFailed(AuthEvent, event_type="login.failed", outcome="failure"):
    reason: str = "invalid_credentials"


class AccountLockedOut(AuthEvent, event_type="account.locked", outcome="failure"):
    failures: int = 0
    locked_seconds: int = 0
    scope: str = "account"


class LockEnded(AuthEvent, event_type="account.lock_ended", outcome="failure"):
    """A lock is over; ``refused`` attempts were turned away while it ran (no row each)."""

    refused: int = 0
    scope: str = "account"


class AccountUnlocked(AuthEvent, event_type="account.unlocked"):
    pass


class LoggedOut(AuthEvent, event_type="session.logout"):
    session_id: str = ""


class SessionRevokedEvent(AuthEvent, event_type="session.revoked"):
    session_id: str = ""
    reason: str = ""


class SessionsRevoked(AuthEvent, event_type="session.revoked_all"):
    count: int = 0
    kept_session_id: str | None = None
    reason: str = ""


class PasswordChanged(AuthEvent, event_type="password.changed"):
    sessions_ended: int = 0


class PasswordSetByAdmin(AuthEvent, event_type="password.set"):
    must_change: bool = False
    sessions_ended: int = 0


class PasswordRehashed(AuthEvent, event_type="password.rehashed"):
    old_scheme: str = ""
    new_scheme: str = ""


class ProfileUpdated(AuthEvent, event_type="user.profile_updated"):
    changed: tuple[str, ...] = ()


class RolesChanged(AuthEvent, event_type="user.roles_changed"):
    old_roles: tuple[str, ...] = ()
    new_roles: tuple[str, ...] = ()


class AccountDisabledEvent(AuthEvent, event_type="user.disabled"):
    sessions_ended: int = 0


class AccountEnabled(AuthEvent, event_type="user.enabled"):
    pass


class UserDeleted(AuthEvent, event_type="user.deleted"):
    pass


class RefreshTokenReused(AuthEvent, event_type="token.reused", outcome="failure"):
    family_id: str = ""
    session_id: str = ""
