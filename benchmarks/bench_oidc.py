"""How long authgate's own steps of a provider sign-in take, against the local test provider.

    .venv/bin/python benchmarks/bench_oidc.py --rounds 50

Starts ``tests/oidc_provider`` (oidc-provider under Node, loopback) and signs
in ``rounds`` times as the same person. Timed separately: ``begin`` (state in
the database, the provider URL), ``finish`` (spend the state, the code
exchange with the provider, the ID-token checks; metadata and keys cached)
and ``login`` (the identity's account, roles, the session). The provider's
own login pages, walked by httpx, are not counted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from authgate.core.oidc.login import oidc_credentials
from oidc_support import (
    CORE_REDIRECT,
    TestProvider,
    build_oidc_service,
    sign_in_at_provider,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds
    workdir = Path(tempfile.mkdtemp(prefix="bench-oidc-"))
    provider = TestProvider(workdir, [CORE_REDIRECT])
    provider.start()
    auth = build_oidc_service(workdir, provider, roles_claim="groups")
    timings: dict[str, list[float]] = {"begin": [], "finish": [], "login": []}
    try:
        for _ in range(rounds + 1):  # the first round warms the caches and is dropped
            t0 = time.perf_counter()
            started = auth.oidc.begin("corp", redirect_uri=CORE_REDIRECT)
            t1 = time.perf_counter()
            back = sign_in_at_provider(
                started.url, "alice", "provider-pass-alice", redirect_uri=CORE_REDIRECT
            )
            t2 = time.perf_counter()
            assertion = auth.oidc.finish("corp", back, binding=started.binding)
            t3 = time.perf_counter()
            auth.logins.login("oidc", oidc_credentials(assertion))
            t4 = time.perf_counter()
            for name, value in (("begin", t1 - t0), ("finish", t3 - t2), ("login", t4 - t3)):
                timings[name].append(value * 1000)
    finally:
        auth.close()
        provider.stop()
    print(f"provider sign-ins: {rounds} (SQLite, local oidc-provider on loopback)")
    for name, values in timings.items():
        kept = sorted(values[1:])
        p95 = kept[int(len(kept) * 0.95) - 1]
        print(f"  {name:7s} median {statistics.median(kept):6.2f} ms   p95 {p95:6.2f} ms")


if __name__ == "__main__":
    main()
