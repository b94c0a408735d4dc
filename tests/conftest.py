"""Shared fixtures: a database of each kind, a frozen clock, a fast service.

Server databases (PostgreSQL, MariaDB) are the ones running on this machine.
When one cannot be reached its tests are skipped with the reason, except under
``CI=true``, where an unreachable database fails the run: CI must prove every
backend works, not quietly test fewer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text

from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.root import Authgate
from authgate.store.engine import create_store_engine

FAST_HASHING = {"argon2_memory_cost": 8192, "argon2_time_cost": 1}

SERVER_URLS = {
    "postgresql": os.environ.get(
        "AUTHGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
    "mysql": os.environ.get("AUTHGATE_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass
class ServerDatabase:
    kind: str
    url: str


_reachability: dict[str, str | None] = {}


def _probe(kind: str) -> str | None:
    """None if the server answers, else why not (cached for the run)."""
    if kind not in _reachability:
        engine = create_store_engine(SERVER_URLS[kind], pool_size=1, max_overflow=0)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            _reachability[kind] = None
        except Exception as error:
            _reachability[kind] = (
                f"{kind} at {SERVER_URLS[kind]} unreachable: {error}".splitlines()[0]
            )
        finally:
            engine.dispose()
    return _reachability[kind]


def _worker_database(kind: str, worker: str) -> str:
    """A database of our own per xdist worker, so parallel runs never collide."""
    # A prefix of one's own keeps two checkouts testing at once on one server apart.
    name = f"{os.environ.get('AUTHGATE_TEST_DB_PREFIX', 'authgate')}_{worker}"
    admin = create_store_engine(
        SERVER_URLS[kind], pool_size=1, max_overflow=0, isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            if kind == "postgresql":
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).scalar()
                if not exists:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                connection.execute(text(f"CREATE DATABASE IF NOT EXISTS `{name}`"))
    finally:
        admin.dispose()
    base = SERVER_URLS[kind].rsplit("/", 1)[0]
    return f"{base}/{name}"


def reset_schema(engine: Engine) -> None:
    """Drop every authgate table so the next service migrates from empty."""
    from authgate.store.migrate import downgrade

    with engine.connect() as connection:
        dialect = connection.dialect.name
        tables = {
            "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
            "mysql": "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = DATABASE()",
            "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
        }[dialect]
        names = [row[0] for row in connection.execute(text(tables))]
    if "authgate_alembic_version" in names:
        try:
            downgrade(engine, "base")
            return
        except Exception:  # a broken half-migrated schema: drop by hand below
            pass
    with engine.begin() as connection:
        if dialect == "mysql":
            connection.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        for name in names:
            if name.startswith("authgate_") or name.startswith("demo_"):
                quoted = f"`{name}`" if dialect == "mysql" else f'"{name}"'
                cascade = " CASCADE" if dialect == "postgresql" else ""
                connection.execute(text(f"DROP TABLE IF EXISTS {quoted}{cascade}"))
        if dialect == "mysql":
            connection.execute(text("SET FOREIGN_KEY_CHECKS=1"))


def server_database_url(kind: str, worker: str) -> str:
    reason = _probe(kind)
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    return _worker_database(kind, worker)


@pytest.fixture(scope="session")
def worker_id_safe(request: pytest.FixtureRequest) -> str:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return str(worker)


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def database_url(request: pytest.FixtureRequest, tmp_path, worker_id_safe: str) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A clean, empty database of each kind; the test's service migrates it."""
    kind = request.param
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'authgate.db'}"
        return
    url = server_database_url(kind, worker_id_safe)
    engine = create_store_engine(url, pool_size=1, max_overflow=0)
    try:
        reset_schema(engine)
    finally:
        engine.dispose()
    yield url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def make_settings(database_url: str, tmp_path, **overrides: object) -> AuthgateSettings:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "database_url": database_url,
        "data_dir": tmp_path / "data",
        **FAST_HASHING,
    }
    values.update(overrides)
    return AuthgateSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def service(database_url: str, clock: FrozenClock, tmp_path) -> Iterator[Authgate]:  # type: ignore[no-untyped-def]
    svc = Authgate.from_settings(make_settings(database_url, tmp_path), clock=clock)
    yield svc
    svc.close()


@pytest.fixture
def sqlite_service(clock: FrozenClock, tmp_path) -> Iterator[Authgate]:  # type: ignore[no-untyped-def]
    """The services on a temporary SQLite file, for tests that are not about the backend."""
    svc = Authgate.from_settings(
        make_settings(f"sqlite:///{tmp_path / 'auth.db'}", tmp_path), clock=clock
    )
    yield svc
    svc.close()


@pytest.fixture
def service_factory(clock: FrozenClock, tmp_path):  # type: ignore[no-untyped-def]
    """Build services on a temporary SQLite file with settings overrides; closes them all."""
    made: list[Authgate] = []

    def build(database_url: str | None = None, **overrides: object) -> Authgate:
        url = database_url or f"sqlite:///{tmp_path / 'factory.db'}"
        svc = Authgate.from_settings(make_settings(url, tmp_path, **overrides), clock=clock)
        made.append(svc)
        return svc

    yield build
    for svc in made:
        svc.close()
