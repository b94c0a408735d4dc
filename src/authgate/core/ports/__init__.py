"""The ports: what core needs from storage, as small typed interfaces.

``authgate.store`` implements them over SQLAlchemy (and Redis for counters);
a test can implement them over anything else. Core imports only these.
"""

from authgate.core.ports.audit import AuditEntry, AuditQuery, AuditRepository
from authgate.core.ports.identities import IdentityRepository, LinkedIdentity, NewIdentity
from authgate.core.ports.invalidation import ChannelListener, InvalidationChannel
from authgate.core.ports.mfa import MfaFactor, MfaRepository
from authgate.core.ports.passkeys import NewPasskey, PasskeyRecord, PasskeyRepository
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
from authgate.core.ports.visitors import NewVisitor, VisitorRecord, VisitorRepository

__all__ = [
    "AuditEntry",
    "AuditQuery",
    "AuditRepository",
    "ChannelListener",
    "DuplicateRecord",
    "IdentityRepository",
    "InvalidationChannel",
    "LinkedIdentity",
    "MfaFactor",
    "MfaRepository",
    "NewIdentity",
    "NewOneTimeToken",
    "NewPasskey",
    "NewRefreshLink",
    "NewSession",
    "NewUser",
    "NewVisitor",
    "OneTimeTokenRecord",
    "OneTimeTokenRepository",
    "PasskeyRecord",
    "PasskeyRepository",
    "RefreshLink",
    "RefreshTokenRepository",
    "Repositories",
    "SessionRepository",
    "SessionView",
    "Store",
    "Throttle",
    "UserCredentials",
    "UserRepository",
    "VisitorRecord",
    "VisitorRepository",
]
