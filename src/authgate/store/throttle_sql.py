"""Failure counters in the SQL database (``authgate_login_throttle``), shared by every replica.

A reservation reads each claimed key's row with a row lock (``SELECT ... FOR
UPDATE``; on SQLite the ``BEGIN IMMEDIATE`` write lock does the same), decides
by the policy, and writes, all in one transaction: two attempts on one key are
serialized, so a burst cannot count past the threshold. A missing row is
created first with the dialect's "insert unless present", which waits for a
racing insert instead of failing, so the caller's transaction never has to
start over. Keys are locked in sorted order, so two attempts that claim the
same two keys cannot deadlock. The arithmetic is ``ThrottlePolicy``'s.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, case, delete, func, select, update
from sqlalchemy.sql.dml import UpdateBase

from authgate.core.lockout.policy import Claim, Hold, Reservation, ThrottlePolicy, ThrottleStatus
from authgate.core.ports.store import Repositories
from authgate.store.models import LoginThrottle
from authgate.store.repositories import SqlRepositories
from authgate.store.repositories._mapping import apply, table_of
from authgate.store.sql_store import SqlStore

__all__ = ["DatabaseThrottle"]

_ThrottleRow = Row[int, datetime, datetime | None, int]

# Built once, with bound parameters, on the Core table: every login reads and
# writes its counters, and a statement with its values inline (or an ORM
# UPDATE, which goes through the ORM's bulk-write layer) costs a new cache key
# and more Python than its execution each time.
_TABLE = table_of(LoginThrottle)
_COLUMNS = (_TABLE.c.failures, _TABLE.c.last_failure_at, _TABLE.c.locked_until, _TABLE.c.refused)
_STATUS = select(*_COLUMNS).where(_TABLE.c.key == bindparam("key"))
_LOCKED = _STATUS.with_for_update()
_REFUSED = select(_TABLE.c.refused).where(_TABLE.c.key == bindparam("key")).with_for_update()
_WHERE_KEY = _TABLE.c.key == bindparam("where_key")
# The columns to set come from the parameters of each call (Core's UPDATE
# without ``values()``); one compiled form per set of columns.
_SET = update(_TABLE).where(_WHERE_KEY)
_SET_LAZY_COMMIT = _SET.returning(func.set_config("synchronous_commit", "off", True))
# A success with nothing refused to report (the common case) forgets the key
# in one statement; the condition is evaluated on the row as it is when the
# UPDATE holds its lock, so a refusal counted meanwhile is never lost.
_FORGET_UNREFUSED = (
    update(_TABLE).where(_WHERE_KEY, _TABLE.c.refused == 0).values(failures=0, locked_until=None)
)
# Give back one count that started no lock: nothing else about the row changes.
_GIVE_BACK_COUNT = (
    update(_TABLE)
    .where(_WHERE_KEY)
    .values(failures=case((_TABLE.c.failures > 0, _TABLE.c.failures - 1), else_=0))
)


class DatabaseThrottle:
    """``Throttle`` over a ``SqlStore``; every call may ride on the caller's open transaction."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def status(
        self,
        key: str,
        policy: ThrottlePolicy,
        now: datetime,
        *,
        within: Repositories | None = None,
    ) -> ThrottleStatus:
        if isinstance(within, SqlRepositories):
            return self._status(within.db, key, policy, now)
        with self.store.read() as repositories:
            return self._status(repositories.db, key, policy, now)

    def reserve(
        self, claims: Sequence[Claim], now: datetime, *, within: Repositories | None = None
    ) -> Reservation:
        if isinstance(within, SqlRepositories):
            return self._reserve(within.db, claims, now)
        with self.store.write() as repositories:
            return self._reserve(repositories.db, claims, now)

    def give_back(
        self,
        holds: Sequence[Hold],
        now: datetime,
        *,
        forget: Collection[str] = (),
        within: Repositories | None = None,
    ) -> Mapping[str, int]:
        if isinstance(within, SqlRepositories):
            return self._give_back(within.db, holds, now, forget)
        with self.store.write() as repositories:
            return self._give_back(repositories.db, holds, now, forget)

    def reset(self, key: str, *, within: Repositories | None = None) -> int:
        if isinstance(within, SqlRepositories):
            return self._reset(within.db, key)
        with self.store.write() as repositories:
            return self._reset(repositories.db, key)

    # -- inside one transaction ---------------------------------------------

    def _status(
        self, db: Connection, key: str, policy: ThrottlePolicy, now: datetime
    ) -> ThrottleStatus:
        row = db.execute(_STATUS, {"key": key}).first()
        if row is None:
            return ThrottleStatus(key, 0, None)
        if row.failures == 0 or policy.forgets(row.last_failure_at, row.locked_until, now):
            return ThrottleStatus(key, 0, None, row.refused)
        return ThrottleStatus(key, row.failures, row.locked_until, row.refused)

    def _reserve(self, db: Connection, claims: Sequence[Claim], now: datetime) -> Reservation:
        # Every reservation ends in at least one UPDATE of a row it holds locked;
        # on PostgreSQL that UPDATE also turns synchronous_commit off for this
        # transaction (what SET LOCAL does, without a round trip of its own).
        # The count is visible to every other transaction at commit either way;
        # only its crash durability waits for the WAL writer (a fraction of a
        # second). That keeps the reservation's commit off the disk: about 1 ms,
        # not 8-10.
        write = _SET_LAZY_COMMIT if self.store.dialect == "postgresql" else _SET
        ordered = sorted(claims, key=lambda claim: claim.key)
        rows = {claim.key: self._locked_row(db, claim.key, now) for claim in ordered}
        locked = [
            ThrottleStatus(key, row.failures, row.locked_until, row.refused + 1)
            for key, row in rows.items()
            if row.locked_until is not None and row.locked_until > now
        ]
        if locked:
            for status in locked:
                _set(db, status.key, write, refused=status.refused)
            return Reservation(refused_by=max(locked, key=_lock_end))
        return Reservation(
            holds=tuple(_count(db, write, claim, rows[claim.key], now) for claim in ordered)
        )

    def _locked_row(self, db: Connection, key: str, now: datetime) -> _ThrottleRow:
        """The key's row under a row lock, created (uncounted) when missing."""
        params = {"key": key}
        row = db.execute(_LOCKED, params).first()
        if row is None:
            insert = self._insert_unless_present(key, now)
            if self.store.dialect == "mysql":
                db.execute(insert)
            else:  # our own new row comes back; a racer's is read (and locked) below
                row = db.execute(insert.returning(*_COLUMNS)).first()
        return row if row is not None else db.execute(_LOCKED, params).one()

    def _insert_unless_present(self, key: str, now: datetime) -> Any:
        values = {
            "key": key,
            "failures": 0,
            "first_failure_at": now,
            "last_failure_at": now,
            "locked_until": None,
            "refused": 0,
        }
        dialect = self.store.dialect
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(LoginThrottle).values(values).on_conflict_do_nothing()
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            return sqlite_insert(LoginThrottle).values(values).on_conflict_do_nothing()
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        # A no-op update takes the row's exclusive lock at once, never a shared one
        # that two waiters would both try to upgrade (InnoDB's classic deadlock).
        statement = mysql_insert(LoginThrottle).values(values)
        return statement.on_duplicate_key_update(failures=LoginThrottle.failures)

    def _give_back(
        self, db: Connection, holds: Sequence[Hold], now: datetime, forget: Collection[str]
    ) -> Mapping[str, int]:
        ended: dict[str, int] = {}
        for hold in sorted(holds, key=lambda hold: hold.key):
            if hold.key in forget:
                refused = self._forget(db, hold.key)
            else:
                refused = self._give_back_one(db, hold, now)
            if refused:
                ended[hold.key] = refused
        return ended

    def _give_back_one(self, db: Connection, hold: Hold, now: datetime) -> int:
        if not hold.locks:  # only the count to return: no read needed
            db.execute(_GIVE_BACK_COUNT, {"where_key": hold.key})
            return 0
        row = db.execute(_LOCKED, {"key": hold.key}).first()
        if row is None:
            return 0
        values: dict[str, object] = {"failures": max(row.failures - 1, 0)}
        refused = 0
        if row.locked_until == hold.status.locked_until:
            values["locked_until"] = None  # the lock this attempt started ends with it
            refused, values["refused"] = row.refused, 0
        _set(db, hold.key, _SET, **values)
        return int(refused)

    def _forget(self, db: Connection, key: str) -> int:
        """Zero the key's row after a success; its pending refusals.

        The row stays (an account's next login counts on it) rather than being
        deleted and inserted again at every login, which would churn the table
        and spend a value of its id sequence per login. With no refusals
        pending (almost always) that is one UPDATE; otherwise the row is read
        under its lock to hand the count out.
        """
        if _rowcount(db.execute(_FORGET_UNREFUSED, {"where_key": key})):
            return 0
        refused = db.execute(_REFUSED, {"key": key}).scalar()
        if refused is None:
            return 0
        _set(db, key, _SET, failures=0, locked_until=None, refused=0)
        return int(refused)

    def _reset(self, db: Connection, key: str) -> int:
        """Delete the key's row; its pending refusals (one statement where RETURNING exists)."""
        removal = delete(LoginThrottle).where(LoginThrottle.key == key)
        if self.store.dialect != "mysql":
            return int(db.execute(removal.returning(LoginThrottle.refused)).scalar() or 0)
        refused = db.execute(_REFUSED, {"key": key}).scalar()
        apply(db, removal)
        return int(refused or 0)


