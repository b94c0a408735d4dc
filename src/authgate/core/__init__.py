"""The framework-free domain: accounts, login, sessions, tokens, MFA, recovery, audit.

Nothing here imports Streamlit, FastAPI, Starlette, SQLAlchemy or
``authgate.store``: core states what it needs from storage as ports
(``authgate.core.ports``) and the composition root (``authgate.root``) wires
an implementation in. The errors every call may raise live at the package
root, in ``authgate.errors``.
"""

from authgate.core.clock import Clock, FrozenClock, SystemClock
from authgate.core.records import (
    AuditRecord,
    AuthUser,
    Client,
    LoginResult,
    SessionContext,
    SessionRecord,
    StrengthEstimate,
)

__all__ = [
    "AuditRecord",
    "AuthUser",
    "Client",
    "Clock",
    "FrozenClock",
    "LoginResult",
    "SessionContext",
    "SessionRecord",
    "StrengthEstimate",
    "SystemClock",
]
