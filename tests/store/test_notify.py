"""The invalidation channels: a change committed by one process reaches another's caches.

Two ``Authgate`` objects on one database stand for two processes: each has
its own pool, its own channel and its own listener thread, exactly as two
replicas would. PostgreSQL ``LISTEN/NOTIFY`` and Redis pub/sub are tested
against the servers on this machine (skipped when unreachable, failing under
CI=true).
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from authgate.config import AuthgateSettings
from authgate.root import Authgate
from authgate.store.engine import create_store_engine
from authgate.store.notify_db import DatabaseChannel
from authgate.store.notify_pg import PostgresChannel, listener_application_name

pytestmark = pytest.mark.serverdb

REDIS_URL = os.environ.get("AUTHGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
on_postgres = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
PASSWORD = "a long secret passphrase"


def _redis_reachable() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"CI=true and Redis at {REDIS_URL} is unreachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {error}")


Pair = tuple[Authgate, Authgate]


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[Callable[..., Pair]]:
    made: list[Authgate] = []

    def build(database_url: str, **overrides: object) -> Pair:
        settings = AuthgateSettings(
            database_url=database_url,
            data_dir=tmp_path / "data",
            argon2_memory_cost=8192,
            argon2_time_cost=1,
            **overrides,  # type: ignore[arg-type]
        )
        first = Authgate.from_settings(settings)
        second = Authgate.from_settings(settings, migrate=False)
        made.extend((first, second))
        return first, second

    yield build
    for auth in made:
        auth.close()


def _wait_until(condition: Callable[[], bool], timeout: float) -> float:
    """Seconds until ``condition()`` held; fails after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"not within {timeout} s")
        time.sleep(0.005)
    return time.monotonic() - start


def _listening(auth: Authgate) -> None:
    """Start ``auth``'s listener (the first read does) and wait until it is trusted."""
    _wait_until(lambda: auth.state_version == auth.state_version, 5)  # untrusted reads move it


