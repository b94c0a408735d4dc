"""What anonymous visitors cost: starting one, and the hand-off a login does.

Run on demand (never by the test suite)::

    .venv/bin/python benchmarks/bench_visitors.py [--rounds 400] [--database-url URL]

(a) ``VisitorService.start``: one insert plus the per-client counter (the
    rate limit), per new visitor.
(b) A password login without a visitor and with one, interleaved: the
    difference is the claim (a SELECT and a DELETE in the login's own
    transaction, plus its audit row) and the call to the application's hook
    (an empty one here). The password hash is the cheapest argon2id cost
    authgate accepts, so the comparison is not drowned by it.
(c) ``current_visitor()`` for a tab that already knows its visitor reads
    ``st.session_state`` only, and a page view that never asks costs nothing:
    neither needs a measurement.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _report import machine_facts, stats

from authgate.config import AuthgateSettings
from authgate.root import Authgate

PASSWORD = "a long secret passphrase"


def _service(url: str | None, workdir: Path) -> Authgate:
    settings = AuthgateSettings(
        database_url=url or f"sqlite:///{workdir / 'bench.db'}",
        data_dir=workdir / "data",
        argon2_memory_cost=8192,
        argon2_time_cost=1,
        visitor_rate_limit=1_000_000,
    )
    return Authgate.from_settings(settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        auth = _service(args.database_url, Path(directory))
        auth.visitors.handoff = lambda visitor_id, user_id: None
        auth.accounts.register("bench", PASSWORD)
        starts, plain, handed = [], [], []
        for index in range(args.rounds):
            began = time.perf_counter_ns()
            visitor = auth.visitors.start(ip=f"10.0.{index // 250}.{index % 250}")
            starts.append(time.perf_counter_ns() - began)
            began = time.perf_counter_ns()
            auth.logins.password("bench", PASSWORD)
            plain.append(time.perf_counter_ns() - began)
            began = time.perf_counter_ns()
            auth.logins.password("bench", PASSWORD, visitor=visitor.token)
            handed.append(time.perf_counter_ns() - began)
        auth.close()
    machine = machine_facts()
    print(f"machine: {machine.cpu_model} x{machine.cpus}, Python {machine.python}")
    print(f"database: {args.database_url or 'SQLite (temporary file)'}; rounds: {args.rounds}")
    print("figure | median ms | p95 ms | p99 ms | mean ms | n")
    print(f"start a visitor | {stats(starts).row()}")
    print(f"login, no visitor | {stats(plain).row()}")
    print(f"login handing a visitor over | {stats(handed).row()}")
    extra = stats(handed).median - stats(plain).median
    print(f"hand-off cost on the login's median: {extra:.3f} ms")


if __name__ == "__main__":
    main()
