"""Anonymous visitors over SQLAlchemy: ``VisitorRepository`` for core.

``claim`` is a DELETE whose row count decides the winner, so of two logins
racing with the same visitor token exactly one hands the visitor's data over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from authgate.core.ports.visitors import NewVisitor, VisitorRecord
from authgate.store.models import Visitor
from authgate.store.repositories._mapping import apply

__all__ = ["SqlVisitorRepository"]


class SqlVisitorRepository:
    """``VisitorRepository`` bound to one open transaction's connection."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def add(self, visitor: NewVisitor) -> VisitorRecord:
        self.db.execute(
            insert(Visitor).values(
                id=visitor.id,
                token_hash=visitor.token_hash,
                created_at=visitor.created_at,
                expires_at=visitor.expires_at,
                ip=visitor.ip,
            )
        )
        return VisitorRecord(
            id=visitor.id, created_at=visitor.created_at, expires_at=visitor.expires_at
        )

    def find(self, *, token_hash: str, now: datetime) -> VisitorRecord | None:
        row = self.db.execute(
            select(Visitor.id, Visitor.created_at, Visitor.expires_at).where(
                Visitor.token_hash == token_hash, Visitor.expires_at > now
            )
        ).first()
        if row is None:
            return None
        return VisitorRecord(id=row.id, created_at=row.created_at, expires_at=row.expires_at)

    def claim(self, *, token_hash: str, now: datetime) -> VisitorRecord | None:
        found = self.find(token_hash=token_hash, now=now)
        if found is None:
            return None
        deleted = apply(self.db, delete(Visitor).where(Visitor.id == found.id))
        return found if deleted == 1 else None

    def delete_expired(self, *, now: datetime, batch_size: int) -> int:
        """One bounded batch by id, like the sessions' cleanup."""
        ids = self.db.scalars(
            select(Visitor.id).where(Visitor.expires_at <= now).limit(max(1, batch_size))
        ).all()
        if not ids:
            return 0
        apply(self.db, delete(Visitor).where(Visitor.id.in_(ids)))
        return len(ids)