def _refused(auth: Authgate, access_token: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            auth.tokens.authenticate(access_token)
        except Exception:
            return True
        return False

    return check


def _logout_seen_by_the_other(first: Authgate, second: Authgate) -> float:
    name = "u" + uuid.uuid4().hex[:10]
    first.accounts.register(name, PASSWORD)
    pair = first.tokens.login(name, PASSWORD)
    _listening(second)
    second.tokens.authenticate(pair.access_token)  # cached now, for the 5 s interval
    assert not _refused(second, pair.access_token)()
    first.tokens.logout(session_id=pair.claims.sid)
    return _wait_until(_refused(second, pair.access_token), 1.0)


@on_postgres
def test_postgres_notify_reaches_the_other_process(
    database_url: str, two_processes: Callable[..., Pair]
) -> None:
    first, second = two_processes(database_url)
    assert first.uow.channel is not None and first.uow.channel.name == "postgresql"
    assert _logout_seen_by_the_other(first, second) < 1.0


def test_redis_pubsub_reaches_the_other_process(
    tmp_path: Path, two_processes: Callable[..., Pair]
) -> None:
    _redis_reachable()
    first, second = two_processes(f"sqlite:///{tmp_path / 'shared.db'}", redis_url=REDIS_URL)
    assert first.uow.channel is not None and first.uow.channel.name == "redis"
    assert _logout_seen_by_the_other(first, second) < 1.0


def test_without_a_channel_the_interval_still_bounds_staleness(
    tmp_path: Path, two_processes: Callable[..., Pair]
) -> None:
    first, second = two_processes(f"sqlite:///{tmp_path / 'shared.db'}", invalidation_channel="off")
    assert first.uow.channel is None
    version = second.state_version
    assert second.state_version == version, "no channel: nothing to distrust"
    assert second.tokens._cache.ttl == timedelta(seconds=5), "the interval bounds staleness"


on_sqlite_and_mariadb = pytest.mark.parametrize("database_url", ["sqlite", "mysql"], indirect=True)


@on_sqlite_and_mariadb
def test_the_database_counter_reaches_the_other_process(
    database_url: str, two_processes: Callable[..., Pair]
) -> None:
    first, second = two_processes(database_url)
    channel = first.uow.channel
    assert isinstance(channel, DatabaseChannel) and channel.exact, "auto: the database's own"
    assert second.tokens._cache.ttl == timedelta(minutes=5), "an exact channel: the backstop"
    assert _logout_seen_by_the_other(first, second) < 1.0


@on_sqlite_and_mariadb
def test_the_database_counter_moves_only_with_a_committed_stale_change(
    database_url: str, two_processes: Callable[..., Pair]
) -> None:
    first, second = two_processes(database_url)
    _listening(second)
    channel = first.uow.channel
    assert channel is not None
    steady = second.state_version
    with pytest.raises(RuntimeError), first.store.write() as repositories:
        channel.announce_in(repositories)
        raise RuntimeError("roll back")
    name = "u" + uuid.uuid4().hex[:10]
    first.accounts.register(name, PASSWORD)  # not stale: nobody's cache is wrong
    first.tokens.login(name, PASSWORD)
    time.sleep(1.2)  # two heartbeats and more
    assert second.state_version == steady
    assert _counter(first) == (0, "")


@on_sqlite_and_mariadb
def test_its_own_change_does_not_empty_a_process_cache_twice(
    database_url: str, two_processes: Callable[..., Pair]
) -> None:
    first, _ = two_processes(database_url)
    _listening(first)
    name = "u" + uuid.uuid4().hex[:10]
    first.accounts.register(name, PASSWORD)
    pair = first.tokens.login(name, PASSWORD)
    other = first.tokens.login(name, PASSWORD)
    before = first.state_version
    first.tokens.logout(session_id=pair.claims.sid)
    after_own_logout = first.state_version
    assert after_own_logout == before + 1, "moved at once, by the commit"
    first.tokens.authenticate(other.access_token)  # cached again
    time.sleep(1.2)
    assert first.state_version == after_own_logout, "the poll saw its own change: no second move"
    assert _counter(first)[0] == 1


def test_a_missing_counter_row_distrusts_with_one_log_line(
    tmp_path: Path, two_processes: Callable[..., Pair], caplog: pytest.LogCaptureFixture
) -> None:
    first, second = two_processes(f"sqlite:///{tmp_path / 'shared.db'}")
    _listening(second)
    with first.store.write() as repositories:
        repositories.db.execute(text("DELETE FROM authgate_invalidation"))  # type: ignore[attr-defined]
    _wait_until(lambda: "invalidation channel (database) lost" in caplog.text, 5)
    assert second.state_version != second.state_version, "untrusted: every read revalidates"
    assert caplog.text.count("invalidation channel (database) lost") == 1
    assert "authgate migrate" in caplog.text


def test_a_dropped_service_stops_its_poll_thread(tmp_path: Path) -> None:
    import gc
    import threading

    settings = AuthgateSettings(
        database_url=f"sqlite:///{tmp_path / 'shared.db'}",
        data_dir=tmp_path / "data",
        argon2_memory_cost=8192,
        argon2_time_cost=1,
    )
    before = set(threading.enumerate())
    auth = Authgate.from_settings(settings)
    _listening(auth)
    alive = [
        t for t in set(threading.enumerate()) - before if t.name == "authgate-database-listener"
    ]
    assert len(alive) == 1, "the first read started this service's poll"
    del auth
    gc.collect()
    for thread in alive:
        thread.join(timeout=3)
    assert not any(thread.is_alive() for thread in alive), "no thread polls for nobody"


def _counter(auth: Authgate) -> tuple[int, str]:
    with auth.store.read() as repositories:
        row = repositories.db.execute(  # type: ignore[attr-defined]
            text("SELECT version, origin FROM authgate_invalidation WHERE id = 1")
        ).one()
    return int(row[0]), str(row[1])


@on_postgres
def test_a_rolled_back_change_announces_nothing(
    database_url: str, two_processes: Callable[..., Pair]
) -> None:
    first, second = two_processes(database_url)
    _listening(second)
    time.sleep(0.2)
    before = second.state_version
    channel = first.uow.channel
    assert channel is not None
    with pytest.raises(RuntimeError), first.store.write() as repositories:
        channel.announce_in(repositories)  # the NOTIFY is queued in this transaction...
        raise RuntimeError("roll back")  # ...and dropped with it
    time.sleep(0.5)
    assert second.state_version == before


@on_postgres
def test_a_lost_listener_connection_distrusts_then_reconnects(
    database_url: str, two_processes: Callable[..., Pair], caplog: pytest.LogCaptureFixture
) -> None:
    first, second = two_processes(database_url)
    _listening(second)
    time.sleep(0.3)
    steady = second.state_version
    assert second.state_version == steady, "trusted: reads do not move the version"
    channel = second.uow.channel
    assert isinstance(channel, PostgresChannel)
    name = listener_application_name(channel.loop.origin)
    engine = create_store_engine(database_url, pool_size=1, max_overflow=0)
    with engine.connect() as connection:
        ended = (
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": name},
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert ended == [True], "exactly the listener's own connection was ended"
    # The loop distrusts the channel before it logs the loss, and drops every
    # cached answer when it is back: the two lines prove both, whatever the timing.
    _wait_until(lambda: "invalidation channel (postgresql) lost" in caplog.text, 5)
    _wait_until(lambda: "invalidation channel (postgresql) is back" in caplog.text, 10)
    _wait_until(lambda: second.state_version == second.state_version, 10)  # trusted again
    assert _logout_seen_by_the_other(first, second) < 1.0


class PrivateRedis:
    """A redis-server of the test's own, to kill and restart on the same port."""

    def __init__(self, workdir: Path) -> None:
        import shutil
        import socket

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary = binary
        self.workdir = workdir
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        import redis

        _wait_until(lambda: _answers(redis.Redis.from_url(self.url)), 10)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def _answers(client: object) -> bool:
    import redis

    try:
        return bool(client.ping())  # type: ignore[attr-defined]
    except redis.RedisError:
        return False


def test_a_redis_restart_distrusts_then_reconnects(
    tmp_path: Path, two_processes: Callable[..., Pair], caplog: pytest.LogCaptureFixture
) -> None:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        first, second = two_processes(f"sqlite:///{tmp_path / 'shared.db'}", redis_url=server.url)
        _listening(second)
        server.kill()
        _wait_until(lambda: second.state_version != second.state_version, 5)  # distrusted
        server.start()
        _wait_until(lambda: second.state_version == second.state_version, 15)  # back
        assert "invalidation channel (redis) lost" in caplog.text
        assert _logout_seen_by_the_other(first, second) < 1.0
    finally:
        server.kill()
