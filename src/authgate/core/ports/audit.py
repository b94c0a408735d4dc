"""What core needs from the store about the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from authgate.core.records import AuditEntry, AuditRecord

__all__ = ["AuditEntry", "AuditQuery", "AuditRepository"]


@dataclass(frozen=True)
class AuditQuery:
    """Filters for reading the log; every one optional. Newest first."""

    user_id: int | None = None
    event_type: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200
    offset: int = 0


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...

    def list(self, query: AuditQuery) -> list[AuditRecord]: ...
