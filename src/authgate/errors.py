"""Every failure a user or client can cause, as a typed exception.

Each exception has a stable machine-readable ``code`` and a ``message`` that is
safe to show to the person at the keyboard: no message reveals whether an
account exists, and none carries a password or a token. The API maps these to
HTTP statuses in one table (``authgate.api.errors``); the Streamlit gate shows
``message`` as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "AccountDisabled",
    "AccountLocked",
    "AuthgateError",
    "ConfigurationError",
    "EmailNotVerified",
    "EmailTaken",
    "InvalidClient",
    "InvalidCredentials",
    "InvalidEmail",
    "InvalidInput",
    "InvalidRole",
    "InvalidToken",
    "InvalidUsername",
    "MfaInvalidCode",
    "MfaRequired",
    "NotAuthenticated",
    "PasskeyRejected",
    "PasswordChangeRequired",
    "PermissionDenied",
    "PolicyViolation",
    "ReauthenticationRequired",
    "RegistrationClosed",
    "SessionExpired",
    "SessionRevoked",
    "StoreUnavailable",
    "TokenExpired",
    "TokenReused",
    "TooManyVisitors",
    "UserNotFound",
    "UsernameTaken",
    "WeakPassword",
]


class AuthgateError(Exception):
    """Base of every authgate exception; ``code`` is stable, ``message`` is safe to show."""

    code: str = "error"
    default_message: str = "Something went wrong."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class ConfigurationError(AuthgateError):
    """The settings are unusable (missing production secret, bad key file...)."""

    code = "configuration_error"
    default_message = "authgate is not configured correctly."


class StoreUnavailable(AuthgateError):
    """The database (or Redis) cannot be reached; nothing was changed."""

    code = "store_unavailable"
    default_message = "The authentication service is temporarily unavailable. Please try again."


class InvalidInput(AuthgateError):
    """A value is malformed (too long, wrong type, empty where required)."""

    code = "invalid_input"
    default_message = "The input is not valid."


class InvalidCredentials(AuthgateError):
    """Wrong username/email or password; deliberately does not say which."""

    code = "invalid_credentials"
    default_message = "Incorrect username or password."


class AccountLocked(AuthgateError):
    """Too many failed attempts; try again after ``retry_after``."""

    code = "account_locked"

    def __init__(self, retry_after: datetime, retry_after_seconds: int) -> None:
        self.retry_after = retry_after
        self.retry_after_seconds = max(1, int(retry_after_seconds))
        super().__init__(
            f"Too many failed attempts. Try again in {_human_seconds(self.retry_after_seconds)}."
        )


class AccountDisabled(AuthgateError):
    """The account exists, the password was right, but an administrator disabled it."""

    code = "account_disabled"
    default_message = "This account is disabled. Contact an administrator."


class EmailNotVerified(AuthgateError):
    code = "email_not_verified"
    default_message = "Please verify your email address before logging in."


class PasswordChangeRequired(AuthgateError):
    code = "password_change_required"
    default_message = "You must change your password before continuing."


class MfaRequired(AuthgateError):
    """The password was right; a second factor must follow.

    ``ticket`` (when set) is the short-lived, single-use MFA ticket that the
    second step trades, with a code, for a session. It is kept out of the
    message and the exception's args so that logging the error leaks nothing.
    """

    code = "mfa_required"
    default_message = "An authentication code is required."

    def __init__(self, message: str | None = None, *, ticket: str | None = None) -> None:
        self.ticket = ticket
        super().__init__(message)


class PasskeyRejected(AuthgateError):
    """A passkey answer did not verify (wrong challenge, origin, signature, malformed data)."""

    code = "passkey_rejected"
    default_message = "The passkey was not accepted. Please try again."


class ReauthenticationRequired(AuthgateError):
    """The action needs a recent login: confirm the password or use a passkey first."""

    code = "reauthentication_required"
    default_message = "Please confirm it is you: enter your password or use a passkey."


class MfaInvalidCode(AuthgateError):
    code = "mfa_invalid_code"
    default_message = "The authentication code is not valid."


class RegistrationClosed(AuthgateError):
    code = "registration_closed"
    default_message = "Self-registration is disabled. Ask an administrator for an account."


class UsernameTaken(AuthgateError):
    code = "username_taken"
    default_message = "This username is already taken."


class EmailTaken(AuthgateError):
    code = "email_taken"
    default_message = "An account with this email address already exists."


class InvalidUsername(AuthgateError):
    code = "invalid_username"
    default_message = "This username is not valid."


class InvalidEmail(AuthgateError):
    code = "invalid_email"
    default_message = "This email address is not valid."


class InvalidRole(AuthgateError):
    code = "invalid_role"
    default_message = "This role name is not valid."


@dataclass(frozen=True)
class PolicyViolation:
    """One reason a password was refused: a stable ``code`` and a readable ``message``."""

    code: str
    message: str


class WeakPassword(AuthgateError):
    """The password breaks the policy; ``violations`` lists every reason at once."""

    code = "weak_password"

    def __init__(self, violations: Sequence[PolicyViolation]) -> None:
        self.violations = tuple(violations)
        super().__init__(" ".join(v.message for v in self.violations) or "Password rejected.")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.violations)


class NotAuthenticated(AuthgateError):
    code = "not_authenticated"
    default_message = "Please log in."


class SessionExpired(NotAuthenticated):
    code = "session_expired"
    default_message = "Your session has expired. Please log in again."


class SessionRevoked(NotAuthenticated):
    code = "session_revoked"
    default_message = "You have been logged out. Please log in again."


class PermissionDenied(AuthgateError):
    code = "permission_denied"
    default_message = "You do not have permission to do this."


class UserNotFound(AuthgateError):
    """Only raised to administrators and internal callers, never on login paths."""

    code = "user_not_found"
    default_message = "No such user."


class InvalidClient(AuthgateError):
    """An OAuth 2.0 client's credentials are wrong, or a client that must authenticate did not."""

    code = "invalid_client"
    default_message = "Client authentication failed."


class InvalidToken(AuthgateError):
    code = "invalid_token"
    default_message = "This link or token is not valid."


class TokenExpired(InvalidToken):
    code = "token_expired"
    default_message = "This link or token has expired."


class TokenReused(InvalidToken):
    code = "token_reused"
    default_message = "This token has already been used."


def _human_seconds(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class TooManyVisitors(AuthgateError):
    """This client started too many anonymous visitor sessions lately."""

    code = "too_many_visitors"
    default_message = "Too many new visits from your network. Please try again later."
