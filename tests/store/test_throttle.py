"""Throttle stores: the policy's arithmetic, and atomic reservations in SQL and Redis."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from authgate.core.lockout.policy import Claim, Reservation, ThrottlePolicy, ThrottleStatus
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


def test_per_window_policy_locks_for_the_window_at_the_limit() -> None:
    policy = ThrottlePolicy.per_window(20, timedelta(minutes=10))
    assert policy.lock_for(19) is None
    assert policy.lock_for(20) == policy.lock_for(99) == timedelta(minutes=10)


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
        yield DatabaseThrottle(store)
        store.close()
        return
    if not database_url.startswith("sqlite"):
        pytest.skip("the Redis store does not depend on the SQL backend")
    try:
        redis_throttle = RedisThrottle.from_url(
            REDIS_URL, prefix=f"authgate-test:{uuid.uuid4().hex}:"
        )
        redis_throttle.client.ping()
    except Exception as error:
        if IN_CI:
            pytest.fail(f"CI=true and Redis at {REDIS_URL} unreachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {error}")
    yield redis_throttle


def reserve(
    throttle: Throttle, key: str, now: datetime, policy: ThrottlePolicy = POLICY
) -> Reservation:
    return throttle.reserve([Claim(key, policy)], now)


def test_counts_locks_refuses_and_resets(throttle: Throttle) -> None:
    assert throttle.status("account:1", POLICY, NOW).failures == 0
    reserve(throttle, "account:1", NOW)
    (hold,) = reserve(throttle, "account:1", NOW).holds
    assert (hold.status.failures, hold.status.locked_until, hold.locks) == (2, None, False)
    (hold,) = reserve(throttle, "account:1", NOW).holds
    assert hold.locks and hold.status.locked_until == NOW + timedelta(seconds=10)
    later = NOW + timedelta(seconds=5)
    refused = reserve(throttle, "account:1", later)
    assert not refused.granted and refused.holds == ()
    assert refused.refused_by == ThrottleStatus("account:1", 3, NOW + timedelta(seconds=10), 1)
    reserve(throttle, "account:1", later)
    status = throttle.status("account:1", POLICY, later)
    assert (status.failures, status.refused) == (3, 2)  # refusals are not failures
    assert throttle.status("account:2", POLICY, NOW).failures == 0  # keys are independent
    assert throttle.reset("account:1") == 2  # the refusals are handed out once
    assert throttle.status("account:1", POLICY, NOW).failures == 0
    assert throttle.reset("account:1") == 0


def test_the_first_attempt_after_a_lock_reports_its_refusals(throttle: Throttle) -> None:
    for _ in range(3):
        reserve(throttle, "k", NOW)
    for _ in range(4):
        assert not reserve(throttle, "k", NOW + timedelta(seconds=1)).granted
    (hold,) = reserve(throttle, "k", NOW + timedelta(seconds=11)).holds
    assert hold.refused_before == 4 and hold.locks  # 4th failure: locked again, 20 s
    assert hold.status.locked_until == NOW + timedelta(seconds=31)
    assert throttle.status("k", POLICY, NOW + timedelta(seconds=12)).refused == 0


def test_old_failures_are_forgotten(throttle: Throttle) -> None:
    reserve(throttle, "k", NOW)
    reserve(throttle, "k", NOW)
    later = NOW + timedelta(hours=2)
    assert throttle.status("k", POLICY, later).failures == 0
    assert reserve(throttle, "k", later).holds[0].status.failures == 1


def test_concurrent_reservations_never_pass_the_threshold(throttle: Throttle) -> None:
    barrier = threading.Barrier(8)
    answers: list[Reservation] = []

    def reserve_five_times() -> None:
        barrier.wait()
        for _ in range(5):
            answers.append(reserve(throttle, "account:race", NOW))

    workers = [threading.Thread(target=reserve_five_times) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    granted = [answer for answer in answers if answer.granted]
    assert len(answers) == 40 and len(granted) == POLICY.threshold
    assert sum(hold.locks for answer in granted for hold in answer.holds) == 1
    status = throttle.status("account:race", POLICY, NOW)
    assert (status.failures, status.refused) == (3, 37)


def test_claims_are_counted_all_or_none(throttle: Throttle) -> None:
    client = ThrottlePolicy.per_window(2, timedelta(minutes=10))
    claims = [Claim("account:1", POLICY), Claim("ip:10.0.0.1", client)]
    assert len(throttle.reserve(claims, NOW).holds) == 2
    (_, held) = throttle.reserve(claims, NOW).holds
    assert held.locks and held.status.locked_until == NOW + timedelta(minutes=10)
    refused = throttle.reserve(claims, NOW)
    assert refused.refused_by is not None and refused.refused_by.key == "ip:10.0.0.1"
    assert throttle.status("account:1", POLICY, NOW).failures == 2  # not counted when refused
    assert throttle.reserve([Claim("account:2", POLICY)], NOW).granted  # other keys are free


def test_give_back_undoes_one_count_or_forgets(throttle: Throttle) -> None:
    client = ThrottlePolicy.per_window(2, timedelta(minutes=10))
    reserve(throttle, "ip:a", NOW, client)
    (hold,) = reserve(throttle, "ip:a", NOW, client).holds
    assert hold.locks
    assert not reserve(throttle, "ip:a", NOW, client).granted  # refused while held
    assert throttle.give_back([hold], NOW) == {"ip:a": 1}  # the lock it started ends with it
    status = throttle.status("ip:a", client, NOW)
    assert (status.failures, status.locked_until, status.refused) == (1, None, 0)
    (account,) = reserve(throttle, "account:9", NOW).holds
    reserve(throttle, "account:9", NOW)
    assert throttle.give_back([account], NOW, forget=["account:9"]) == {}
    assert throttle.status("account:9", POLICY, NOW).failures == 0
    assert throttle.give_back([account], NOW) == {}  # nothing left: no error


def test_redis_down_is_store_unavailable() -> None:
    dead = RedisThrottle.from_url("redis://127.0.0.1:1/0")
    with pytest.raises(StoreUnavailable):
        reserve(dead, "k", NOW)
    with pytest.raises(StoreUnavailable):
        dead.status("k", POLICY, NOW)


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
    """The counter can be read in the caller's own transaction."""
    store = SqlStore.from_url(database_url)
    store.migrate()
    try:
        throttle = DatabaseThrottle(store)
        for _ in range(3):
            reserve(throttle, "account:1", NOW)
        with store.read() as repositories:
            status = throttle.status("account:1", POLICY, NOW, within=repositories)
        assert (status.failures, status.locked_until) == (3, NOW + timedelta(seconds=10))
        assert throttle.status("account:1", POLICY, NOW, within=None) == status
    finally:
        store.close()


