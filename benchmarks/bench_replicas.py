"""Benchmark 1 against 2 API replicas behind nginx on PostgreSQL, and the revocation lag.

Each topology is the recipe's (deploy/topology.py: nginx with one worker,
uvicorn replicas, the shared keys), on a fresh PostgreSQL database, with the
default Argon2id parameters. For each, at 50 concurrent connections through
nginx (``wrk``, one thread):

- logins/s with p50/p99 (``POST /api/auth/login``, one account);
- ``GET /api/auth/me`` req/s with p50/p99 (nothing revoked: the fast path);
- the revocation lag while that ``/me`` load runs: ``--logouts`` sessions are
  opened and cached on every replica first; then each is logged out on one
  replica and the *other* replica is polled every 2 ms until it answers 401
  (with one replica, the same one). The lag is from the logout's answer to
  the first 401; median, p99 and max are reported.

    .venv/bin/python benchmarks/bench_replicas.py [--duration 10] [--logouts 100]

``--baseline-src DIR`` (a ``src`` directory of another commit, e.g. from
``git archive <commit> src | tar -x -C /tmp/base``) adds an A/B of the fast
path: one API replica on the same PostgreSQL database, run from that source
and from this checkout alternately (3 rounds each), ``GET /me`` req/s at 50
connections straight to the replica.

``AUTHGATE_BENCH_POSTGRES_URL`` names the server (default: the local one);
the database ``authgate_bench_replicas`` on it is dropped and re-created.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from _load import reset_postgres_database
from _report import wait_for_quiet
from bench_api import lua_post, wrk
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get(
    "AUTHGATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE = "authgate_bench_replicas"
USER, PASSWORD = "bench", "correct horse battery staple 42"
CONNECTIONS = 50
PREFIX = "/api/auth"


def load_topology() -> ModuleType:
    spec = importlib.util.spec_from_file_location("topology", ROOT / "deploy" / "topology.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def background_me_load(url: str, token: str, seconds: int) -> subprocess.Popen[bytes]:
    """``wrk`` on ``/me`` at 50 connections, left running; terminate it when done."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-H", f"Authorization: Bearer {token}", url]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def revocation_lags(topology: Any, base: str, token: str, count: int) -> dict[str, float]:
    """Open ``count`` sessions, cache them everywhere, then log each out and time the refusal."""
    replicas = topology.api_urls
    with httpx.Client(timeout=30) as client:
        sessions = []
        for _ in range(count):
            answer = client.post(
                f"{base}{PREFIX}/login", json={"username": USER, "password": PASSWORD}
            )
            answer.raise_for_status()
            sessions.append(answer.json())
        load = background_me_load(f"{base}{PREFIX}/me", token, seconds=3600)
        lags: list[float] = []
        logout_ms: list[float] = []
        try:
            time.sleep(2)  # the load is running
            for number, pair in enumerate(sessions):
                headers = {"Authorization": f"Bearer {pair['access_token']}"}
                writer = replicas[number % len(replicas)]
                reader = replicas[(number + 1) % len(replicas)]
                for replica in replicas:  # cached on every replica
                    assert client.get(f"{replica}{PREFIX}/me", headers=headers).status_code == 200
                started = time.monotonic()
                answer = client.post(
                    f"{writer}{PREFIX}/logout",
                    headers=headers,
                    json={"refresh_token": pair["refresh_token"]},
                )
                assert answer.status_code == 204, answer.text
                done = time.monotonic()
                logout_ms.append((done - started) * 1000)
                while client.get(f"{reader}{PREFIX}/me", headers=headers).status_code != 401:
                    if time.monotonic() - done > 10:
                        raise RuntimeError("a logout was not seen within 10 s")
                    time.sleep(0.002)
                lags.append((time.monotonic() - done) * 1000)
        finally:
            load.terminate()
            load.wait(timeout=10)
    return {
        "lag_median_ms": statistics.median(lags),
        "lag_p99_ms": percentile(lags, 99),
        "lag_max_ms": max(lags),
        "logout_median_ms": statistics.median(logout_ms),
        "logouts": float(len(lags)),
    }