def _count(
    db: Connection, write: UpdateBase, claim: Claim, row: _ThrottleRow, now: datetime
) -> Hold:
    """Count one attempt on an unlocked key's row (its earlier lock, if any, has ended)."""
    policy = claim.policy
    fresh = row.failures == 0 or policy.forgets(row.last_failure_at, row.locked_until, now)
    failures = 1 if fresh else row.failures + 1
    lock = policy.lock_for(failures)
    locked_until = now + lock if lock is not None else None
    values: dict[str, object] = {
        "failures": failures,
        "last_failure_at": now,
        "locked_until": locked_until,
        "refused": 0,
    }
    if fresh:
        values["first_failure_at"] = now
    _set(db, claim.key, write, **values)
    return Hold(
        claim.key,
        ThrottleStatus(claim.key, failures, locked_until),
        locks=lock is not None,
        refused_before=int(row.refused),
    )


def _set(db: Connection, key: str, statement: UpdateBase, **values: object) -> None:
    """UPDATE the key's row: ``_SET``, or ``_SET_LAZY_COMMIT`` in a PostgreSQL reservation."""
    result = db.execute(statement, {"where_key": key, **values})
    if statement is _SET_LAZY_COMMIT:
        result.all()  # the RETURNING row (set_config's answer): read, not needed


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _lock_end(status: ThrottleStatus) -> datetime:
    assert status.locked_until is not None
    return status.locked_until
