"""Throttle stores: the policy's arithmetic, and atomic counting in SQL and Redis."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from authgate.core.lockout.policy import ThrottlePolicy, ThrottleStatus
from authgate.core.ports import Throttle
from authgate.errors import StoreUnavailable
from authgate.store import DatabaseThrottle, RedisThrottle, SqlStore

REDIS_URL = os.environ.get("AUTHGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
NOW = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = ThrottlePolicy(
    threshold=3,
    base_delay=timedelta(seconds=10),
    max_delay=timedelta(seconds=60),
    window=timedelta(hours=1),
)


def test_policy_delays() -> None:
    assert [POLICY.lock_for(n) for n in range(1, 8)] == [
        None,
        None,
        timedelta(seconds=10),
        timedelta(seconds=20),
        timedelta(seconds=40),
        timedelta(seconds=60),
        timedelta(seconds=60),
    ]
    assert POLICY.lock_for(10_000) == timedelta(seconds=60)


@pytest.mark.parametrize(
    "bad", [{"threshold": 0}, {"base_delay": timedelta(0)}, {"max_delay": timedelta(seconds=1)}]
)
def test_policy_rejects_bad_configuration(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ThrottlePolicy(**bad)  # type: ignore[arg-type]


@pytest.fixture(params=["database", "redis"])
def throttle(request: pytest.FixtureRequest, database_url: str) -> Iterator[Throttle]:
    if request.param == "database":
        store = SqlStore.from_url(database_url)
        store.migrate()
        yield DatabaseThrottle(store, POLICY)
        store.close()
        return
    if not database_url.startswith("sqlite"):
        pytest.skip("the Redis store does not depend on the SQL backend")
    try:
        redis_throttle = RedisThrottle.from_url(
            REDIS_URL, POLICY, prefix=f"authgate-test:{uuid.uuid4().hex}:"
        )
        redis_throttle.client.ping()
    except Exception as error:
        if IN_CI:
            pytest.fail(f"CI=true and Redis at {REDIS_URL} unreachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {error}")
    yield redis_throttle


def test_counts_locks_and_resets(throttle: Throttle) -> None:
    assert throttle.status("account:1", NOW).failures == 0
    throttle.record_failure("account:1", NOW)
    status = throttle.record_failure("account:1", NOW)
    assert (status.failures, status.locked_until) == (2, None)
    status = throttle.record_failure("account:1", NOW)
    assert status.locked_until == NOW + timedelta(seconds=10)
    assert throttle.status("account:1", NOW + timedelta(seconds=5)).locked_at(
        NOW + timedelta(seconds=5)
    )
    assert not throttle.status("account:1", NOW).locked_at(NOW + timedelta(seconds=11))
    assert throttle.status("account:2", NOW).failures == 0  # keys are independent
    throttle.reset("account:1")
    assert throttle.status("account:1", NOW).failures == 0


def test_old_failures_are_forgotten(throttle: Throttle) -> None:
    throttle.record_failure("k", NOW)
    throttle.record_failure("k", NOW)
    later = NOW + timedelta(hours=2)
    assert throttle.status("k", later).failures == 0
    assert throttle.record_failure("k", later).failures == 1


def test_concurrent_failures_are_all_counted(throttle: Throttle) -> None:
    barrier = threading.Barrier(8)

    def fail_five_times() -> None:
        barrier.wait()
        for _ in range(5):
            throttle.record_failure("account:race", NOW)

    workers = [threading.Thread(target=fail_five_times) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert throttle.status("account:race", NOW).failures == 40


def test_redis_down_is_store_unavailable() -> None:
    dead = RedisThrottle.from_url("redis://127.0.0.1:1/0", POLICY)
    with pytest.raises(StoreUnavailable):
        dead.record_failure("k", NOW)
    with pytest.raises(StoreUnavailable):
        dead.status("k", NOW)


def test_service_uses_redis_when_configured(service_factory) -> None:  # type: ignore[no-untyped-def]
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        if IN_CI:
            pytest.fail(f"CI=true and Redis unreachable: {error}")
        pytest.skip(f"Redis unreachable: {error}")
    svc = service_factory(redis_url=REDIS_URL)
    assert isinstance(svc.lockout.throttle, RedisThrottle)
    svc.lockout.throttle.prefix = f"authgate-test:{uuid.uuid4().hex}:"
    svc.accounts.register("alice", "correct horse battery")
    from authgate.errors import AccountLocked, InvalidCredentials

    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            svc.logins.password("alice", "wrong password!")
    with pytest.raises(AccountLocked):
        svc.logins.password("alice", "correct horse battery")


def test_database_status_inside_an_open_read(database_url: str) -> None:
    """On the login path the counter is read in the caller's own read transaction."""
    store = SqlStore.from_url(database_url)
    store.migrate()
    try:
        throttle = DatabaseThrottle(store, POLICY)
        for _ in range(3):
            throttle.record_failure("account:1", NOW)
        with store.read() as repositories:
            status = throttle.status("account:1", NOW, within=repositories)
        assert (status.failures, status.locked_until) == (3, NOW + timedelta(seconds=10))
        assert throttle.status("account:1", NOW, within=None) == status
    finally:
        store.close()


def test_database_lock_outlives_failures_below_threshold(database_url: str) -> None:
    """After forgetting, counting starts over; a running lock is not cut short by a count."""
    store = SqlStore.from_url(database_url)
    store.migrate()
    try:
        throttle = DatabaseThrottle(store, POLICY)
        for _ in range(3):
            status = throttle.record_failure("k", NOW)
        assert status.locked_until == NOW + timedelta(seconds=10)
        status = throttle.record_failure("k", NOW + timedelta(seconds=1))
        assert status.locked_until == NOW + timedelta(seconds=21)  # 4th failure: 20 s
        later = NOW + timedelta(hours=3)
        assert throttle.record_failure("k", later) == ThrottleStatus("k", 1, None)
        throttle.reset("unknown")  # nothing to forget: no error
    finally:
        store.close()
