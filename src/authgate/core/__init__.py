"""The framework-free domain: accounts, passwords, sessions, throttling, audit.

Nothing here imports Streamlit, FastAPI or Starlette.
"""

from typing import TYPE_CHECKING

from authgate.core.clock import Clock, FrozenClock, SystemClock
from authgate.core.errors import (
    AccountDisabled,
    AccountLocked,
    AuthgateError,
    ConfigurationError,
    EmailNotVerified,
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidInput,
    InvalidRole,
    InvalidToken,
    InvalidUsername,
    MfaInvalidCode,
    MfaRequired,
    NotAuthenticated,
    PasswordChangeRequired,
    PermissionDenied,
    PolicyViolation,
    RegistrationClosed,
    SessionExpired,
    SessionRevoked,
    StoreUnavailable,
    TokenExpired,
    TokenReused,
    UsernameTaken,
    UserNotFound,
    WeakPassword,
)
from authgate.core.records import (
    AuditRecord,
    AuthUser,
    LoginResult,
    SessionContext,
    SessionRecord,
    StrengthEstimate,
)

if TYPE_CHECKING:
    from authgate.core.service import AuthService

__all__ = [
    "AccountDisabled",
    "AccountLocked",
    "AuditRecord",
    "AuthService",
    "AuthUser",
    "AuthgateError",
    "Clock",
    "ConfigurationError",
    "EmailNotVerified",
    "EmailTaken",
    "FrozenClock",
    "InvalidCredentials",
    "InvalidEmail",
    "InvalidInput",
    "InvalidRole",
    "InvalidToken",
    "InvalidUsername",
    "LoginResult",
    "MfaInvalidCode",
    "MfaRequired",
    "NotAuthenticated",
    "PasswordChangeRequired",
    "PermissionDenied",
    "PolicyViolation",
    "RegistrationClosed",
    "SessionContext",
    "SessionExpired",
    "SessionRecord",
    "SessionRevoked",
    "StoreUnavailable",
    "StrengthEstimate",
    "SystemClock",
    "TokenExpired",
    "TokenReused",
    "UserNotFound",
    "UsernameTaken",
    "WeakPassword",
]


def __getattr__(name: str) -> object:
    # AuthService is imported lazily: authgate.config imports authgate.core.errors,
    # and an eager import here would make that a cycle.
    if name == "AuthService":
        from authgate.core.service import AuthService

        return AuthService
    raise AttributeError(name)
