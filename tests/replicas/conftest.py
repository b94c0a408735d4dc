"""A running topology per module: nginx, two Streamlit and two API replicas on PostgreSQL.

The database is one of our own on the PostgreSQL of this machine, dropped and
created afresh for each module (``AUTHGATE_TEST_DB_PREFIX`` keeps parallel
checkouts apart). Unreachable PostgreSQL or missing nginx skip the module,
and fail it under CI=true.
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


def fresh_postgres_database(suffix: str) -> str:
    """An empty database ``<prefix>_<suffix>`` on the test PostgreSQL; its URL."""
    name = f"{os.environ.get('AUTHGATE_TEST_DB_PREFIX', 'authgate')}_{suffix}"
    admin = create_store_engine(POSTGRES, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        _unavailable(f"PostgreSQL at {POSTGRES} unreachable: {error}".splitlines()[0])
    finally:
        admin.dispose()
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def replicas_env(request: pytest.FixtureRequest) -> dict[str, str]:
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    url = fresh_postgres_database(f"r_{module}")
    return {**FAST_ENV, "AUTHGATE_DATABASE_URL": url, "AUTHGATE_DEMO_MODE": "true"}


@pytest.fixture(scope="module")
def topology(
    replicas_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        _unavailable("nginx is not installed (apt-get install nginx)")
    topology = load_topology().Topology(tmp_path_factory.mktemp("topology"), env=replicas_env)
    topology.start()
    yield topology
    topology.stop()


@pytest.fixture(scope="module")
def arranger(topology: Any) -> Iterator[Authgate]:
    """A service on the topology's database, for arranging users from the test."""
    env = topology.env
    settings = AuthgateSettings(
        database_url=env["AUTHGATE_DATABASE_URL"],
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
