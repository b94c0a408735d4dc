"""Events of account recovery and email verification.

Same rules as ``authgate.core.events``: frozen, ids and counts only, never a
token or a link. Recovery requests for unknown accounts are recorded with the
same shape as for known ones (``user_id`` None, ``sent`` False), so the audit
log itself shows nothing an answer did not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from authgate.core.events import AuthEvent

__all__ = [
    "EmailVerificationSent",
    "EmailVerified",
    "PasswordReset",
    "PasswordResetRequested",
    "UsernameReminderRequested",
]


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
