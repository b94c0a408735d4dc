"""The framework-free domain: accounts, passwords, sessions, throttling, audit.

Nothing here imports Streamlit, FastAPI or Starlette.
"""

from authgate.core.clock import Clock, FrozenClock, SystemClock
from authgate.core.errors import *  # noqa: F403
from authgate.core.errors import __all__ as _errors
from authgate.core.records import (
    AuditRecord,
    AuthUser,
    LoginResult,
    SessionContext,
    SessionRecord,
    StrengthEstimate,
)

__all__ = [
    "AuditRecord",
    "AuthService",
    "AuthUser",
    "Clock",
    "FrozenClock",
    "LoginResult",
    "SessionContext",
    "SessionRecord",
    "StrengthEstimate",
    "SystemClock",
    *_errors,
]


def __getattr__(name: str) -> object:
    # AuthService is imported lazily: authgate.config imports authgate.core.errors,
    # and an eager import here would make that a cycle.
    if name == "AuthService":
        from authgate.core.service import AuthService

        return AuthService
    raise AttributeError(name)
