"""Linked provider identities over SQLAlchemy."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from authgate.core.ports.identities import LinkedIdentity, NewIdentity
from authgate.store.models import Identity
from authgate.store.repositories._mapping import apply, inserted_id, unique_keys

__all__ = ["SqlIdentityRepository"]

_COLUMNS = (
    Identity.id,
    Identity.user_id,
    Identity.provider,
    Identity.issuer,
    Identity.subject,
    Identity.email,
    Identity.linked_at,
    Identity.last_used_at,
)


def _record(row: Any) -> LinkedIdentity:
    return LinkedIdentity(
        id=row.id,
        user_id=row.user_id,
        provider=row.provider,
        issuer=row.issuer,
        subject=row.subject,
        email=row.email,
        linked_at=row.linked_at,
        last_used_at=row.last_used_at,
    )


class SqlIdentityRepository:
    """``IdentityRepository`` bound to one open transaction's connection."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def find(self, provider: str, issuer: str, subject: str) -> LinkedIdentity | None:
        row = self.db.execute(
            select(*_COLUMNS).where(
                Identity.provider == provider,
                Identity.issuer == issuer,
                Identity.subject == subject,
            )
        ).first()
        return None if row is None else _record(row)

    def add(self, new: NewIdentity) -> LinkedIdentity:
        with unique_keys(self.db):
            result = self.db.execute(
                insert(Identity).values(
                    user_id=new.user_id,
                    provider=new.provider,
                    issuer=new.issuer,
                    subject=new.subject,
                    email=new.email,
                    linked_at=new.linked_at,
                    last_used_at=new.linked_at,
                )
            )
        identity_id = inserted_id(result)
        return LinkedIdentity(id=identity_id, last_used_at=new.linked_at, **asdict(new))

    def touch(self, identity_id: int, *, email: str | None, now: datetime) -> None:
        apply(
            self.db,
            update(Identity)
            .where(Identity.id == identity_id)
            .values(last_used_at=now, email=email),
        )

    def list_for(self, user_id: int) -> list[LinkedIdentity]:
        rows = self.db.execute(
            select(*_COLUMNS).where(Identity.user_id == user_id).order_by(Identity.id)
        )
        return [_record(row) for row in rows]

    def remove(self, user_id: int, identity_id: int) -> LinkedIdentity | None:
        row = self.db.execute(
            select(*_COLUMNS).where(Identity.id == identity_id, Identity.user_id == user_id)
        ).first()
        if row is None:
            return None
        apply(self.db, delete(Identity).where(Identity.id == identity_id))
        return _record(row)
