"""A running topology per module: nginx, Streamlit and two API replicas on one database.

PostgreSQL by default; a module can parametrize ``replicas_env`` indirectly
with "mysql+redis" (MariaDB, with Redis for the channel and the counters).
The database is one of our own, dropped and created afresh for each module
(``AUTHGATE_TEST_DB_PREFIX`` keeps parallel checkouts apart); a module sets
``STREAMLIT_REPLICAS`` to run fewer than two. Unreachable servers or missing
nginx skip the module, and fail it under CI=true.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from replica_support import FAST_ENV, load_topology
from sqlalchemy import text
from sqlalchemy.engine import make_url

from authgate.config import AuthgateSettings
from authgate.root import Authgate
from authgate.store.engine import create_store_engine

POSTGRES = os.environ.get(
    "AUTHGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MYSQL = os.environ.get("AUTHGATE_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
# Redis database 11 (12, 13... for xdist workers gw1, gw2...), not 15
# (tests/store/test_throttle.py): the lockout keys (account:<id>) of two test
# databases must not meet.
REPLICAS_REDIS = os.environ.get("AUTHGATE_TEST_REPLICAS_REDIS_URL", "redis://127.0.0.1:6379")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The browser steps of the gate's own end-to-end tests (log in, wait for a run to settle).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "streamlit"))


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def fresh_database(server: str, suffix: str) -> str:
    """An empty database ``<prefix>_<suffix>`` on the test PostgreSQL or MariaDB; its URL."""
    name = f"{os.environ.get('AUTHGATE_TEST_DB_PREFIX', 'authgate')}_{suffix}"
    admin = create_store_engine(server, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    postgres = admin.dialect.name == "postgresql"
    quoted = f'"{name}"' if postgres else f"`{name}`"
    try:
        with admin.connect() as connection:
            force = " WITH (FORCE)" if postgres else ""
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}{force}"))
            connection.execute(text(f"CREATE DATABASE {quoted}"))
    except Exception as error:
        _unavailable(f"{server} unreachable: {error}".splitlines()[0])
    finally:
        admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _fresh_redis_counters(url: str) -> None:
    """Drop the lockout counters a previous run left: its user ids are this run's too."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        for key in client.scan_iter(match="authgate:throttle:*", count=1000):
            client.delete(key)
    except redis.RedisError as error:
        _unavailable(f"Redis at {url} unreachable: {error}")


@pytest.fixture(scope="module")
def replicas_env(request: pytest.FixtureRequest, worker_id_safe: str) -> dict[str, str]:
    """PostgreSQL (channel: LISTEN/NOTIFY); with ``param`` "mysql+redis" MariaDB and Redis,
    with "mysql" MariaDB alone (channel: the database's own counter)."""
    # One database per module and xdist worker: a module's tests may run on two workers.
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    module = f"{module}_{worker_id_safe}"
    env = {**FAST_ENV, "AUTHGATE_DEMO_MODE": "true"}
    if getattr(request, "param", "postgresql") == "mysql+redis":
        number = int(worker_id_safe[2:]) if worker_id_safe.startswith("gw") else 0
        redis_url = f"{REPLICAS_REDIS}/{11 + number}"
        _fresh_redis_counters(redis_url)
        env["AUTHGATE_REDIS_URL"] = redis_url
        return {**env, "AUTHGATE_DATABASE_URL": fresh_database(MYSQL, f"r_{module}")}
    if getattr(request, "param", "postgresql") == "mysql":
        return {**env, "AUTHGATE_DATABASE_URL": fresh_database(MYSQL, f"rc_{module}")}
    return {**env, "AUTHGATE_DATABASE_URL": fresh_database(POSTGRES, f"r_{module}")}


@pytest.fixture(scope="module")
def topology(
    request: pytest.FixtureRequest,
    replicas_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        _unavailable("nginx is not installed (apt-get install nginx)")
    streamlit = getattr(request.module, "STREAMLIT_REPLICAS", 2)
    topology = load_topology().Topology(
        tmp_path_factory.mktemp("topology"), streamlit=streamlit, env=replicas_env
    )
    topology.start()
    yield topology
    topology.stop()


@pytest.fixture(scope="module")
def arranger(topology: Any) -> Iterator[Authgate]:
    """A service on the topology's database, for arranging users from the test."""
    env = topology.env
    settings = AuthgateSettings(
        database_url=env["AUTHGATE_DATABASE_URL"],
        redis_url=env.get("AUTHGATE_REDIS_URL"),
        secret_key=env["AUTHGATE_SECRET_KEY"],
        argon2_memory_cost=8192,
        argon2_time_cost=1,
        auto_migrate=False,
    )
    auth = Authgate.from_settings(settings)
    yield auth
    auth.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, with the flags every browser test here uses."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()
