"""The CLI as a user runs it: a real process, a real pipe for the password."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHEAP_HASHING = {"AUTHGATE_ARGON2_MEMORY_COST": "8192", "AUTHGATE_ARGON2_TIME_COST": "1"}


def _authgate(
    *args: str, env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "authgate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_create_with_password_stdin_then_list(tmp_path: Path, password: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTHGATE_")}
    env.update(CHEAP_HASHING, AUTHGATE_DATA_DIR=str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    created = _authgate(
        "users",
        "create",
        "alice",
        "--password-stdin",
        "-r",
        "admin",
        "--database-url",
        url,
        env=env,
        cwd=tmp_path,
        stdin=password + "\n",
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "created user alice (id 1, roles admin)"
    assert password not in created.stdout + created.stderr

    listed = _authgate("users", "list", "--json", "--database-url", url, env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["username"], r["roles"], r["active"]) for r in rows] == [("alice", ["admin"], True)]

    duplicate = _authgate(
        "users",
        "create",
        "alice",
        "--password-stdin",
        "--database-url",
        url,
        env=env,
        cwd=tmp_path,
        stdin=password + "\n",
    )
    assert duplicate.returncode == 1
    assert duplicate.stderr.strip() == "error: This username is already taken."
    assert "Traceback" not in duplicate.stderr
