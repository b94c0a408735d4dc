"""A database that is down is one clear StoreUnavailable, never a driver traceback."""

from __future__ import annotations

import pytest

from authgate.config import AuthgateSettings
from authgate.errors import StoreUnavailable
from authgate.root import Authgate

DEAD_URLS = [
    "postgresql://postgres@127.0.0.1:1/test",
    "mysql://root@127.0.0.1:1/test",
]


@pytest.mark.parametrize("url", DEAD_URLS)
def test_unreachable_database_at_start(url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = AuthgateSettings(database_url=url, data_dir=tmp_path)
    with pytest.raises(StoreUnavailable) as caught:
        Authgate.from_settings(settings)
    assert "temporarily unavailable" in caught.value.message


@pytest.mark.parametrize("url", DEAD_URLS)
def test_unreachable_database_later(url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = AuthgateSettings(
        database_url=url, data_dir=tmp_path, argon2_memory_cost=8192, argon2_time_cost=1
    )
    service = Authgate.from_settings(settings, migrate=False)
    assert service.health() is False
    with pytest.raises(StoreUnavailable):
        service.logins.password("alice", "correct horse battery")
    with pytest.raises(StoreUnavailable):
        service.sessions.validate("token")
    with pytest.raises(StoreUnavailable):
        service.accounts.register("alice", "correct horse battery")
