"""Events of two-factor authentication: enrolment, codes, failures, removal.

Same rules as ``authgate.core.events``: frozen, ids and counts only, never a
secret, a code, a ticket or a QR code. A failed code is an event of its own
(``mfa.failed``, with where it happened) so the audit log tells guessing at
the second step apart from guessing passwords.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from authgate.core.events import AuthEvent

__all__ = [
    "MfaDisabled",
    "MfaEnrolled",
    "MfaFailed",
    "MfaReset",
    "RecoveryCodeUsed",
    "RecoveryCodesRegenerated",
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
