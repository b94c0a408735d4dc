"""Benchmark the JSON API against fastapi-users and an empty FastAPI endpoint.

Everything runs on this machine, on loopback, in one run, each server under
uvicorn with one worker and no access log:

- requests/s of ``GET /me`` (token check plus session revocation check), of
  local token verification in a downstream service (public key only), of
  fastapi-users' ``GET /users/me`` and of an empty endpoint (the ceiling);
- ``GET /me`` p50 latency on one connection, idle and while logins run;
- login/s under concurrency against what the password hash alone allows on
  all cores (same Argon2id parameters, measured in-process).

Load comes from ``wrk`` (Debian package) with a duration limit. fastapi-users
runs from a separate venv (``FU_PYTHON``, default /tmp/fu-venv/bin/python with
``fastapi-users[sqlalchemy]==15.0.5 aiosqlite uvicorn``), never the project's.

    .venv/bin/python benchmarks/bench_api.py [--duration 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from authgate.config import AuthgateSettings
from authgate.core.passwords.service import PasswordService

HERE = Path(__file__).resolve().parent
FU_PYTHON = os.environ.get("FU_PYTHON", "/tmp/fu-venv/bin/python")
HOST = "127.0.0.1"
PORTS = {
    "authgate": 8101,
    "fastapi_users": 8102,
    "empty": 8103,
    "downstream": 8104,
    "authgate_uncached": 8105,
}
USER, EMAIL, PASSWORD = "bench", "bench@example.com", "correct horse battery staple 42"


@contextmanager
def server(
    name: str, args: list[str], *, python: str, env: dict[str, str], cwd: Path, probe: str
) -> Iterator[str]:
    """Start one uvicorn server and wait until ``probe`` answers; stop it afterwards."""
    base = f"http://{HOST}:{PORTS[name]}"
    cmd = [
        python,
        "-m",
        "uvicorn",
        *args,
        "--host",
        HOST,
        "--port",
        str(PORTS[name]),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=cwd)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + probe, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{name} did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrk(
    url: str,
    *,
    connections: int,
    duration: int,
    token: str | None = None,
    script: Path | None = None,
    latency: bool = False,
) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", str(script)]
    if latency:
        cmd.append("--latency")
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = float(bad.group(1)) if bad else 0.0
    for percent in (50, 99):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if found:
            scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
            result[f"p{percent}_ms"] = float(found.group(1)) * scale
    return result


def lua_post(path: Path, body: str, content_type: str) -> Path:
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        f'wrk.headers["Content-Type"] = "{content_type}"\n',
        encoding="utf-8",
    )
    return path


def hash_alone_rate(seconds: float) -> dict[str, float]:
    """Password verifications/s on all cores, same parameters as the server (defaults)."""
    s = AuthgateSettings()
    passwords = PasswordService.from_names(
        s.password_hashers,
        argon2_memory_cost=s.argon2_memory_cost,
        argon2_time_cost=s.argon2_time_cost,
        argon2_parallelism=s.argon2_parallelism,
    )
    encoded = passwords.hash(PASSWORD)
    cores = os.cpu_count() or 1
    counts = [0] * cores
    stop = time.monotonic() + seconds

    def work(slot: int) -> None:
        while time.monotonic() < stop:
            passwords.verify(PASSWORD, encoded)
            counts[slot] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(cores)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {
        "cores": cores,
        "hashes_per_s": sum(counts) / elapsed,
        "memory_kib": s.argon2_memory_cost,
        "time_cost": s.argon2_time_cost,
    }


def authgate_token(base: str) -> str:
    httpx.post(
        f"{base}/api/auth/register", json={"username": USER, "password": PASSWORD, "email": EMAIL}
    ).raise_for_status()
    answer = httpx.post(f"{base}/api/auth/login", json={"username": USER, "password": PASSWORD})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def fastapi_users_token(base: str) -> str:
    httpx.post(
        f"{base}/auth/register", json={"email": EMAIL, "password": PASSWORD}, timeout=30
    ).raise_for_status()
    answer = httpx.post(
        f"{base}/auth/jwt/login", data={"username": EMAIL, "password": PASSWORD}, timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def me_under_logins(
    me_url: str, token: str, login_url: str, script: Path, duration: int
) -> dict[str, float]:
    """/me p50 on one connection while 4 connections log in continuously."""
    background: dict[str, float] = {}

    def logins() -> None:
        background.update(wrk(login_url, connections=4, duration=duration + 4, script=script))

    thread = threading.Thread(target=logins)
    thread.start()
    time.sleep(2)
    probe = wrk(me_url, connections=1, duration=duration, token=token, latency=True)
    thread.join()
    return {
        "me_p50_ms": probe["p50_ms"],
        "me_rps": probe["rps"],
        "login_rps": background["rps"],
        "login_non_2xx": background["non_2xx"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    args = parser.parse_args()
    d = args.duration
    results: dict[str, Any] = {
        "hash_alone": hash_alone_rate(d / 2),
        "cpus": os.cpu_count(),
        "loadavg_before": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="authgate-bench-") as tmp_name:
        tmp = Path(tmp_name)
        ag_env = {
            "AUTHGATE_DATABASE_URL": f"sqlite:///{tmp / 'authgate.db'}",
            "AUTHGATE_DATA_DIR": str(tmp / "data"),
            "AUTHGATE_MODE": "development",
        }
        ag_login = lua_post(
            tmp / "ag_login.lua",
            json.dumps({"username": USER, "password": PASSWORD}),
            "application/json",
        )
        fu_login = lua_post(
            tmp / "fu_login.lua",
            f"username={EMAIL}&password={PASSWORD}",
            "application/x-www-form-urlencoded",
        )
        with (
            server(
                "authgate",
                ["authgate.api.server:asgi_app", "--factory"],
                python=sys.executable,
                env=ag_env,
                cwd=tmp,
                probe="/api/auth/health",
            ) as ag,
            server(
                "fastapi_users",
                ["fastapi_users_app:app", "--app-dir", str(HERE)],
                python=FU_PYTHON,
                env={"FU_DB": str(tmp / "fu.db")},
                cwd=tmp,
                probe="/docs",
            ) as fu,
            server(
                "empty",
                ["bench_apps:empty_app", "--factory", "--app-dir", str(HERE)],
                python=sys.executable,
                env={},
                cwd=tmp,
                probe="/empty",
            ) as empty,
        ):
            ag_token, fu_token = authgate_token(ag), fastapi_users_token(fu)
            downstream = server(
                "downstream",
                ["bench_apps:downstream_app", "--factory", "--app-dir", str(HERE)],
                python=sys.executable,
                env={"BENCH_JWKS_URL": f"{ag}/.well-known/jwks.json"},
                cwd=tmp,
                probe="/docs",
            )
            # The same server and database with the session read cache off, so
            # that every GET /me reads the store.
            uncached = server(
                "authgate_uncached",
                ["authgate.api.server:asgi_app", "--factory"],
                python=sys.executable,
                env={**ag_env, "AUTHGATE_SESSION_REVALIDATE_INTERVAL": "0"},
                cwd=tmp,
                probe="/api/auth/health",
            )
            with downstream as ds, uncached as ag_uncached:
                throughput = {
                    "empty": wrk(f"{empty}/empty", connections=32, duration=d),
                    "authgate_me": wrk(
                        f"{ag}/api/auth/me", connections=32, duration=d, token=ag_token
                    ),
                    "authgate_me_uncached": wrk(
                        f"{ag_uncached}/api/auth/me", connections=32, duration=d, token=ag_token
                    ),
                    "authgate_local_verify": wrk(
                        f"{ds}/orders", connections=32, duration=d, token=ag_token
                    ),
                    "fastapi_users_me": wrk(
                        f"{fu}/users/me", connections=32, duration=d, token=fu_token
                    ),
                }
            results["throughput"] = throughput
            results["authgate_latency"] = {
                "idle_p50_ms": wrk(
                    f"{ag}/api/auth/me", connections=1, duration=d, token=ag_token, latency=True
                )["p50_ms"],
                **me_under_logins(
                    f"{ag}/api/auth/me", ag_token, f"{ag}/api/auth/login", ag_login, d
                ),
            }
            results["fastapi_users_latency"] = {
                "idle_p50_ms": wrk(
                    f"{fu}/users/me", connections=1, duration=d, token=fu_token, latency=True
                )["p50_ms"],
                **me_under_logins(f"{fu}/users/me", fu_token, f"{fu}/auth/jwt/login", fu_login, d),
            }
            # Alternate hash-alone and login runs: on a shared machine the
            # background load drifts, and each pair sees about the same.
            rounds = []
            for _ in range(3):
                hashes = hash_alone_rate(d)["hashes_per_s"]
                logins = wrk(f"{ag}/api/auth/login", connections=8, duration=d, script=ag_login)
                rounds.append(
                    {
                        "hashes_per_s": hashes,
                        "logins_per_s": logins["rps"],
                        "non_2xx": logins["non_2xx"],
                        "ratio": logins["rps"] / hashes,
                    }
                )
            results["authgate_login_rounds"] = rounds
    print(json.dumps(results, indent=2))
    print(summary(results))


def summary(r: dict[str, Any]) -> str:
    t = r["throughput"]
    empty = t["empty"]["rps"]
    lines = ["", "| measure | value |", "| --- | --- |"]
    for name, row in t.items():
        lines.append(f"| {name} requests/s | {row['rps']:.0f} ({row['rps'] / empty:.2f}x empty) |")
    lines.append(
        f"| authgate /me vs fastapi-users /users/me | "
        f"{t['authgate_me']['rps'] / t['fastapi_users_me']['rps']:.1f}x |"
    )
    for who in ("authgate", "fastapi_users"):
        lat = r[f"{who}_latency"]
        lines.append(
            f"| {who} me p50 idle / under logins | {lat['idle_p50_ms']:.2f} ms / "
            f"{lat['me_p50_ms']:.2f} ms ({lat['me_p50_ms'] / lat['idle_p50_ms']:.1f}x), "
            f"{lat['login_rps']:.1f} logins/s |"
        )
    for n, row in enumerate(r["authgate_login_rounds"], 1):
        lines.append(
            f"| login/s vs hash-alone/s ({r['cpus']} cores), round {n} | "
            f"{row['logins_per_s']:.1f} / {row['hashes_per_s']:.1f} = {row['ratio']:.0%} |"
        )
    ratios = sorted(row["ratio"] for row in r["authgate_login_rounds"])
    lines.append(f"| login/s vs hash alone, median | {ratios[len(ratios) // 2]:.0%} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
