"""The audit log over SQLAlchemy: ``AuditRepository`` for core.

Rows are only ever appended (in the transaction of the change they record)
and read newest first; ``user_id`` is no foreign key, so history outlives the
accounts it mentions.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from authgate.core.ports.audit import AuditEntry, AuditQuery
from authgate.core.records import AuditRecord
from authgate.store.models import AuditEvent
from authgate.store.repositories._mapping import table_of, to_audit

__all__ = ["SqlAuditRepository"]

_MAX_PAGE = 10_000
_COLUMNS = (
    AuditEvent.id,
    AuditEvent.occurred_at,
    AuditEvent.event_type,
    AuditEvent.outcome,
    AuditEvent.user_id,
    AuditEvent.actor_id,
    AuditEvent.username,
    AuditEvent.ip,
    AuditEvent.user_agent,
    AuditEvent.detail,
)


# Built once: every login appends a row, and rebuilding the INSERT with its
# values inline cost more Python than executing it.
_INSERT = insert(table_of(AuditEvent))


class SqlAuditRepository:
    """``AuditRepository`` bound to one open transaction's connection."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def add(self, entry: AuditEntry) -> None:
        self.db.execute(
            _INSERT,
            {
                "occurred_at": entry.occurred_at,
                "event_type": entry.event_type,
                "outcome": entry.outcome,
                "user_id": entry.user_id,
                "actor_id": entry.actor_id,
                "username": entry.username,
                "ip": entry.ip,
                "user_agent": entry.user_agent,
                "detail": entry.detail,
            },
        )

    def list(self, query: AuditQuery) -> list[AuditRecord]:
        """Matching rows, newest first (id breaks ties within one instant)."""
        statement = select(*_COLUMNS).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        if query.user_id is not None:
            statement = statement.where(AuditEvent.user_id == query.user_id)
        if query.event_type:
            statement = statement.where(AuditEvent.event_type == query.event_type)
        if query.outcome:
            statement = statement.where(AuditEvent.outcome == query.outcome)
        if query.since is not None:
            statement = statement.where(AuditEvent.occurred_at >= query.since)
        if query.until is not None:
            statement = statement.where(AuditEvent.occurred_at < query.until)
        statement = statement.limit(max(1, min(query.limit, _MAX_PAGE)))
        statement = statement.offset(max(0, query.offset))
        return [to_audit(row) for row in self.db.execute(statement)]
