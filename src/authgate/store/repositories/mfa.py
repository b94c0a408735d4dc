"""Second factors and recovery codes over SQLAlchemy: ``MfaRepository`` for core.

The store holds the TOTP secret only encrypted and recovery codes only hashed;
core does both before anything arrives here. Every decision that must hold
across replicas (switching a factor on, the replay guard, spending a code) is
one conditional UPDATE whose row count names the single winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from authgate.core.ports.mfa import MfaFactor
from authgate.store.models import MfaSecret, RecoveryCode
from authgate.store.repositories._mapping import apply, unique_keys

__all__ = ["SqlMfaRepository"]


class SqlMfaRepository:
    """``MfaRepository`` bound to one open transaction's connection."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def get(self, user_id: int) -> MfaFactor | None:
        row = self.db.execute(
            select(
                MfaSecret.user_id,
                MfaSecret.secret_ciphertext,
                MfaSecret.enabled,
                MfaSecret.created_at,
                MfaSecret.confirmed_at,
                MfaSecret.last_used_step,
            ).where(MfaSecret.user_id == user_id)
        ).first()
        if row is None:
            return None
        return MfaFactor(
            user_id=row.user_id,
            secret_ciphertext=row.secret_ciphertext,
            enabled=bool(row.enabled),
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
            last_used_step=row.last_used_step,
        )

    def start(self, user_id: int, secret_ciphertext: str, *, now: datetime) -> None:
        """Replace a pending factor; DuplicateRecord when one is on or another start won.

        Only a pending row is deleted, so a factor that is on is never
        replaced here: its key blocks the insert instead.
        """
        with unique_keys(self.db):
            apply(
                self.db,
                delete(MfaSecret).where(MfaSecret.user_id == user_id, MfaSecret.enabled.is_(False)),
            )
            self.db.execute(
                insert(MfaSecret).values(
                    user_id=user_id,
                    secret_ciphertext=secret_ciphertext,
                    enabled=False,
                    created_at=now,
                    confirmed_at=None,
                    last_used_step=None,
                )
            )

    def enable(self, user_id: int, *, step: int, now: datetime) -> bool:
        switched = apply(
            self.db,
            update(MfaSecret)
            .where(MfaSecret.user_id == user_id, MfaSecret.enabled.is_(False))
            .values(enabled=True, confirmed_at=now, last_used_step=step),
        )
        return switched == 1

    def advance_step(self, user_id: int, step: int) -> bool:
        """The replay guard: of two requests with the same code, only one moves it."""
        advanced = apply(
            self.db,
            update(MfaSecret)
            .where(
                MfaSecret.user_id == user_id,
                or_(MfaSecret.last_used_step.is_(None), MfaSecret.last_used_step < step),
            )
            .values(last_used_step=step),
        )
        return advanced == 1

    def remove(self, user_id: int) -> None:
        apply(self.db, delete(MfaSecret).where(MfaSecret.user_id == user_id))
        self._delete_codes(user_id)

    def replace_codes(self, user_id: int, code_hashes: Sequence[str], *, now: datetime) -> None:
        """Delete every code of the user, then store ``code_hashes``: old codes die at once."""
        self._delete_codes(user_id)
        rows = [
            {"user_id": user_id, "code_hash": code_hash, "created_at": now, "used_at": None}
            for code_hash in code_hashes
        ]
        if rows:
            self.db.execute(insert(RecoveryCode), rows)

    def use_code(self, user_id: int, code_hash: str, *, now: datetime) -> bool:
        spent = apply(
            self.db,
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user_id,
                RecoveryCode.code_hash == code_hash,
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now),
        )
        return spent == 1

    def count_unused_codes(self, user_id: int) -> int:
        counted = self.db.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        )
        return int(counted or 0)

    def _delete_codes(self, user_id: int) -> None:
        apply(self.db, delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
