"""Does "forgot password"/"forgot username" answer as fast for a known account as for none?

Issue 10, item 1. The real API server (uvicorn, one worker, a SQLite file)
answers ``POST /password/forgot`` and ``POST /username/forgot``; 200 known
and 200 unknown requests per endpoint are sent interleaved (each pair in a
random order), each known request for a different account so that every one
of them passes the resend limit, writes a token and hands a message to the
mailer (the most work a known account can cause). The figure is the median
latency of known requests over the median of unknown ones; the target is
0.9-1.1. Requests are spaced by ``--gap`` ms, as a careful attacker would
space them, so that one request's after-the-answer work does not land on the
next.

Mail goes either to a folder (``FileMailer``) or to an SMTP sink on loopback
(``aiosmtpd``, started here), the two cases of the probe.

    .venv/bin/python benchmarks/bench_forgot_timing.py [--pairs 200] [--gap 20] [--mail files smtp]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from _load import load_users
from aiosmtpd.controller import Controller

from authgate.config import AuthgateSettings
from authgate.root import Authgate
from authgate.store.engine import create_store_engine

HOST = "127.0.0.1"
PREFIX = "/api/auth"


def free_port() -> int:
    """A port nobody listens on now (the machine may run other servers)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class _Sink:
    """An SMTP server that accepts every message and keeps a count."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


@contextmanager
def api_server(env: dict[str, str], cwd: Path) -> Iterator[str]:
    """``authgate.api.server:asgi_app`` under uvicorn; stopped afterwards."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "authgate.api.server:asgi_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
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
                httpx.get(f"{base}{PREFIX}/health", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the API server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure(
    client: httpx.Client, path: str, field: str, known: list[str], unknown: list[str], gap: float
) -> dict[str, float]:
    """Median ms of known and unknown requests, sent interleaved in random pair order."""
    rng = random.Random(7)
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for pair in zip(known, unknown, strict=True):
        order = [("known", pair[0]), ("unknown", pair[1])]
        rng.shuffle(order)
        for kind, value in order:
            start = time.perf_counter()
            answer = client.post(f"{PREFIX}{path}", json={field: value})
            times[kind].append((time.perf_counter() - start) * 1000)
            if answer.status_code != 202:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text}")
            time.sleep(gap)
    k, u = statistics.median(times["known"]), statistics.median(times["unknown"])
    return {"known_ms": k, "unknown_ms": u, "ratio": k / u}


def run(mail: str, pairs: int, gap: float) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="authgate-forgot-") as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'auth.db'}"
        env = {"AUTHGATE_DATABASE_URL": url, "AUTHGATE_DATA_DIR": str(work / "data")}
        sink = _Sink()
        controller: Controller | None = None
        if mail == "smtp":
            smtp_port = free_port()
            controller = Controller(sink, hostname=HOST, port=smtp_port)
            controller.start()
            env |= {
                "AUTHGATE_SMTP_HOST": HOST,
                "AUTHGATE_SMTP_PORT": str(smtp_port),
                "AUTHGATE_SMTP_SECURITY": "none",
            }
        else:
            env["AUTHGATE_MAIL_DIR"] = str(work / "mail")
        auth = Authgate.from_settings(
            AuthgateSettings(database_url=url, data_dir=work / "data"), mailer=None
        )
        auth.close()
        engine = create_store_engine(url)
        load_users(engine, pairs, now=datetime.now(UTC))
        engine.dispose()
        names = [f"bench{i:05d}" for i in range(1, pairs + 1)]
        try:
            with api_server(env, work) as base, httpx.Client(base_url=base, timeout=10) as client:
                for i in range(20):  # warm-up: imports, connection, first queries
                    client.post(f"{PREFIX}/password/forgot", json={"login": f"warm{i}"})
                results = {
                    "password": measure(
                        client,
                        "/password/forgot",
                        "login",
                        names,
                        [f"nobody{i:05d}" for i in range(pairs)],
                        gap,
                    ),
                    "username": measure(
                        client,
                        "/username/forgot",
                        "email",
                        [f"{n}@example.org" for n in names],
                        [f"nobody{i:05d}@example.org" for i in range(pairs)],
                        gap,
                    ),
                }
                time.sleep(1)  # let the last background jobs finish before counting
        finally:
            if controller is not None:
                controller.stop()
        sent = sink.count if mail == "smtp" else len(list((work / "mail").glob("*.eml")))
        results["mail"] = {"messages": float(sent)}
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--gap", type=float, default=20.0, help="ms between requests")
    parser.add_argument("--mail", nargs="+", default=["files", "smtp"], choices=["files", "smtp"])
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"pairs per endpoint: {args.pairs}, gap {args.gap} ms, 1-min load before: {load:.2f}")
    print("| mail | endpoint | known median (ms) | unknown median (ms) | known/unknown |")
    print("| --- | --- | --- | --- | --- |")
    for mail in args.mail:
        results = run(mail, args.pairs, args.gap / 1000)
        for endpoint in ("password", "username"):
            r = results[endpoint]
            print(
                f"| {mail} | {endpoint} | {r['known_ms']:.2f} | {r['unknown_ms']:.2f} "
                f"| {r['ratio']:.3f} |"
            )
        print(f"| {mail} | messages delivered | {int(results['mail']['messages'])} | | |")


if __name__ == "__main__":
    main()
