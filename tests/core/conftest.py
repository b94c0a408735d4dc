"""Fixtures of the core tests: a user with MFA on, on every backend or on SQLite only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mfa_support import enroll

from authgate.core.clock import FrozenClock
from authgate.core.mfa.service import MfaService
from authgate.root import Authgate
from oidc_support import CORE_REDIRECT, TestProvider


@pytest.fixture
def mfa(service: Authgate) -> MfaService:
    return service.mfa


@pytest.fixture
def enrolled(service: Authgate, clock: FrozenClock) -> tuple[int, str, list[str]]:
    return enroll(service, clock)


@pytest.fixture
def sqlite_enrolled(
    sqlite_service: Authgate, clock: FrozenClock
) -> tuple[Authgate, MfaService, int, str]:
    """The same on SQLite only, for input checks that do not depend on the backend."""
    user_id, secret, _ = enroll(sqlite_service, clock)
    return sqlite_service, sqlite_service.mfa, user_id, secret


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestProvider]:
    """A real OpenID provider (oidc-provider under Node) shared by the OIDC core tests."""
    server = TestProvider(tmp_path_factory.mktemp("provider"), [CORE_REDIRECT])
    server.start()
    yield server
    server.stop()
