"""Does "forgot password"/"forgot username" answer as fast for a known account as for none?

Issue 10, item 1. The real API server (uvicorn, one worker, a SQLite file)
answers ``POST /password/forgot`` and ``POST /username/forgot``; 200 known
and 200 unknown requests per endpoint are sent interleaved in a shuffled
order (so a request follows a known one as often as an unknown one), each
known request for a different account so that every one of them passes the
resend limit, writes a token and hands a message to the mailer (the most
work a known account can cause). The figure is the median latency of known
requests over the median of unknown ones; the target is 0.9-1.1. Requests
are spaced by ``--gap`` ms, as a careful attacker would space them.

Mail goes either to a folder (``FileMailer``) or to an SMTP sink on loopback
(``aiosmtpd`` in its own process, writing a maildir), the two cases of the
probe.

    .venv/bin/python benchmarks/bench_forgot_timing.py [--pairs 200] [--gap 50] [--mail files smtp]
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
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from _load import load_users

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


@contextmanager
def smtp_sink(maildir: Path) -> Iterator[int]:
    """``aiosmtpd`` in its own process (not this one's GIL), storing mail in ``maildir``."""
    port = free_port()
    cmd = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"{HOST}:{port}"]
    cmd += ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)]
    process = subprocess.Popen(cmd)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the SMTP sink did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


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
    """Median ms of known and unknown requests, sent interleaved in a shuffled order."""
    order = [("known", v) for v in known] + [("unknown", v) for v in unknown]
    random.Random(7).shuffle(order)
    times: dict[str, list[float]] = {"known": [], "unknown": []}
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
        stack = ExitStack()
        if mail == "smtp":
            smtp_port = stack.enter_context(smtp_sink(work / "maildir"))
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
            stack.close()
        folder = work / "maildir" / "new" if mail == "smtp" else work / "mail"
        sent = len(list(folder.glob("*")))
        results["mail"] = {"messages": float(sent)}
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--gap", type=float, default=50.0, help="ms between requests")
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