def test_database_reservation_rolls_back_with_the_callers_transaction(database_url: str) -> None:
    """Inside the caller's transaction the count commits (or not) with the caller's work."""
    store = SqlStore.from_url(database_url)
    store.migrate()
    try:
        throttle = DatabaseThrottle(store)
        with pytest.raises(RuntimeError), store.write() as repositories:
            throttle.reserve([Claim("k", POLICY)], NOW, within=repositories)
            raise RuntimeError("the caller's work failed")
        assert throttle.status("k", POLICY, NOW).failures == 0
        with store.write() as repositories:
            throttle.reserve([Claim("k", POLICY)], NOW, within=repositories)
        assert throttle.status("k", POLICY, NOW).failures == 1
    finally:
        store.close()


def test_database_forgetting_keeps_the_row(database_url: str) -> None:
    """A success zeroes the account's row: no delete and insert (and no id spent) per login."""
    from sqlalchemy import select

    from authgate.store.models import LoginThrottle

    store = SqlStore.from_url(database_url)
    store.migrate()
    try:
        throttle = DatabaseThrottle(store)
        ids = set()
        for _ in range(3):
            holds = reserve(throttle, "account:1", NOW).holds
            assert throttle.give_back(holds, NOW, forget=["account:1"]) == {}
            with store.read() as repositories:
                ids.add(repositories.db.execute(select(LoginThrottle.id)).scalar_one())
        assert len(ids) == 1
        assert throttle.status("account:1", POLICY, NOW) == ThrottleStatus("account:1", 0, None)
    finally:
        store.close()


def test_redis_keeps_refusals_for_a_window_past_the_lock(throttle: Throttle) -> None:
    """Redis keys expire by themselves; a refused attempt keeps its count until it is reported."""
    if not isinstance(throttle, RedisThrottle):
        pytest.skip("Redis keys only (SQL rows stay until the next attempt)")
    for _ in range(3):
        reserve(throttle, "k", NOW)  # locked for 10 s
    assert not reserve(throttle, "k", NOW).granted
    ttl = throttle.client.ttl(throttle.prefix + "k")
    assert 10 + 3600 <= ttl <= 10 + 3600 + 2


@pytest.mark.serverdb
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("locked", [False, True])
def test_a_postgresql_reservation_commits_without_waiting_for_the_disk(
    database_url: str, locked: bool
) -> None:
    """Counted or refused, the reservation's transaction has synchronous_commit off; no other.

    The setting rides on the reservation's UPDATE (no round trip of its own),
    and it is transaction-local: the next transaction on the connection is
    durable again.
    """
    from sqlalchemy import text

    store = SqlStore.from_url(database_url)
    store.migrate()
    throttle = DatabaseThrottle(store)
    key = f"account:{uuid.uuid4().hex}"
    try:
        if locked:
            for _ in range(POLICY.threshold):
                assert reserve(throttle, key, NOW).granted
        with store.write() as repositories:
            before = repositories.db.execute(text("SHOW synchronous_commit")).scalar()
            reservation = throttle.reserve([Claim(key, POLICY)], NOW, within=repositories)
            during = repositories.db.execute(text("SHOW synchronous_commit")).scalar()
        with store.write() as repositories:
            after = repositories.db.execute(text("SHOW synchronous_commit")).scalar()
        assert reservation.granted is not locked
        assert (before, during, after) == ("on", "off", "on")
    finally:
        store.close()
