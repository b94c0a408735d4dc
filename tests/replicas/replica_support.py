"""Replicas of the demo on one PostgreSQL database, started by deploy/topology.py.

The topology the tests run is the one the recipe starts: the same nginx
config (deploy/nginx/authgate.conf.in), the same commands, the same shared
keys. ``lag`` measures how long a change made in one process takes to be
refused by another, polling every 5 ms.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/api/auth"
PASSWORD = "a long secret passphrase"
FAST_ENV = {"AUTHGATE_ARGON2_MEMORY_COST": "8192", "AUTHGATE_ARGON2_TIME_COST": "1"}


def load_topology() -> ModuleType:
    """deploy/topology.py as a module (deploy/ is a directory of scripts, not a package)."""
    path = ROOT / "deploy" / "topology.py"
    spec = importlib.util.spec_from_file_location("authgate_topology", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: httpx.Client, base: str, username: str, password: str = PASSWORD) -> Any:
    answer = client.post(f"{base}{PREFIX}/login", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()


def me_status(client: httpx.Client, base: str, access_token: str) -> int:
    return client.get(f"{base}{PREFIX}/me", headers=bearer(access_token)).status_code


def lag(refused: Callable[[], bool], timeout: float = 1.0) -> float:
    """Seconds until ``refused()`` holds; AssertionError past ``timeout``."""
    start = time.monotonic()
    while not refused():
        elapsed = time.monotonic() - start
        if elapsed > timeout:
            raise AssertionError(f"still accepted after {elapsed:.2f} s (limit {timeout} s)")
        time.sleep(0.005)
    return time.monotonic() - start


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``authgate <args>`` in a process of its own (the CLI is one more replica)."""
    return subprocess.run(
        [sys.executable, "-m", "authgate", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


class PrivatePostgres:
    """A PostgreSQL server of the test's own, to freeze (SIGSTOP) without disturbing others.

    ``initdb`` and ``pg_ctl`` refuse to run as root, so they run as the
    ``postgres`` user (``runuser``) in a directory it owns.
    """

    def __init__(self) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise FileNotFoundError("initdb not found under /usr/lib/postgresql")
        self.bin = bins[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="authgate-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = _free_port()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> PrivatePostgres:
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-N")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip
        return self

    def pids(self) -> list[int]:
        """The postmaster and every backend and helper process it started."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        for pid in self.pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.pids():
            os.kill(pid, signal.SIGCONT)

    def stop(self) -> None:
        try:
            self.thaw()
            pg_ctl = str(self.bin / "pg_ctl")
            self._as_postgres(pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
