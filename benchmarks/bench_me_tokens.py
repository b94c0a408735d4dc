"""``GET /me`` with many distinct live tokens against one token, interleaved (issue 13).

    .venv/bin/python benchmarks/bench_me_tokens.py [--tokens 10000] [--repeats 3] [--duration 10]

The tokens are real: ``--tokens`` logins, each its own session, made in this
process on the server's database and signing key (cheap Argon2 parameters:
the hash is not what is measured here). The server is the shipped command,
``authgate api --port P``. Each round runs ``wrk -c32`` on ``/me`` with one
token, then with all of them in turn (a Lua script hands out the next token
per request), then fastapi-users' ``/users/me`` (the peer, one token). Each
round also records the server's CPU time per request and the 1-minute load
average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_api import FU_PYTHON, HERE, PASSWORD, USER, fastapi_users_token
from bench_login import _cpu_seconds, started

from authgate.config import AuthgateSettings
from authgate.root import Authgate

HOST = "127.0.0.1"
PORT, FU_PORT = 8113, 8114
ROTATE = """
local tokens = {}
for line in io.lines("%s") do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i %% #tokens + 1
  return wrk.format("GET", "%s", {["Authorization"] = "Bearer " .. tokens[i]})
end
"""


def mint(settings: AuthgateSettings, count: int, sessions: int) -> list[str]:
    """``count`` access tokens spread over ``sessions`` sessions, opened as a login opens them.

    The sessions and refresh links are written through the same services a
    login uses (``open_in`` and the token strategy), without the password
    hash, which is not measured here. Tokens of one session are what its
    client holds over time (each login or refresh mints one).
    """
    auth = Authgate.from_settings(settings)
    try:
        user = auth.accounts.register(USER, PASSWORD)
        tokens: list[str] = []
        with auth.uow.write() as work:
            opened = [auth.sessions.open_in(work, user, remember=True) for _ in range(sessions)]
            for n in range(count):
                tokens.append(auth.tokens.issue(work, opened[n % sessions]).access_token)
        return tokens
    finally:
        auth.close()


def run_wrk(url: str, pid: int, *, duration: int, args: list[str]) -> dict[str, float]:
    """Requests/s and the server's CPU microseconds per request for one wrk run."""
    before = _cpu_seconds(pid)
    out = subprocess.run(
        ["wrk", "-t1", "-c32", f"-d{duration}s", "--timeout", "10s", *args, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = _cpu_seconds(pid) - before
    requests = int(out.split(" requests in ")[0].split()[-1])
    bad = out.split("Non-2xx or 3xx responses: ")
    return {
        "rps": float(out.split("Requests/sec:")[1].split()[0]),
        "cpu_us_per_request": cpu * 1e6 / max(requests, 1),
        "non_2xx": float(bad[1].split()[0]) if len(bad) > 1 else 0.0,
    }


def warm_up(url: str, tokens: list[str]) -> None:
    """Present each token once (four client threads)."""
    from concurrent.futures import ThreadPoolExecutor

    def present(chunk: list[str]) -> None:
        with httpx.Client(timeout=30) as client:
            for token in chunk:
                client.get(url, headers={"Authorization": f"Bearer {token}"}).raise_for_status()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(present, [tokens[n::4] for n in range(4)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=None, help="default: one per token")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args()
    authgate = str(Path(sys.executable).with_name("authgate"))
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="authgate-bench-me-") as tmp_name:
        tmp = Path(tmp_name)
        env = {
            "AUTHGATE_DATABASE_URL": f"sqlite:///{tmp / 'authgate.db'}",
            "AUTHGATE_DATA_DIR": str(tmp / "data"),
            "AUTHGATE_ARGON2_MEMORY_COST": "8192",
            "AUTHGATE_ARGON2_TIME_COST": "1",
        }
        os.environ.update(env)
        started_at = time.monotonic()
        tokens = mint(AuthgateSettings(), args.tokens, args.sessions or args.tokens)
        print(
            f"minted {len(tokens)} tokens in {time.monotonic() - started_at:.0f} s", file=sys.stderr
        )
        token_file = tmp / "tokens.txt"
        token_file.write_text("\n".join(tokens) + "\n", encoding="utf-8")
        rotate = tmp / "rotate.lua"
        rotate.write_text(ROTATE % (token_file, "/api/auth/me"), encoding="utf-8")
        base, fu_base = f"http://{HOST}:{PORT}", f"http://{HOST}:{FU_PORT}"
        fu_cmd = [FU_PYTHON, "-m", "uvicorn", "fastapi_users_app:app", "--app-dir", str(HERE)]
        fu_cmd += ["--port", str(FU_PORT), "--no-access-log", "--log-level", "warning"]
        with started(
            [authgate, "api", "--port", str(PORT)],
            env=env,
            cwd=tmp,
            probe=f"{base}/api/auth/health",
        ) as pid:
            peer = (
                None
                if args.no_peer
                else started(
                    fu_cmd, env={"FU_DB": str(tmp / "fu.db")}, cwd=tmp, probe=f"{fu_base}/docs"
                )
            )
            fu_pid = peer.__enter__() if peer is not None else None
            try:
                fu_token = fastapi_users_token(fu_base) if fu_pid is not None else ""
                me = f"{base}/api/auth/me"
                one = ["-H", f"Authorization: Bearer {tokens[0]}"]
                httpx.get(me, headers={"Authorization": f"Bearer {tokens[0]}"}).raise_for_status()
                run_wrk(me, pid, duration=2, args=one)  # warm up
                # Every token presented once before measuring: a client shows
                # its token for the token's whole life, so the steady state is
                # tokens already seen (the memo's job), not first sights.
                warm_up(me, tokens)
                for _ in range(args.repeats):
                    row: dict[str, Any] = {"loadavg_1m": os.getloadavg()[0]}
                    row["one_token"] = run_wrk(me, pid, duration=args.duration, args=one)
                    row["many_tokens"] = run_wrk(
                        me, pid, duration=args.duration, args=["-s", str(rotate)]
                    )
                    row["ratio"] = row["many_tokens"]["rps"] / row["one_token"]["rps"]
                    if fu_pid is not None:
                        row["peer_one_token"] = run_wrk(
                            f"{fu_base}/users/me",
                            fu_pid,
                            duration=args.duration,
                            args=["-H", f"Authorization: Bearer {fu_token}"],
                        )
                    rounds.append(row)
                    print(json.dumps(row), file=sys.stderr)
            finally:
                if peer is not None:
                    peer.__exit__(None, None, None)
    ratios = [r["ratio"] for r in rounds]
    summary = {
        "tokens": args.tokens,
        "sessions": args.sessions or args.tokens,
        "ratio_median": round(statistics.median(ratios), 3),
        "ratio_min": round(min(ratios), 3),
        "ratio_max": round(max(ratios), 3),
        "one_token_rps_median": statistics.median(r["one_token"]["rps"] for r in rounds),
        "many_tokens_rps_median": statistics.median(r["many_tokens"]["rps"] for r in rounds),
    }
    print(json.dumps({"rounds": rounds, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
