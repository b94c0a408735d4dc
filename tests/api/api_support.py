"""Helpers shared by the API tests (imported by name: tests/api is on sys.path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from authgate.config import AuthgateSettings
from authgate.core.tokens.jwt_keys import KeySet, generate_private_key, private_key_pem

PASSWORD = "correct horse battery staple"
PREFIX = "/api/auth"

_PRIVATE_KEY = generate_private_key("EdDSA")
KEYS = KeySet.from_private_key(_PRIVATE_KEY)
"""The signing keys of every app built from ``make_settings`` (unless it is told otherwise)."""


def make_settings(tmp_path: Path, **overrides: Any) -> AuthgateSettings:
    """Settings with cheap Argon2, an in-memory database and ``KEYS`` unless overridden.

    ``jwt_private_key=None`` leaves the key to the settings' own rule (a
    development key generated in ``data_dir``).
    """
    options: dict[str, Any] = {
        "argon2_memory_cost": 8192,
        "argon2_time_cost": 1,
        "database_url": "sqlite://",
        "data_dir": tmp_path / "data",
        "jwt_private_key": private_key_pem(_PRIVATE_KEY).decode(),
    }
    options.update(overrides)
    return AuthgateSettings(**options)


def login(client: TestClient, username: str = "alice", password: str = PASSWORD) -> dict[str, Any]:
    response = client.post(f"{PREFIX}/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Every error has the one shape: {"detail": {"code", "message", "errors"}}."""
    assert response.status_code == status, response.text
    detail: dict[str, Any] = response.json()["detail"]
    assert detail["code"] == code
    assert isinstance(detail["message"], str) and detail["message"]
    assert isinstance(detail["errors"], list)
    return detail
