"""Passkeys over SQLAlchemy: ``PasskeyRepository`` for core.

Lookups go through the SHA-256 of the credential id (``credential_key``), which
carries the unique index; a use is recorded by one conditional UPDATE on the
counter, so of two replicas checking the same assertion only one wins.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from authgate.core.ports.passkeys import NewPasskey, PasskeyRecord
from authgate.store.models import Passkey
from authgate.store.repositories._mapping import apply, unique_keys

__all__ = ["SqlPasskeyRepository"]

_COLUMNS = (
    Passkey.id,
    Passkey.user_id,
    Passkey.credential_id,
    Passkey.user_handle,
    Passkey.public_key,
    Passkey.sign_count,
    Passkey.name,
    Passkey.transports,
    Passkey.aaguid,
    Passkey.backup_eligible,
    Passkey.backed_up,
    Passkey.created_at,
    Passkey.last_used_at,
)


def _key(credential_id: str) -> str:
    return hashlib.sha256(credential_id.encode("utf-8")).hexdigest()


def _record(row: Any) -> PasskeyRecord:
    return PasskeyRecord(
        id=row.id,
        user_id=row.user_id,
        credential_id=row.credential_id,
        user_handle=row.user_handle,
        public_key=bytes(row.public_key),
        sign_count=int(row.sign_count),
        name=row.name,
        transports=tuple(row.transports or ()),
        aaguid=row.aaguid,
        backup_eligible=bool(row.backup_eligible),
        backed_up=bool(row.backed_up),
        created_at=row.created_at,
        last_used_at=row.last_used_at,
    )


class SqlPasskeyRepository:
    """``PasskeyRepository`` bound to one open transaction's connection."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def add(self, new: NewPasskey) -> PasskeyRecord:
        with unique_keys(self.db):
            values = asdict(new) | {"transports": list(new.transports)}
            self.db.execute(
                insert(Passkey).values(
                    credential_key=_key(new.credential_id), last_used_at=None, **values
                )
            )
        found = self.find(new.credential_id)
        assert found is not None, "a passkey just inserted is readable in its transaction"
        return found

    def find(self, credential_id: str) -> PasskeyRecord | None:
        row = self.db.execute(
            select(*_COLUMNS).where(Passkey.credential_key == _key(credential_id))
        ).first()
        return None if row is None else _record(row)

    def list_for_user(self, user_id: int) -> list[PasskeyRecord]:
        rows = self.db.execute(
            select(*_COLUMNS).where(Passkey.user_id == user_id).order_by(Passkey.id)
        ).all()
        return [_record(row) for row in rows]

    def count_by_user(self, user_ids: Iterable[int]) -> dict[int, int]:
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        rows = self.db.execute(
            select(Passkey.user_id, func.count())
            .where(Passkey.user_id.in_(ids))
            .group_by(Passkey.user_id)
        ).all()
        return {int(user_id): int(count) for user_id, count in rows}

    def record_use(
        self, passkey_id: int, *, seen_count: int, sign_count: int, backed_up: bool, now: datetime
    ) -> bool:
        moved = apply(
            self.db,
            update(Passkey)
            .where(Passkey.id == passkey_id, Passkey.sign_count == seen_count)
            .values(sign_count=sign_count, backed_up=backed_up, last_used_at=now),
        )
        return moved == 1

    def delete(self, user_id: int, passkey_id: int) -> PasskeyRecord | None:
        row = self.db.execute(
            select(*_COLUMNS).where(Passkey.id == passkey_id, Passkey.user_id == user_id)
        ).first()
        if row is None:
            return None
        apply(self.db, delete(Passkey).where(Passkey.id == passkey_id))
        return _record(row)
