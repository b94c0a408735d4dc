"""How much of an API login is the password hash: CPU per login and logins/s (issue 13).

    .venv/bin/python benchmarks/bench_login.py [--logins 300] [--repeats 3] [--duration 10]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_login]

The server is the shipped command, ``authgate api --port P`` (its defaults:
one worker, no access log), in its own process. Two figures, each interleaved
with its reference and repeated:

1. CPU: the server process's CPU time (``/proc/<pid>/stat`` utime + stime)
   over ``--logins`` logins, divided by the count, against one bare Argon2id
   verification's ``time.process_time`` with the settings' own
   ``argon2_memory_cost``, ``argon2_time_cost`` and ``argon2_parallelism``
   (in this process, one thread). The ratio is the hash's share of a login.
2. Throughput: ``wrk -c8`` logins/s against the Argon2id verifications/s of
   one thread per core, alternately (the load generator shares the cores).
   The hash-alone threads run at the password pool's priority (``nice`` +10,
   as the server's hashing threads do): on a machine shared with other work
   at ``nice`` 0 the two then compete on the same terms (before, hash-alone
   ran at normal priority and the ratio measured the priority, not the login).

The peer, fastapi-users 15.0.5's example (``benchmarks/fastapi_users_app.py``,
``FU_PYTHON``), is measured in the same run the same way: its CPU per login
and its own hash's (pwdlib's Argon2 defaults) ``process_time`` in its venv.
Each round records the 1-minute load average before it.

``--decompose`` adds, in every round, two more servers of the same command
whose password check is replaced (``benchmarks/_hash_stub``, loaded through
``PYTHONPATH`` into those servers only): with **no hash** at all, the CPU
per login is what the login path itself costs with the caches warm; with a
plain **memory pass** over a buffer of the hash's size instead of the hash,
the CPU per login minus that pass shows what a pass of that size costs the
code that runs after it (caches refilled). Together they say how much of
"beyond the hash" is authgate's code and how much the hash's memory traffic.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from bench_api import FU_PYTHON, HERE, PASSWORD, USER, lua_post, wrk

from authgate.config import AuthgateSettings
from authgate.core.passwords.service import PasswordService

HOST = "127.0.0.1"
POOL_NICE = 10  # authgate.api._password_pool.PasswordWorkPool's default
AUTHGATE_PORT, FU_PORT, STUB_PORT = 8111, 8112, 8113
FU_EMAIL = "bench@example.com"
PEER_HASH = """
import json, sys, time
from fastapi_users.password import PasswordHelper
helper = PasswordHelper()
encoded = helper.hash(sys.argv[1])
n = int(sys.argv[2])
start = time.process_time()
for _ in range(n):
    helper.verify_and_update(sys.argv[1], encoded)
print(json.dumps({"ms": (time.process_time() - start) * 1000 / n}))
"""


def _cpu_seconds(pid: int) -> float:
    """utime + stime of process ``pid`` and its threads, in seconds."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def started(cmd: list[str], *, env: dict[str, str], cwd: Path, probe: str) -> Iterator[int]:
    """Start a server, wait for ``probe`` to answer, yield its pid; stop it afterwards."""
    process = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=cwd)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(probe, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{cmd[0]} did not start") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def cpu_per_login(pid: int, login: Callable[[httpx.Client], None], count: int) -> dict[str, Any]:
    """The server's CPU ms per login over ``count`` logins, one at a time.

    One at a time, like the bare verification it is compared with: two
    hashes at once on two cores slow each other down (memory bandwidth).
    """
    with httpx.Client(timeout=30) as client:
        for _ in range(10):  # warm up: imports, pool, first runs of each code path
            login(client)
        load = os.getloadavg()[0]
        before, started_at = _cpu_seconds(pid), time.monotonic()
        for _ in range(count):
            login(client)
        cpu, wall = _cpu_seconds(pid) - before, time.monotonic() - started_at
    return {
        "cpu_ms_per_login": cpu * 1000 / count,
        "logins_per_s_one_client": count / wall,
        "loadavg_1m": load,
    }


def hash_cpu_ms(settings: AuthgateSettings, count: int) -> float:
    """``process_time`` of one Argon2id verification with the settings' parameters (ms)."""
    passwords = PasswordService.from_names(
        settings.password_hashers,
        argon2_memory_cost=settings.argon2_memory_cost,
        argon2_time_cost=settings.argon2_time_cost,
        argon2_parallelism=settings.argon2_parallelism,
    )
    encoded = passwords.hash(PASSWORD)
    start = time.process_time()
    for _ in range(count):
        passwords.verify(PASSWORD, encoded)
    return (time.process_time() - start) * 1000 / count


def hash_alone_rate(settings: AuthgateSettings, seconds: float, *, nice: int) -> float:
    """Verifications/s of one thread per core, each at ``nice`` like the server's pool threads."""
    passwords = PasswordService.from_names(
        settings.password_hashers,
        argon2_memory_cost=settings.argon2_memory_cost,
        argon2_time_cost=settings.argon2_time_cost,
        argon2_parallelism=settings.argon2_parallelism,
    )
    encoded = passwords.hash(PASSWORD)
    cores = os.cpu_count() or 1
    counts = [0] * cores
    stop = time.monotonic() + seconds

    def work(slot: int) -> None:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
        while time.monotonic() < stop:
            passwords.verify(PASSWORD, encoded)
            counts[slot] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(cores)]
    started_at = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started_at)


