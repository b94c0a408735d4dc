"""Events of two-factor authentication, account recovery and email verification.

Same rules as ``authgate.core.events``: frozen, ids and counts only, never a
secret, a code, a token or a link. Recovery requests for unknown accounts are
recorded with the same shape as for known ones (``user_id`` None, ``sent``
False), so the audit log itself shows nothing an answer did not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from authgate.core.events import AuthEvent

__all__ = [
    "EmailVerificationSent",
    "EmailVerified",
    "MfaDisabled",
    "MfaEnrolled",
    "MfaFailed",
    "MfaReset",
    "PasswordReset",
    "PasswordResetRequested",
    "RecoveryCodeUsed",
    "RecoveryCodesRegenerated",
    "UsernameReminderRequested",
]


@dataclass(frozen=True, kw_only=True)
class MfaEnrolled(AuthEvent):
    event_type: ClassVar[str] = "mfa.enrolled"
    recovery_codes: int = 0


@dataclass(frozen=True, kw_only=True)
class MfaDisabled(AuthEvent):
    event_type: ClassVar[str] = "mfa.disabled"


@dataclass(frozen=True, kw_only=True)
class MfaReset(AuthEvent):
    """An administrator (``actor_id``) removed a user's second factor."""

    event_type: ClassVar[str] = "mfa.reset"
    was_enabled: bool = False


@dataclass(frozen=True, kw_only=True)
class MfaFailed(AuthEvent):
    """A wrong or replayed code; ``context`` says where (login, disable, reset...)."""

    event_type: ClassVar[str] = "mfa.failed"
    outcome: ClassVar[str] = "failure"
    reason: str = "invalid_code"
    context: str = "login"


@dataclass(frozen=True, kw_only=True)
class RecoveryCodeUsed(AuthEvent):
    event_type: ClassVar[str] = "recovery_code.used"
    remaining: int = 0
    context: str = "login"


@dataclass(frozen=True, kw_only=True)
class RecoveryCodesRegenerated(AuthEvent):
    event_type: ClassVar[str] = "recovery_codes.regenerated"
    count: int = 0


@dataclass(frozen=True, kw_only=True)
class PasswordResetRequested(AuthEvent):
    """A "forgot password" request; ``sent`` is whether a mail went out."""

    event_type: ClassVar[str] = "password.reset_requested"
    sent: bool = False


@dataclass(frozen=True, kw_only=True)
class PasswordReset(AuthEvent):
    event_type: ClassVar[str] = "password.reset"
    sessions_ended: int = 0
    with_mfa: bool = False


@dataclass(frozen=True, kw_only=True)
class UsernameReminderRequested(AuthEvent):
    """A "forgot username" request; ``sent`` is whether a mail went out."""

    event_type: ClassVar[str] = "username.reminder_requested"
    sent: bool = False


@dataclass(frozen=True, kw_only=True)
class EmailVerificationSent(AuthEvent):
    event_type: ClassVar[str] = "email.verification_sent"


@dataclass(frozen=True, kw_only=True)
class EmailVerified(AuthEvent):
    """The address was confirmed: by the emailed link, or by an admin (``actor_id``)."""

    event_type: ClassVar[str] = "email.verified"
    method: str = "link"
