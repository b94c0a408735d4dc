"""Engine factory: driver choice, SQLite's safety settings, server timeouts."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import text

from authgate.errors import StoreUnavailable
from authgate.store.engine import create_store_engine, normalize_database_url
from authgate.store.sql_store import SqlStore


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("mysql://u@h/db", "mysql+pymysql"),
        ("mariadb://u@h/db", "mysql+pymysql"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_driver_choice(url: str, driver: str) -> None:
    assert normalize_database_url(url).drivername == driver


def test_sqlite_pragmas(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_store_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_shared_between_threads() -> None:
    import threading

    engine = create_store_engine("sqlite://")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
        seen: list[int] = []

        def insert() -> None:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO t VALUES (1)"))
                seen.append(1)

        worker = threading.Thread(target=insert)
        worker.start()
        worker.join()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.serverdb
@pytest.mark.parametrize("database_url", ["postgresql", "mysql"], indirect=True)
def test_a_statement_past_the_timeout_is_unavailable_not_a_hang(database_url: str) -> None:
    """A 10 s statement under a 1 s timeout ends as StoreUnavailable, well before 10 s."""
    store = SqlStore.from_url(database_url, statement_timeout=1.0)
    sleep = "SELECT pg_sleep(10)" if store.dialect == "postgresql" else "SELECT SLEEP(10)"
    started = time.monotonic()
    try:
        with pytest.raises(StoreUnavailable), store.read() as repositories:
            repositories.db.execute(text(sleep))
        assert time.monotonic() - started < 5
        assert store.health(), "the pool recovers: the next transaction works"
    finally:
        store.close()


@pytest.mark.serverdb
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_pooled_connection_the_server_ended_is_replaced_without_a_round_trip(
    database_url: str,
) -> None:
    """Checkout looks at the socket, not the server: no ping is sent, yet a dead one is dropped.

    The backend of the only pooled connection is ended (as a restart would);
    the next transaction gets a new connection instead of failing.
    """
    engine = create_store_engine(database_url, pool_size=1, max_overflow=0, statement_timeout=5)
    other = create_store_engine(database_url)
    pings: list[object] = []
    ping = engine.dialect.do_ping

    def counted_ping(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted_ping  # type: ignore[method-assign]
    try:
        with engine.connect() as connection:
            first = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with engine.connect() as connection:  # a live connection: checked without a statement
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar() == first
        assert pings == []
        with other.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the backend's exit reaches the socket
            with other.connect() as connection:
                gone = connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": first}
                ).scalar()
            if not gone:
                break
            time.sleep(0.05)
        with engine.connect() as connection:
            second = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        assert second != first
    finally:
        engine.dispose()
        other.dispose()
