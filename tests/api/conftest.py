"""Fixtures for the API tests: a cheap-hashing service, a frozen clock, a test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.core.jwt_keys import KeySet, generate_private_key
from authgate.core.service import AuthService
from authgate.core.token_service import TokenService

PASSWORD = "correct horse battery staple"
PREFIX = "/api/auth"

_KEYS = KeySet.from_private_key(generate_private_key("EdDSA"))


def make_settings(tmp_path: Path, **overrides: Any) -> AuthgateSettings:
    options: dict[str, Any] = {
        "argon2_memory_cost": 8192,
        "argon2_time_cost": 1,
        "database_url": "sqlite://",
        "data_dir": tmp_path / "data",
        "auto_migrate": True,
    }
    options.update(overrides)
    return AuthgateSettings(**options)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(tmp_path: Path) -> AuthgateSettings:
    return make_settings(tmp_path)


@pytest.fixture
def service(settings: AuthgateSettings, clock: FrozenClock) -> Iterator[AuthService]:
    svc = AuthService(settings=settings, clock=clock)
    yield svc
    svc.close()


@pytest.fixture
def keys() -> KeySet:
    return _KEYS


@pytest.fixture
def tokens(service: AuthService, keys: KeySet) -> TokenService:
    return TokenService(service, keys=keys)


@pytest.fixture
def app(service: AuthService, tokens: TokenService) -> FastAPI:
    return create_api(service, token_service=tokens)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def alice(service: AuthService) -> int:
    return service.register("alice", PASSWORD, email="alice@example.com").id


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
