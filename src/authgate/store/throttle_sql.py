"""Failure counters in the SQL database (``authgate_login_throttle``), shared by every replica.

A failure must be counted even though the login that caused it fails and
rolls back, so each change commits in its own transaction. Counting locks the
key's row (on SQLite the write lock does the same), so failures counted at
once by many processes are all counted. The arithmetic of the lockout is
``ThrottlePolicy``'s; nothing here restates it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session as DbSession

from authgate.core.lockout.policy import ThrottlePolicy, ThrottleStatus
from authgate.core.ports.store import DuplicateRecord, Repositories
from authgate.store.models import LoginThrottle
from authgate.store.repositories import SqlRepositories
from authgate.store.repositories._mapping import apply
from authgate.store.sql_store import SqlStore

__all__ = ["DatabaseThrottle"]

_INSERT_RACES = 3
# Built once: every login reads its counter (a statement with the key inline
# would need a new cache key each time).
_STATUS = select(
    LoginThrottle.failures, LoginThrottle.last_failure_at, LoginThrottle.locked_until
).where(LoginThrottle.key == bindparam("key"))


class DatabaseThrottle:
    """``Throttle`` over a ``SqlStore``; ``status`` may ride on the caller's open read."""

    def __init__(self, store: SqlStore, policy: ThrottlePolicy) -> None:
        self.store = store
        self.policy = policy

    def status(
        self, key: str, now: datetime, *, within: Repositories | None = None
    ) -> ThrottleStatus:
        """The key's failures and lock; inside ``within`` when it is this store's transaction.

        The login path reads the user and the counter in one read transaction,
        saving a round trip (and, on PostgreSQL, a BEGIN/ROLLBACK pair).
        """
        if isinstance(within, SqlRepositories):
            return self._status(within.db, key, now)
        with self.store.read() as repositories:
            return self._status(repositories.db, key, now)

    def _status(self, db: DbSession, key: str, now: datetime) -> ThrottleStatus:
        row = db.execute(_STATUS, {"key": key}).first()
        if row is None or self.policy.forgets(row.last_failure_at, row.locked_until, now):
            return ThrottleStatus(key, 0, None)
        return ThrottleStatus(key, row.failures, row.locked_until)

    def record_failure(self, key: str, now: datetime) -> ThrottleStatus:
        """Count one failure; a first failure racing another's insert retries on its row."""
        for _attempt in range(_INSERT_RACES):
            try:
                return self._record_failure_once(key, now)
            except DuplicateRecord:
                continue  # another process inserted the row first: count on it
        return self._record_failure_once(key, now)

    def _record_failure_once(self, key: str, now: datetime) -> ThrottleStatus:
        with self.store.write() as repositories:
            db = repositories.db
            row = db.execute(
                select(
                    LoginThrottle.failures,
                    LoginThrottle.last_failure_at,
                    LoginThrottle.locked_until,
                )
                .where(LoginThrottle.key == key)
                .with_for_update()
            ).first()
            if row is None or self.policy.forgets(row.last_failure_at, row.locked_until, now):
                failures, running_lock = 1, None
            else:
                failures, running_lock = row.failures + 1, row.locked_until
            lock = self.policy.lock_for(failures)
            # Below the threshold a failure leaves a running lock as it was.
            locked_until = now + lock if lock is not None else running_lock
            values: dict[str, object] = {
                "failures": failures,
                "last_failure_at": now,
                "locked_until": locked_until,
            }
            if row is None:
                db.execute(insert(LoginThrottle).values(key=key, first_failure_at=now, **values))
            else:
                if failures == 1:
                    values["first_failure_at"] = now
                apply(db, update(LoginThrottle).where(LoginThrottle.key == key).values(values))
            return ThrottleStatus(key, failures, locked_until)

    def reset(self, key: str) -> None:
        with self.store.write() as repositories:
            apply(repositories.db, delete(LoginThrottle).where(LoginThrottle.key == key))
