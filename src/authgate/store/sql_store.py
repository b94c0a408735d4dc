"""``SqlStore``: core's ``Store`` over one SQLAlchemy engine.

A write transaction commits when its block ends cleanly and rolls back
otherwise; a read transaction always rolls back and, on SQLite, begins
deferred (``authgate_readonly``) so page views never queue behind the write
lock. Two kinds of driver failure are translated here, for every repository
at once:

- "the database cannot be used now" (lost connection, server down, SQLite
  busy past its timeout, pool exhausted) becomes ``StoreUnavailable``, so
  callers show "temporarily unavailable" instead of a traceback; nothing was
  committed in that case;
- a taken unique key becomes ``DuplicateRecord``, whether the statement
  raised it at once or the commit did (a racing registration has exactly one
  winner; the loser hears DuplicateRecord from the ``with`` statement itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL

from authgate.core.ports.store import DuplicateRecord
from authgate.errors import StoreUnavailable
from authgate.store.availability import Availability
from authgate.store.engine import create_store_engine
from authgate.store.migrate import current_revision, downgrade, ensure_schema, upgrade
from authgate.store.repositories import SqlRepositories
from authgate.store.repositories._mapping import is_duplicate

__all__ = ["SqlStore", "SqlTransaction", "is_unavailable"]

_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def is_unavailable(error: BaseException) -> bool:
    """True for failures that mean "the database cannot be used now", not a bug."""
    if isinstance(error, _UNAVAILABLE):
        return True
    return isinstance(error, sa_exc.DBAPIError) and bool(error.connection_invalidated)


def _store_error(error: BaseException) -> BaseException:
    """The error core knows for a driver failure; any other error is returned as it is."""
    if isinstance(error, sa_exc.IntegrityError) and is_duplicate(error):
        return DuplicateRecord()
    if is_unavailable(error):
        return StoreUnavailable()
    return error


class SqlTransaction:
    """One transaction as a context manager: ``SqlRepositories`` in, commit or rollback out.

    A class rather than a generator so that its exit is typed to never
    swallow an exception (the ``Store`` port promises that): an error in the
    block always leaves it, translated when it is a driver failure.

    The repositories get a Core ``Connection``, not an ORM session: they
    only ever run statements and map rows to core records themselves, and
    the session's unit-of-work machinery around each statement cost about
    as much CPU as the statement (issue 13: a login runs thirteen).
    """

    __slots__ = ("availability", "db", "dialect", "engine", "writes")

    def __init__(
        self,
        engine: Engine,
        *,
        dialect: str,
        writes: bool,
        availability: Availability | None = None,
    ) -> None:
        self.engine = engine
        self.dialect = dialect
        self.writes = writes
        self.availability = availability
        self.db: Connection | None = None

    def __enter__(self) -> SqlRepositories:
        # A pooled connection; the transaction begins at its first statement.
        try:
            db = self.engine.connect()
        except Exception as error:
            self._raise(error, None)
            raise
        self.db = db
        return SqlRepositories(db, dialect=self.dialect)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        db, self.db = self.db, None
        assert db is not None, "SqlTransaction entered once, exited once"
        try:
            if error is None and self.writes:  # no statement, no transaction: a no-op
                db.commit()
        except Exception as failure:
            error = failure
        finally:
            try:
                db.close()  # rolls back whatever was not committed
            except Exception as failure:  # the rollback of a connection that just died
                error = error or failure
        if error is None:
            if self.availability is not None:
                self.availability.succeeded()
            return
        self._raise(error, exc_type)

    def _raise(self, error: BaseException, exc_type: type[BaseException] | None) -> None:
        """Leave with ``error``, translated when it is a driver failure."""
        replacement = _store_error(error)
        if isinstance(replacement, StoreUnavailable) and self.availability is not None:
            self.availability.failed(error)
        if replacement is not error:
            raise replacement from error
        if exc_type is None:  # the commit failed with an error of its own kind
            raise error


class SqlStore:
    """Transactions over ``engine`` that hand out ``SqlRepositories``.

    Build one per process and share it: the engine holds the connection pool
    and every transaction takes its own connection from it, so the store is safe
    to use from many threads.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.availability = Availability(engine.url.get_backend_name())
        # Same pool, one option: on SQLite a deferred BEGIN that takes no write
        # lock. (Autocommit reads on PostgreSQL were measured and rejected:
        # SQLAlchemy resets the isolation level at every check-in, which costs
        # more than the BEGIN/ROLLBACK it saves.)
        self._reads = engine.execution_options(authgate_readonly=True)

    @classmethod
    def from_url(cls, url: str | URL, **engine_options: Any) -> SqlStore:
        """A store on a new engine from ``create_store_engine`` (safe per-backend settings)."""
        return cls(create_store_engine(url, **engine_options))

    def write(self) -> SqlTransaction:
        """A read-write transaction: commit at a clean end, roll back on any error."""
        return SqlTransaction(
            self.engine, dialect=self.dialect, writes=True, availability=self.availability
        )

    def read(self) -> SqlTransaction:
        """A read-only transaction; it is rolled back, so nothing in it can ever commit."""
        return SqlTransaction(
            self._reads, dialect=self.dialect, writes=False, availability=self.availability
        )

    def migrate(self) -> None:
        """Create or upgrade the schema; StoreUnavailable when the database is down."""
        try:
            with self._migration_engine() as engine:
                ensure_schema(engine)
        except Exception as error:
            if is_unavailable(error):
                raise StoreUnavailable() from error
            raise

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema up to ``revision`` (the CLI's ``db upgrade``)."""
        with self._migration_engine() as engine:
            upgrade(engine, revision)

    def downgrade(self, revision: str) -> None:
        """Migrate the schema down to ``revision`` ("base" drops authgate's tables)."""
        with self._migration_engine() as engine:
            downgrade(engine, revision)

    @contextmanager
    def _migration_engine(self) -> Iterator[Engine]:
        """An engine without the statement timeout: a migration may rewrite a large table."""
        if self.dialect == "sqlite":
            yield self.engine
            return
        engine = create_store_engine(
            self.engine.url, statement_timeout=None, pool_size=1, max_overflow=0
        )
        try:
            yield engine
        finally:
            engine.dispose()

    def revision(self) -> str | None:
        """The schema's current migration revision, None for an empty database."""
        return current_revision(self.engine)

    def health(self) -> bool:
        """True when the database answers a trivial query (in a read: no write lock)."""
        try:
            with self.read() as repositories:
                repositories.db.execute(select(1))
        except StoreUnavailable:
            return False
        return True

    def close(self) -> None:
        """Close every pooled connection; the store must not be used afterwards."""
        self.engine.dispose()
