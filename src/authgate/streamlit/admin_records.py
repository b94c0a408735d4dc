"""What the gate's Admin page reads beyond core's records: users, sessions, audit filters.

Every ``AuthBackend`` returns these frozen dataclasses from its ``admin_*``
calls, in process or over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from authgate.core.ports import audit
from authgate.core.records import AuthUser, SessionRecord

__all__ = ["AdminSession", "AdminUser", "AuditQuery"]


@dataclass(frozen=True)
class AdminUser:
    """A row of the admin users table: the account and its lockout state."""

    user: AuthUser
    failed_attempts: int
    locked_until: datetime | None


@dataclass(frozen=True)
class AdminSession:
    """A live session with its owner's name, for the admin sessions table."""

    session: SessionRecord
    username: str


@dataclass(frozen=True)
class AuditQuery(audit.AuditQuery):
    """The audit log's filters (all optional; ``until`` exclusive), 1000 rows by default."""

    limit: int = 1000
