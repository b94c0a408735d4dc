"""Replicas of the demo on one PostgreSQL database, started by deploy/topology.py.

The topology the tests run is the one the recipe starts: the same nginx
config (deploy/nginx/authgate.conf.in), the same commands, the same shared
keys. ``lag`` measures how long a change made in one process takes to be
refused by another, polling every 5 ms.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
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
