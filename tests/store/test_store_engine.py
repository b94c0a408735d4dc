"""Engine factory: driver choice and SQLite's safety settings."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from authgate.store.engine import create_store_engine, normalize_database_url


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
