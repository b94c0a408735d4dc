"""The ports: what core needs from storage, as small typed interfaces.

``authgate.store`` implements them over SQLAlchemy (and Redis for counters);
a test can implement them over anything else. Core imports only these.
"""

from authgate.core.ports.audit import AuditEntry, AuditQuery, AuditRepository
from authgate.core.ports.invalidation import ChannelListener, InvalidationChannel
from authgate.core.ports.mfa import MfaFactor, MfaRepository
from authgate.core.ports.sessions import NewSession, SessionRepository, SessionView
from authgate.core.ports.store import DuplicateRecord, Repositories, Store
from authgate.core.ports.throttle import Throttle
from authgate.core.ports.tokens import (
    NewOneTimeToken,
    NewRefreshLink,
    OneTimeTokenRecord,
    OneTimeTokenRepository,
    RefreshLink,
    RefreshTokenRepository,
)
from authgate.core.ports.users import NewUser, UserCredentials, UserRepository

__all__ = [
    "AuditEntry",
    "AuditQuery",
    "AuditRepository",
    "ChannelListener",
    "DuplicateRecord",
    "InvalidationChannel",
    "MfaFactor",
    "MfaRepository",
    "NewOneTimeToken",
    "NewRefreshLink",
    "NewSession",
    "NewUser",
    "OneTimeTokenRecord",
    "OneTimeTokenRepository",
    "RefreshLink",
    "RefreshTokenRepository",
    "Repositories",
    "SessionRepository",
    "SessionView",
    "Store",
    "Throttle",
    "UserCredentials",
    "UserRepository",
]
