"""Fixtures for the API tests: a cheap-hashing root, a frozen clock, a test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import KEYS, PASSWORD, make_settings
from fastapi import FastAPI
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.core.tokens.jwt_keys import KeySet
from authgate.core.tokens.service import TokenService
from authgate.root import Authgate


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(tmp_path: Path) -> AuthgateSettings:
    return make_settings(tmp_path)


@pytest.fixture
def service(settings: AuthgateSettings, clock: FrozenClock) -> Iterator[Authgate]:
    svc = Authgate.from_settings(settings, clock=clock)
    yield svc
    svc.close()


@pytest.fixture
def keys() -> KeySet:
    return KEYS


@pytest.fixture
def tokens(service: Authgate) -> TokenService:
    return service.tokens


@pytest.fixture
def app(service: Authgate) -> FastAPI:
    return create_api(service)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def alice(service: Authgate) -> int:
    return service.accounts.register("alice", PASSWORD, email="alice@example.com").id
