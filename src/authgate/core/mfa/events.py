"""Events of two-factor authentication: enrolment, codes, failures, removal.

Same rules as ``authgate.core.events``: frozen, ids and counts only, never a
secret, a code, a ticket or a QR code. A failed code is an event of its own
(``mfa.failed``, with where it happened) so the audit log tells guessing at
the second step apart from guessing passwords.
"""

from __future__ import annotations

from authgate.core.events import AuthEvent

__all__ = [
    "MfaDisabled",
    "MfaEnrolled",
    "MfaFailed",
    "MfaReset",
    "RecoveryCodeUsed",
    "RecoveryCodesRegenerated",
]


class MfaEnrolled(AuthEvent, event_type="mfa.enrolled"):
    recovery_codes: int = 0


class MfaDisabled(AuthEvent, event_type="mfa.disabled"):
    pass


class MfaReset(AuthEvent, event_type="mfa.reset"):
    """An administrator (``actor_id``) removed a user's second factor."""

    was_enabled: bool = False


class MfaFailed(AuthEvent, event_type="mfa.failed", outcome="failure"):
    """A wrong or replayed code; ``context`` says where (login, disable, reset...)."""

    reason: str = "invalid_code"
    context: str = "login"


class RecoveryCodeUsed(AuthEvent, event_type="recovery_code.used"):
    remaining: int = 0
    context: str = "login"


class RecoveryCodesRegenerated(AuthEvent, event_type="recovery_codes.regenerated"):
    count: int = 0
