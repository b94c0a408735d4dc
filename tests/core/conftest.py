"""Fixtures of the core tests: a user with MFA on, on every backend or on SQLite only."""

from __future__ import annotations

import pytest
from mfa_support import enroll

from authgate.core.clock import FrozenClock
from authgate.core.mfa.service import MfaService
from authgate.root import Authgate


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
