"""One-time tokens and refresh-token links over SQLAlchemy.

Both are found by their SHA-256 digest and spent by one conditional UPDATE
(``... WHERE used_at IS NULL``): the row count names the one winner of a
race, on every backend and across replicas, with no lock held in between.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from authgate.core.ports.tokens import (
    NewOneTimeToken,
    NewRefreshLink,
    OneTimeTokenRecord,
    RefreshLink,
)
from authgate.store.models import OneTimeToken, RefreshToken
from authgate.store.repositories._mapping import apply, table_of

__all__ = ["SqlOneTimeTokenRepository", "SqlRefreshTokenRepository"]

_ONE_TIME_COLUMNS = (
    OneTimeToken.id,
    OneTimeToken.purpose,
    OneTimeToken.user_id,
    OneTimeToken.session_id,
    OneTimeToken.created_at,
    OneTimeToken.expires_at,
    OneTimeToken.used_at,
    OneTimeToken.data,
)

_LINK_COLUMNS = (
    RefreshToken.id,
    RefreshToken.family_id,
    RefreshToken.session_id,
    RefreshToken.user_id,
    RefreshToken.created_at,
    RefreshToken.expires_at,
    RefreshToken.used_at,
    RefreshToken.revoked_at,
)


# Built once: each login and refresh writes a link (see sessions.py's _INSERT).
_INSERT_LINK = insert(table_of(RefreshToken))


def _delete_batch(db: Connection, table: Any, *, now: datetime, batch_size: int) -> int:
    """Delete up to ``batch_size`` rows past ``expires_at``; how many went."""
    ids = db.scalars(
        select(table.id).where(table.expires_at <= now).limit(max(1, batch_size))
    ).all()
    if not ids:
        return 0
    apply(db, delete(table).where(table.id.in_(ids)))
    return len(ids)


class SqlOneTimeTokenRepository:
    """``OneTimeTokenRepository`` bound to one open transaction's connection."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def add(self, new: NewOneTimeToken) -> None:
        self.db.execute(
            insert(OneTimeToken).values(
                purpose=new.purpose,
                token_hash=new.token_hash,
                user_id=new.user_id,
                session_id=new.session_id,
                created_at=new.created_at,
                expires_at=new.expires_at,
                used_at=None,
                data=new.data,
            )
        )

    def find(self, purpose: str, token_hash: str) -> OneTimeTokenRecord | None:
        """The token only when the purpose matches: a reset link is no cookie ticket."""
        row = self.db.execute(
            select(*_ONE_TIME_COLUMNS).where(
                OneTimeToken.token_hash == token_hash, OneTimeToken.purpose == purpose
            )
        ).first()
        if row is None:
            return None
        # The selected columns are named as the record's fields: the row is the record.
        return OneTimeTokenRecord(**{**row._mapping, "data": dict(row.data or {})})

    def claim(self, token_id: int, *, now: datetime) -> bool:
        claimed = apply(
            self.db,
            update(OneTimeToken)
            .where(OneTimeToken.id == token_id, OneTimeToken.used_at.is_(None))
            .values(used_at=now),
        )
        return claimed == 1

    def spend_all(self, user_id: int, purpose: str, *, now: datetime) -> None:
        apply(
            self.db,
            update(OneTimeToken)
            .where(
                OneTimeToken.user_id == user_id,
                OneTimeToken.purpose == purpose,
                OneTimeToken.used_at.is_(None),
            )
            .values(used_at=now),
        )

    def issued_since(self, user_id: int, purpose: str, *, since: datetime) -> bool:
        found = self.db.scalar(
            select(OneTimeToken.id)
            .where(
                OneTimeToken.user_id == user_id,
                OneTimeToken.purpose == purpose,
                OneTimeToken.created_at > since,
            )
            .limit(1)
        )
        return found is not None

    def delete_expired(self, *, now: datetime, batch_size: int) -> int:
        return _delete_batch(self.db, OneTimeToken, now=now, batch_size=batch_size)


class SqlRefreshTokenRepository:
    """``RefreshTokenRepository`` bound to one open transaction's connection."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def add(self, new: NewRefreshLink) -> None:
        self.db.execute(
            _INSERT_LINK,
            {
                "family_id": new.family_id,
                "token_hash": new.token_hash,
                "session_id": new.session_id,
                "user_id": new.user_id,
                "created_at": new.created_at,
                "expires_at": new.expires_at,
                "used_at": None,
                "revoked_at": None,
            },
        )

    def find(self, token_hash: str) -> RefreshLink | None:
        row = self.db.execute(
            select(*_LINK_COLUMNS).where(RefreshToken.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        # The selected columns are named as the record's fields: the row is the record.
        return RefreshLink(**row._mapping)

    def claim(self, link_id: int, *, now: datetime) -> bool:
        claimed = apply(
            self.db,
            update(RefreshToken)
            .where(
                RefreshToken.id == link_id,
                RefreshToken.used_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(used_at=now),
        )
        return claimed == 1

    def revoke_family(self, family_id: str, *, now: datetime) -> int:
        """Revoke every live link of the family; how many were (a revoked one stays as it was)."""
        return apply(
            self.db,
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now),
        )

    def delete_expired(self, *, now: datetime, batch_size: int) -> int:
        """Delete a batch of expired links; a deleted link can no longer signal reuse."""
        return _delete_batch(self.db, RefreshToken, now=now, batch_size=batch_size)
