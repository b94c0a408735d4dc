"""Events of account recovery and email verification.

Same rules as ``authgate.core.events``: frozen, ids and counts only, never a
token or a link. Recovery requests for unknown accounts are recorded with the
same shape as for known ones (``user_id`` None, ``sent`` False), so the audit
log itself shows nothing an answer did not.
"""

from __future__ import annotations

from authgate.core.events import AuthEvent

__all__ = [
    "EmailVerificationSent",
    "EmailVerified",
    "PasswordReset",
    "PasswordResetRequested",
    "UsernameReminderRequested",
]


class PasswordResetRequested(AuthEvent, event_type="password.reset_requested"):
    """A "forgot password" request; ``sent`` is whether a mail went out."""

    sent: bool = False


class PasswordReset(AuthEvent, event_type="password.reset"):
    sessions_ended: int = 0
    with_mfa: bool = False


class UsernameReminderRequested(AuthEvent, event_type="username.reminder_requested"):
    """A "forgot username" request; ``sent`` is whether a mail went out."""

    sent: bool = False


class EmailVerificationSent(AuthEvent, event_type="email.verification_sent"):
    pass


class EmailVerified(AuthEvent, event_type="email.verified"):
    """The address was confirmed: by the emailed link, or by an admin (``actor_id``)."""

    method: str = "link"
