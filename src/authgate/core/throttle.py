"""Failed-login counters with an exponential, capped, self-ending lockout.

After ``threshold`` failures on a key, each further failure locks the key for
``base_delay * 2**(failures - threshold)``, capped at ``max_delay``. A lock ends
by itself; a success resets the key; failures older than ``window`` are
forgotten. There is no permanent lockout, so an attacker cannot lock a user
out for good, and by default an IP is counted but not locked, so one office
behind NAT cannot lock out all of its users.

Two stores implement ``Throttle``: the SQL database (default, shared by every
replica using it) and Redis (``AUTHGATE_REDIS_URL``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from authgate.store.models import LoginThrottle

__all__ = [
    "DatabaseThrottle",
    "Throttle",
    "ThrottlePolicy",
    "ThrottleStatus",
]


@dataclass(frozen=True)
class ThrottlePolicy:
    threshold: int = 5
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("threshold must be >= 1")
        if self.base_delay <= timedelta(0) or self.max_delay < self.base_delay:
            raise ValueError("need 0 < base_delay <= max_delay")

    def forgets(
        self, last_failure_at: datetime, locked_until: datetime | None, now: datetime
    ) -> bool:
        """True when a key's failures are old enough to start counting from zero."""
        locked = locked_until is not None and locked_until > now
        return not locked and now - last_failure_at > self.window

    def lock_for(self, failures: int) -> timedelta | None:
        """How long ``failures`` consecutive failures lock the key, or None."""
        if failures < self.threshold:
            return None
        exponent = min(failures - self.threshold, 32)
        return min(self.base_delay * (1 << exponent), self.max_delay)


@dataclass(frozen=True)
class ThrottleStatus:
    key: str
    failures: int
    locked_until: datetime | None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


class Throttle(Protocol):
    policy: ThrottlePolicy

    def status(self, key: str, now: datetime, *, db: DbSession | None = None) -> ThrottleStatus:
        """Current failures and lock of ``key`` (zero and unlocked when unknown).

        A SQL store may answer inside the caller's open transaction ``db``,
        saving a round trip on the login path; other stores ignore it.
        """
        ...

    def record_failure(self, key: str, now: datetime) -> ThrottleStatus:
        """Count one failure atomically and return the new status."""
        ...

    def reset(self, key: str) -> None:
        """Forget ``key`` (after a success, or an admin's unlock)."""
        ...


class DatabaseThrottle:
    """Counters in the ``authgate_login_throttle`` table, in their own transactions.

    A failure must be counted even though the login that caused it fails and
    rolls back, so each call commits on its own.
    """

    def __init__(
        self,
        session_factory: sessionmaker[DbSession],
        policy: ThrottlePolicy,
        *,
        read_factory: sessionmaker[DbSession] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._read_factory = read_factory or session_factory
        self.policy = policy

    def status(self, key: str, now: datetime, *, db: DbSession | None = None) -> ThrottleStatus:
        if db is not None:
            return self._status(db, key, now)
        with self._read_factory() as own:
            return self._status(own, key, now)

    def _status(self, db: DbSession, key: str, now: datetime) -> ThrottleStatus:
        row = db.execute(
            select(
                LoginThrottle.failures, LoginThrottle.last_failure_at, LoginThrottle.locked_until
            ).where(LoginThrottle.key == key)
        ).first()
        if row is None:
            return ThrottleStatus(key, 0, None)
        failures, last_failure_at, locked_until = row
        if self.policy.forgets(last_failure_at, locked_until, now):
            return ThrottleStatus(key, 0, None)
        return ThrottleStatus(key, failures, locked_until)

    def record_failure(self, key: str, now: datetime) -> ThrottleStatus:
        for _attempt in range(3):
            try:
                return self._record_failure_once(key, now)
            except IntegrityError:
                continue  # another process inserted the row first: count on it
        return self._record_failure_once(key, now)

    def _record_failure_once(self, key: str, now: datetime) -> ThrottleStatus:
        with self._session_factory() as db, db.begin():
            row = db.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
            if row is None:
                row = LoginThrottle(key=key, failures=0, first_failure_at=now, last_failure_at=now)
                db.add(row)
            elif self.policy.forgets(row.last_failure_at, row.locked_until, now):
                row.failures = 0
                row.first_failure_at = now
                row.locked_until = None
            row.failures += 1
            row.last_failure_at = now
            lock = self.policy.lock_for(row.failures)
            if lock is not None:
                row.locked_until = now + lock
            db.flush()
            return ThrottleStatus(key, row.failures, row.locked_until)

    def reset(self, key: str) -> None:
        with self._session_factory() as db, db.begin():
            db.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
