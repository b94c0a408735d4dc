"""Keys are shared by configuration: a production replica never invents its own.

A replica that generated its own JWT key would sign tokens the other
replicas refuse, and one that generated its own secret key could not read
the MFA secrets the others wrote. So in production an API replica without
``AUTHGATE_JWT_PRIVATE_KEY`` (or ``_FILE``) or without ``AUTHGATE_SECRET_KEY``
refuses to start, saying which setting is missing, and writes nothing into
its data directory. (Development keeps generating them into
``AUTHGATE_DATA_DIR``: tests/core/test_tokens_jwt_keys.py.)
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from api_server import free_port
from authgate.core.tokens.jwt_keys import generate_private_key, private_key_pem

pytestmark = pytest.mark.slow


def _start_api(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "data"
    values = {
        **os.environ,
        "AUTHGATE_MODE": "production",
        "AUTHGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
        "AUTHGATE_DATA_DIR": str(data),
        **env,
    }
    for name in ("AUTHGATE_SECRET_KEY", "AUTHGATE_JWT_PRIVATE_KEY"):
        for variable in (name, f"{name}_FILE"):
            if variable not in env:
                values.pop(variable, None)
    command = [sys.executable, "-m", "authgate", "api", "--port", str(free_port())]
    return subprocess.run(
        command, env=values, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )


def test_production_replica_without_a_jwt_key_refuses_to_start(tmp_path: Path) -> None:
    started = _start_api(tmp_path, AUTHGATE_SECRET_KEY=secrets.token_urlsafe(48))
    assert started.returncode != 0
    assert "AUTHGATE_JWT_PRIVATE_KEY" in started.stdout + started.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def test_production_replica_without_a_secret_refuses_to_start(tmp_path: Path) -> None:
    key = private_key_pem(generate_private_key()).decode()
    started = _start_api(tmp_path, AUTHGATE_JWT_PRIVATE_KEY=key)
    assert started.returncode != 0
    assert "AUTHGATE_SECRET_KEY" in started.stdout + started.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())