def peer_hash_cpu_ms(count: int) -> float:
    out = subprocess.run(
        [FU_PYTHON, "-c", PEER_HASH, PASSWORD, str(count)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout)["ms"])


def _authgate_login(client: httpx.Client, port: int = AUTHGATE_PORT) -> None:
    answer = client.post(
        f"http://{HOST}:{port}/api/auth/login",
        json={"username": USER, "password": PASSWORD},
    )
    answer.raise_for_status()


def _stub_login(client: httpx.Client) -> None:
    _authgate_login(client, STUB_PORT)


def _peer_login(client: httpx.Client) -> None:
    answer = client.post(
        f"http://{HOST}:{FU_PORT}/auth/jwt/login",
        data={"username": FU_EMAIL, "password": PASSWORD},
    )
    answer.raise_for_status()


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=300, help="logins per CPU round")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk round")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--no-peer", action="store_true", help="skip fastapi-users")
    parser.add_argument(
        "--decompose",
        action="store_true",
        help="also measure servers with no hash and with a plain memory pass instead",
    )
    args = parser.parse_args()
    settings = AuthgateSettings()
    authgate = str(Path(sys.executable).with_name("authgate"))
    results: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "argon2": {
            "memory_kib": settings.argon2_memory_cost,
            "time_cost": settings.argon2_time_cost,
            "parallelism": settings.argon2_parallelism,
        },
        "command": f"authgate api --port {AUTHGATE_PORT}",
        "loadavg_before": os.getloadavg(),
        "rounds": [],
    }
    with tempfile.TemporaryDirectory(prefix="authgate-bench-login-") as tmp_name:
        tmp = Path(tmp_name)
        database_url = args.database_url or f"sqlite:///{tmp / 'authgate.db'}"
        if database_url.startswith("postgresql"):
            from _load import reset_postgres_database

            base, name = database_url.rsplit("/", 1)
            reset_postgres_database(f"{base}/postgres", name)
        env = {"AUTHGATE_DATABASE_URL": database_url, "AUTHGATE_DATA_DIR": str(tmp / "data")}
        ag_lua = lua_post(
            tmp / "login.lua",
            json.dumps({"username": USER, "password": PASSWORD}),
            "application/json",
        )
        fu_lua = lua_post(
            tmp / "fu_login.lua",
            f"username={FU_EMAIL}&password={PASSWORD}",
            "application/x-www-form-urlencoded",
        )
        ag_cmd = [authgate, "api", "--port", str(AUTHGATE_PORT)]
        fu_cmd = [FU_PYTHON, "-m", "uvicorn", "fastapi_users_app:app", "--app-dir", str(HERE)]
        fu_cmd += ["--port", str(FU_PORT), "--no-access-log", "--log-level", "warning"]
        ag_base = f"http://{HOST}:{AUTHGATE_PORT}"
        fu_base = f"http://{HOST}:{FU_PORT}"
        with started(ag_cmd, env=env, cwd=tmp, probe=f"{ag_base}/api/auth/health") as ag_pid:
            httpx.post(
                f"{ag_base}/api/auth/register",
                json={"username": USER, "password": PASSWORD, "email": FU_EMAIL},
            ).raise_for_status()
            peer = (
                started(fu_cmd, env={"FU_DB": str(tmp / "fu.db")}, cwd=tmp, probe=f"{fu_base}/docs")
                if not args.no_peer
                else None
            )
            with peer or _nothing() as fu_pid:
                if fu_pid is not None:
                    httpx.post(
                        f"{fu_base}/auth/register",
                        json={"email": FU_EMAIL, "password": PASSWORD},
                        timeout=30,
                    ).raise_for_status()
                for _ in range(args.repeats):
                    row: dict[str, Any] = {"hash_cpu_ms": hash_cpu_ms(settings, 100)}
                    row["authgate"] = cpu_per_login(ag_pid, _authgate_login, args.logins)
                    row["hash_share"] = row["hash_cpu_ms"] / row["authgate"]["cpu_ms_per_login"]
                    row["hash_alone_per_s"] = hash_alone_rate(
                        settings, args.duration, nice=POOL_NICE
                    )
                    login_wrk = wrk(
                        f"{ag_base}/api/auth/login",
                        connections=8,
                        duration=args.duration,
                        script=ag_lua,
                    )
                    row["logins_per_s_wrk"] = login_wrk["rps"]
                    row["login_non_2xx"] = login_wrk["non_2xx"]
                    row["throughput_ratio"] = row["logins_per_s_wrk"] / row["hash_alone_per_s"]
                    if fu_pid is not None:
                        row["peer_hash_cpu_ms"] = peer_hash_cpu_ms(10)
                        row["peer"] = cpu_per_login(fu_pid, _peer_login, max(30, args.logins // 5))
                        row["peer_hash_share"] = (
                            row["peer_hash_cpu_ms"] / row["peer"]["cpu_ms_per_login"]
                        )
                        row["peer_logins_per_s_wrk"] = wrk(
                            f"{fu_base}/auth/jwt/login",
                            connections=8,
                            duration=args.duration,
                            script=fu_lua,
                        )["rps"]
                    if args.decompose:
                        stub_cmd = [authgate, "api", "--port", str(STUB_PORT)]
                        row["decomposed"] = decomposed(stub_cmd, env, tmp, len(results["rounds"]))
                    results["rounds"].append(row)
                    print(json.dumps(row), file=sys.stderr)
    results["loadavg_after"] = os.getloadavg()
    rounds = results["rounds"]
    results["summary"] = {
        "hash_cpu_ms": _spread([r["hash_cpu_ms"] for r in rounds]),
        "login_cpu_ms": _spread([r["authgate"]["cpu_ms_per_login"] for r in rounds]),
        "beyond_hash_ms": _spread(
            [r["authgate"]["cpu_ms_per_login"] - r["hash_cpu_ms"] for r in rounds]
        ),
        "hash_share": _spread([r["hash_share"] for r in rounds]),
        "throughput_ratio": _spread([r["throughput_ratio"] for r in rounds]),
    }
    if args.decompose:
        for name in ("own_cpu_ms", "memory_pass_ms", "beyond_memory_pass_ms"):
            values = [r["decomposed"][name] for r in rounds]
            results["summary"][name] = _spread(values)
    if not args.no_peer:
        results["summary"]["peer_hash_share"] = _spread([r["peer_hash_share"] for r in rounds])
    print(json.dumps(results, indent=2))


def decomposed(
    command: list[str], env: dict[str, str], tmp: Path, number: int, logins: int = 300
) -> dict[str, float]:
    """CPU per login of ``command`` (on ``STUB_PORT``) with the hash stubbed out (``_hash_stub``).

    On PostgreSQL the stub servers share the benchmark's database (the user
    exists already); on SQLite each gets a file of its own.
    """
    found: dict[str, float] = {}
    for mode in ("none", "memory"):
        spent = tmp / f"stub-{mode}-{number}.txt"
        stub_env = {
            **env,
            "AUTHGATE_DATABASE_URL": f"sqlite:///{tmp / f'stub-{mode}-{number}.db'}",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(HERE / "_hash_stub"), os.environ.get("PYTHONPATH")) if p
            ),
            "AUTHGATE_BENCH_HASH_STUB": mode,
            "AUTHGATE_BENCH_HASH_STUB_PASSWORD": PASSWORD,
            "AUTHGATE_BENCH_HASH_STUB_FILE": str(spent),
        }
        if env.get("AUTHGATE_DATABASE_URL", "").startswith("postgresql"):
            stub_env["AUTHGATE_DATABASE_URL"] = env["AUTHGATE_DATABASE_URL"]
        base = f"http://{HOST}:{STUB_PORT}"
        with started(command, env=stub_env, cwd=tmp, probe=f"{base}/api/auth/health") as pid:
            answer = httpx.post(
                f"{base}/api/auth/register",
                json={"username": USER, "password": PASSWORD, "email": FU_EMAIL},
            )
            if answer.status_code != 409:  # the PostgreSQL database keeps the user
                answer.raise_for_status()
            before = _stub_spent(spent)
            measured = cpu_per_login(pid, _stub_login, logins)
            after = _stub_spent(spent)
        if mode == "none":
            found["own_cpu_ms"] = measured["cpu_ms_per_login"]
        else:
            pass_ms = (after[0] - before[0]) * 1000 / max(1, after[1] - before[1])
            found["memory_pass_ms"] = pass_ms
            found["beyond_memory_pass_ms"] = measured["cpu_ms_per_login"] - pass_ms
    return found


def _stub_spent(path: Path) -> tuple[float, int]:
    """(seconds, passes) the memory stub recorded so far."""
    try:
        seconds, count = path.read_text().split()
    except (OSError, ValueError):
        return 0.0, 0
    return float(seconds), int(count)


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


if __name__ == "__main__":
    main()
