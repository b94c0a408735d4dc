"""Engine factory: one well-configured SQLAlchemy engine per database URL.

SQLite gets WAL, foreign keys and a busy timeout so that several threads and
processes (reruns, the API, the CLI) share one file without "database is
locked". PostgreSQL and MySQL/MariaDB get a pool that checks a connection
at checkout, so a restarted server costs one failed check, not a failed
request (MySQL: a ping; PostgreSQL: a look at the socket, see
``_check_postgres_socket``), and timeouts
everywhere (``statement_timeout`` seconds for a statement, a connect or any
wait on the server, ``pool_timeout`` for a free pooled connection): a frozen
server makes requests fail as ``StoreUnavailable`` instead of hanging them.
PostgreSQL gets both a server-side ``statement_timeout`` (a slow query ends
cleanly) and the client-side deadline of ``store/deadlines.py`` (a server that
answers nothing at all); MySQL gets PyMySQL's read and write timeouts.

A new SQLite file is created readable by its owner only (0600) before SQLite
opens it: it holds password hashes, session hashes and encrypted MFA secrets.
SQLite gives the ``-wal`` and ``-shm`` files it creates the database file's
mode, so they are 0600 too.
"""

from __future__ import annotations

import math
import os
import select
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

__all__ = ["DEFAULT_TIMEOUT", "create_store_engine", "normalize_database_url"]

DEFAULT_TIMEOUT = 5.0
_FAIL_FAST_AFTER_CUT = 1.0  # seconds; see store/deadlines.py
_CLIENT_MARGIN = 0.5
_SQLITE_BUSY_TIMEOUT_MS = 10_000
_OWNER_ONLY = 0o600


def normalize_database_url(url: str | URL) -> URL:
    """Pick the driver authgate supports for a plain ``postgresql://`` or ``mysql://`` URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in {"postgresql", "postgres"} and parsed.drivername in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+psycopg")
    if backend in {"mysql", "mariadb"} and parsed.drivername in {"mysql", "mariadb"}:
        return parsed.set(drivername="mysql+pymysql")
    return parsed


def is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_store_engine(
    url: str | URL,
    *,
    echo: bool = False,
    statement_timeout: float | None = None,
    pool_timeout: float = 30.0,
    **kwargs: Any,
) -> Engine:
    """Create an engine with the settings each backend needs to be safe under concurrency.

    ``statement_timeout=None`` (the default here; the composition root
    passes the ``database_statement_timeout`` setting) waits as long as the
    server takes: schema migrations, which may rewrite a large table, and
    administrative tools use that.
    """
    parsed = normalize_database_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, echo=echo, **kwargs)
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 20,
        "pool_recycle": 1800,
        "pool_timeout": pool_timeout,
    }
    connect_timeout = _connect_timeout(statement_timeout)
    if backend == "postgresql":
        options["connect_args"] = {"connect_timeout": connect_timeout}
        if statement_timeout is not None:
            # Appended to the URL's own libpq ``options`` (a search_path, say), not instead.
            given = parsed.query.get("options", "")
            given = given if isinstance(given, str) else " ".join(given)
            timeout_option = f"-c statement_timeout={int(statement_timeout * 1000)}"
            options["connect_args"]["options"] = f"{given} {timeout_option}".strip()
    elif backend in {"mysql", "mariadb"}:
        options["connect_args"] = {"connect_timeout": connect_timeout, "charset": "utf8mb4"}
        if statement_timeout is not None:
            options["connect_args"]["read_timeout"] = statement_timeout
            options["connect_args"]["write_timeout"] = statement_timeout
        options["isolation_level"] = "READ COMMITTED"
    options.update(kwargs)
    socket_check = backend == "postgresql" and _CAN_POLL and "pool_pre_ping" not in kwargs
    if socket_check:
        options["pool_pre_ping"] = False
    engine = create_engine(parsed, echo=echo, **options)
    if socket_check:
        event.listen(engine, "checkout", _check_postgres_socket)
    if backend == "postgresql" and statement_timeout is not None:
        _bound_postgres_waits(engine, statement_timeout)
    return engine


_CAN_POLL = hasattr(select, "poll")
_NEWS = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP if _CAN_POLL else 0


def _check_postgres_socket(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled connection the server has closed, without a round trip.

    A pre-ping costs one round trip per checkout (two per login); this looks
    at the socket instead. An idle connection in the pool has nothing to
    read: the server speaks only when asked. When it ends a connection (a
    restart, a shutdown, ``pg_terminate_backend``, an idle timeout) it sends
    its last message and closes the socket, which then polls readable or
    hung up. Either sign (or a connection the driver already knows closed)
    raises ``DisconnectionError``, on which the pool drops the connection and
    checks out another (a new one if need be), as after a failed ping. What
    neither a ping nor this can tell at once, a server that went silent, is
    bounded by the deadlines of ``store/deadlines.py``.
    """
    if dbapi_connection.closed:
        raise exc.DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), _NEWS)
    if poller.poll(0):
        raise exc.DisconnectionError("the server sent something to an idle connection")


def _connect_timeout(statement_timeout: float | None) -> int:
    """Whole seconds, at least 2 (libpq's floor); 5 when statements are unbounded."""
    if statement_timeout is None:
        return int(DEFAULT_TIMEOUT)
    return max(2, math.ceil(statement_timeout))


def _bound_postgres_waits(engine: Engine, seconds: float) -> None:
    """Connect with a psycopg class whose waits end within ``seconds`` (store/deadlines.py)."""
    import psycopg

    from authgate.store.deadlines import DEADLINES, deadline_connection_class

    # Half a second after the server's own statement_timeout: a server that is
    # alive cancels a slow statement itself and the connection stays usable.
    connection_class = deadline_connection_class(seconds + _CLIENT_MARGIN)

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        if DEADLINES.cut_within(_FAIL_FAST_AFTER_CUT):
            raise psycopg.OperationalError(f"the database did not answer within {seconds:g} s")
        return connection_class.connect(*cargs, **cparams)


def _sqlite_engine(url: URL, *, echo: bool, **kwargs: Any) -> Engine:
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": _SQLITE_BUSY_TIMEOUT_MS / 1000},
    }
    memory = is_memory_sqlite(url)
    if memory:
        # One shared connection: every thread must see the same in-memory database.
        options["poolclass"] = StaticPool
    elif url.database and not _is_uri_database(url):
        _create_private_file(url.database)
    options.update(kwargs)
    engine = create_engine(url, echo=echo, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself so that BEGIN IMMEDIATE works.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that
        # later upgrades to a writer fails at once with SQLITE_BUSY instead of
        # waiting. Read-only work (``authgate_readonly``) begins deferred, so
        # page views never queue behind the write lock under WAL.
        if conn.get_execution_options().get("authgate_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _create_private_file(path: str) -> None:
    """Create ``path`` empty with mode 0600 unless it exists.

    Done with ``os.open`` and an explicit mode rather than by changing the
    umask, which is per process and would race with other threads creating
    files; a umask can only take bits away from 0600. ``O_EXCL`` makes two
    processes starting at once agree on one creator. An existing file keeps
    its mode: an operator may have chosen it. An empty file is a valid empty
    SQLite database. Any other failure (a missing directory, no permission)
    is left to SQLite, whose own error names the database.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _OWNER_ONLY)
    except OSError:
        return
    os.close(descriptor)


def _is_uri_database(url: URL) -> bool:
    """A ``file:`` URI database (``?uri=true``): SQLite parses the name, so leave it to SQLite."""
    uri = str(url.query.get("uri", "")).lower() in {"true", "1"}
    return uri or (url.database or "").startswith("file:")
