"""Services for the lockout and spraying tests, on every counter store that matters.

``throttled_services`` builds replicas (``Authgate`` instances sharing one
database and one counter store) on SQLite, PostgreSQL (a schema of its own in
the shared server) or Redis (a key prefix of its own). Server stores that
cannot be reached skip the test, and fail it under ``CI=true``.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text

from authgate.config import AuthgateSettings
from authgate.core.clock import Clock
from authgate.root import Authgate
from authgate.store.engine import create_store_engine
from authgate.store.throttle_redis import RedisThrottle

PG_URL = os.environ.get(
    "AUTHGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("AUTHGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
STORES = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.serverdb),
    "redis",
]

T = TypeVar("T")


def _unreachable(what: str, error: Exception) -> None:
    reason = f"{what} unreachable: {type(error).__name__}: {error}".splitlines()[0]
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@contextmanager
def _postgres_schema() -> Iterator[str]:
    """A database URL whose connections all work in a fresh schema, dropped afterwards."""
    prefix = os.environ.get("AUTHGATE_TEST_DB_PREFIX", "authgate")
    schema = f"{prefix}_sec_{uuid.uuid4().hex[:10]}"
    admin = create_store_engine(PG_URL, pool_size=1, max_overflow=0)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        _unreachable(f"PostgreSQL at {PG_URL}", error)
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def throttled_services(
    store: str, tmp_path: Path, clock: Clock, *, replicas: int = 1, **overrides: Any
) -> Iterator[list[Authgate]]:
    """``replicas`` services over one database and one counter store of kind ``store``."""
    with _database_url(store, tmp_path) as url:
        values: dict[str, Any] = {
            "database_url": url,
            "data_dir": tmp_path / "data",
            "argon2_memory_cost": 8192,
            "argon2_time_cost": 1,
            **overrides,
        }
        if store == "redis":
            values["redis_url"] = REDIS_URL
        settings = AuthgateSettings(**values)
        made = [Authgate.from_settings(settings, clock=clock) for _ in range(replicas)]
        try:
            if store == "redis":
                _own_redis_prefix(made)
            yield made
        finally:
            for auth in made:
                auth.close()


@contextmanager
def _database_url(store: str, tmp_path: Path) -> Iterator[str]:
    if store == "postgresql":
        with _postgres_schema() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'auth.db'}"


def _own_redis_prefix(made: Sequence[Authgate]) -> None:
    prefix = f"authgate-test:{uuid.uuid4().hex}:"
    for auth in made:
        throttle = auth.lockout.throttle
        assert isinstance(throttle, RedisThrottle)
        try:
            throttle.client.ping()
        except Exception as error:
            _unreachable(f"Redis at {REDIS_URL}", error)
        throttle.prefix = prefix


def at_once(calls: Sequence[Callable[[], T]]) -> list[T | Exception]:
    """Run every call in its own thread, released together; each one's answer or error."""
    barrier = threading.Barrier(len(calls))
    answers: list[T | Exception] = [RuntimeError("not run")] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            answers[index] = calls[index]()
        except Exception as error:
            answers[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def count_hashes(auth: Authgate, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A list that grows by one entry for every password hash the login path computes."""
    seen: list[str] = []
    lock = threading.Lock()
    passwords = auth.passwords
    real_verify, real_dummy = passwords.verify, passwords.dummy_verify

    def verify(password: str, encoded: str) -> tuple[bool, str | None]:
        with lock:
            seen.append("verify")
        return real_verify(password, encoded)

    def dummy_verify(password: str) -> None:
        with lock:
            seen.append("dummy")
        real_dummy(password)

    monkeypatch.setattr(passwords, "verify", verify)
    monkeypatch.setattr(passwords, "dummy_verify", dummy_verify)
    return seen