def table_sizes(url: str) -> dict[str, list[int]]:
    """Rows and bytes (with indexes) of the tables every API login adds to."""
    from sqlalchemy import text

    from authgate.store.engine import create_store_engine

    engine = create_store_engine(url, pool_size=1, max_overflow=0)
    sizes: dict[str, list[int]] = {}
    try:
        with engine.connect() as connection:
            for table in ("authgate_sessions", "authgate_refresh_tokens", "authgate_audit_events"):
                rows, size = connection.execute(
                    text(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")
                ).one()
                sizes[table] = [int(rows), int(size)]
    finally:
        engine.dispose()
    return sizes


def run(replicas: int, *, duration: int, logouts: int, tmp: Path) -> dict[str, Any]:
    reset_postgres_database(ADMIN_URL, DATABASE)
    url = make_url(ADMIN_URL).set(database=DATABASE).render_as_string(hide_password=False)
    topology = (
        load_topology()
        .Topology(
            tmp / f"replicas-{replicas}",
            streamlit=0,
            api=replicas,
            env={"AUTHGATE_DATABASE_URL": url, "AUTHGATE_LOCKOUT_THRESHOLD": "1000000"},
        )
        .start()
    )
    try:
        base = topology.url
        httpx.post(
            f"{base}{PREFIX}/register", json={"username": USER, "password": PASSWORD}, timeout=30
        ).raise_for_status()
        login_body = json.dumps({"username": USER, "password": PASSWORD})
        script = lua_post(tmp / "login.lua", login_body, "application/json")
        token = httpx.post(
            f"{base}{PREFIX}/login", json={"username": USER, "password": PASSWORD}, timeout=30
        ).json()["access_token"]
        quiet = wait_for_quiet()
        logins = wrk(
            f"{base}{PREFIX}/login",
            connections=CONNECTIONS,
            duration=duration,
            script=script,
            latency=True,
        )
        me = wrk(
            f"{base}{PREFIX}/me",
            connections=CONNECTIONS,
            duration=duration,
            token=token,
            latency=True,
        )
        lag = revocation_lags(topology, base, token, logouts)
        sizes = table_sizes(url)
    finally:
        topology.stop()
    return {
        "replicas": replicas,
        "others_cpu_before": quiet,
        "loadavg": os.getloadavg(),
        "logins": logins,
        "me": me,
        "revocation": lag,
        "tables": sizes,
    }


def fast_path_ab(baseline_src: Path, *, duration: int, tmp: Path) -> dict[str, list[float]]:
    """``GET /me`` req/s of one replica from ``baseline_src`` and from this checkout in turn."""
    reset_postgres_database(ADMIN_URL, DATABASE)
    url = make_url(ADMIN_URL).set(database=DATABASE).render_as_string(hide_password=False)
    topology_module = load_topology()
    env = {**os.environ, "AUTHGATE_DATABASE_URL": url}
    env.update(topology_module.shared_secrets(tmp, env))
    upgrade = [sys.executable, "-m", "authgate", "db", "upgrade"]
    subprocess.run(upgrade, env=env, check=True, capture_output=True)
    rates: dict[str, list[float]] = {"baseline": [], "this": []}
    registered = False
    for _ in range(3):
        for side, path in (("baseline", str(baseline_src)), ("this", str(ROOT / "src"))):
            port = topology_module.free_port()
            side_env = {**env, "PYTHONPATH": path, "AUTHGATE_AUTO_MIGRATE": "false"}
            command = topology_module.api_command(port)
            process = subprocess.Popen(
                command, env=side_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            base = f"http://127.0.0.1:{port}"
            try:
                for _attempt in range(150):
                    try:
                        if httpx.get(f"{base}{PREFIX}/health", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        time.sleep(0.2)
                if not registered:
                    httpx.post(
                        f"{base}{PREFIX}/register",
                        json={"username": USER, "password": PASSWORD},
                        timeout=30,
                    ).raise_for_status()
                    registered = True
                token = httpx.post(
                    f"{base}{PREFIX}/login",
                    json={"username": USER, "password": PASSWORD},
                    timeout=30,
                ).json()["access_token"]
                me = wrk(
                    f"{base}{PREFIX}/me", connections=CONNECTIONS, duration=duration, token=token
                )
                rates[side].append(me["rps"])
            finally:
                process.terminate()
                process.wait(timeout=10)
    return rates


def summary(results: list[dict[str, Any]]) -> str:
    lines = [
        "| API replicas | logins/s | login p50 / p99 (ms) | `/me` req/s | `/me` p50 / p99 (ms) "
        "| revocation lag median / p99 / max (ms) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        li, me, lag = r["logins"], r["me"], r["revocation"]
        lines.append(
            f"| {r['replicas']} | {li['rps']:.1f} | {li.get('p50_ms', 0):.0f} / "
            f"{li.get('p99_ms', 0):.0f} | {me['rps']:.0f} | {me.get('p50_ms', 0):.1f} / "
            f"{me.get('p99_ms', 0):.1f} | {lag['lag_median_ms']:.1f} / {lag['lag_p99_ms']:.1f} / "
            f"{lag['lag_max_ms']:.1f} |"
        )
    if len(results) == 2:
        ratio = results[1]["me"]["rps"] / results[0]["me"]["rps"]
        lines.append(f"\n`/me` throughput, 2 replicas against 1: {ratio:.2f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--logouts", type=int, default=100, help="logouts timed per topology")
    parser.add_argument("--replicas", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--baseline-src", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="authgate-bench-replicas-") as name:
        if args.baseline_src:
            rates = fast_path_ab(args.baseline_src, duration=args.duration, tmp=Path(name))
            print(json.dumps({"me_rps_ab": rates}))
            for side, values in rates.items():
                print(f"/me req/s, {side}: median {statistics.median(values):.0f} {values}")
        results = [
            run(n, duration=args.duration, logouts=args.logouts, tmp=Path(name))
            for n in args.replicas
        ]
    if results:
        print(json.dumps(results, indent=2))
        print(summary(results))


if __name__ == "__main__":
    main()
