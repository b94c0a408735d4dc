"""What the lockout costs a login (issue 10, items 2-4): round trips and time beyond the hash.

Run on demand, never by pytest::

    .venv/bin/python benchmarks/bench_login_throttle.py
    PYTHONPATH=<old checkout>/src .venv/bin/python benchmarks/bench_login_throttle.py  # before

For each counter store (SQLite, PostgreSQL, Redis beside SQLite) it counts the
SQL statements, commits, rollbacks and pool checkouts, and the Redis commands,
of one clean successful login, one failed login and one login refused by a
lock (machine-independent), then times ``auth.logins.password`` minus the
password hash over ``--logins`` successful logins, and the answer to a
refused attempt over as many refusals (median and p95, ms). Only the public
API is used, so the same script measures an older commit for comparison.
PostgreSQL runs in its own database (``--postgres-database``, recreated).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _load import reset_postgres_database
from bench_core import TimedVerify, count_round_trips
from sqlalchemy.engine import make_url

from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.errors import AccountLocked, InvalidCredentials
from authgate.root import Authgate

PASSWORD = "benchmark-Passphrase-7319"


def _redis_commands(auth: Authgate, call: Callable[[], Any]) -> int:
    """Commands sent to Redis by ``call`` (0 when the counters are in SQL)."""
    client = getattr(auth.lockout.throttle, "client", None)
    if client is None:
        call()
        return 0
    sent = 0
    real = client.execute_command

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal sent
        sent += 1
        return real(*args, **kwargs)

    client.execute_command = counted
    try:
        call()
    finally:
        client.execute_command = real
    return sent


def _trips(auth: Authgate, call: Callable[[], Any]) -> str:
    found: dict[str, Any] = {}

    def run() -> None:
        found["redis"] = _redis_commands(auth, call)

    sql = count_round_trips(auth, run)
    return f"{sql}, {found['redis']} Redis commands"


def _expect(error: type[Exception], call: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        try:
            call()
        except error:
            return
        raise AssertionError(f"expected {error.__name__}")

    return run


def _ms(samples: list[int]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) / 1e6:.2f}, p95 {p95 / 1e6:.2f}"


def bench_store(name: str, settings: AuthgateSettings, logins: int) -> list[str]:
    auth = Authgate.from_settings(settings, clock=FrozenClock())
    try:
        throttle = auth.lockout.throttle
        if hasattr(throttle, "prefix"):
            throttle.prefix = f"authgate-bench:{uuid.uuid4().hex}:"
        for who in ("alice", "bob", "carol"):
            auth.accounts.register(who, PASSWORD)
        auth.logins.password("alice", PASSWORD)  # warm the pool and the caches
        lines = [f"### {name}", ""]
        success = _trips(auth, lambda: auth.logins.password("alice", PASSWORD))
        failure = _trips(
            auth, _expect(InvalidCredentials, lambda: auth.logins.password("bob", "x"))
        )
        for _ in range(5):
            _expect(
                (InvalidCredentials, AccountLocked), lambda: auth.logins.password("carol", "x")
            )()
        refusal = _trips(auth, _expect(AccountLocked, lambda: auth.logins.password("carol", "x")))
        lines += [
            f"- clean success: {success}",
            f"- failure: {failure}",
            f"- refused while locked: {refusal}",
        ]
        timer = TimedVerify(auth.passwords.verify)
        auth.passwords.verify = timer  # type: ignore[method-assign]
        beyond, refused = [], []
        for _ in range(logins):
            start = time.perf_counter_ns()
            auth.logins.password("alice", PASSWORD, ip="192.0.2.1")
            beyond.append(time.perf_counter_ns() - start - timer.local.last)
            start = time.perf_counter_ns()
            _expect(AccountLocked, lambda: auth.logins.password("carol", PASSWORD))()
            refused.append(time.perf_counter_ns() - start)
        lines += [
            f"- successful login beyond the hash (ms): {_ms(beyond)}",
            f"- answer to a refused attempt (ms): {_ms(refused)}",
            "",
        ]
        return lines
    finally:
        auth.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--logins", type=int, default=200)
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--postgres-database", default="authgate_bench_throttle")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-redis", action="store_true")
    args = parser.parse_args(argv)
    logging.getLogger("authgate").setLevel(logging.ERROR)  # the audit lines, not the figures
    with tempfile.TemporaryDirectory(prefix="authgate-bench-") as tmp:
        base = {
            "data_dir": Path(tmp) / "data",
            "lockout_base_delay": "PT1H",
            "lockout_max_delay": "PT1H",
        }
        stores = [("SQLite", {"database_url": f"sqlite:///{tmp}/a.db"})]
        if not args.skip_postgres:
            reset_postgres_database(args.postgres_url, args.postgres_database)
            url = make_url(args.postgres_url).set(database=args.postgres_database)
            stores.append(
                ("PostgreSQL", {"database_url": url.render_as_string(hide_password=False)})
            )
        if not args.skip_redis:
            stores.append(
                (
                    "Redis (SQLite for the rest)",
                    {"database_url": f"sqlite:///{tmp}/b.db", "redis_url": args.redis_url},
                )
            )
        for name, values in stores:
            settings = AuthgateSettings(**{**base, **values})  # type: ignore[arg-type]
            print("\n".join(bench_store(name, settings, args.logins)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
