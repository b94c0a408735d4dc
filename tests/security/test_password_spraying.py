"""Issue 10, item 3: one client spraying passwords across accounts is stopped, and only it.

With the defaults the probe evaluated 100 guesses across 25 accounts from one
address with no refusal (each account stayed under its own threshold). Now a
client address has a budget of failed logins across all accounts
(``client_failure_limit``, 20 per ``client_failure_window``, 10 minutes): past
it the API answers 429 ``too_many_attempts`` with ``Retry-After`` at once,
before any hash, counted in the shared store so every replica sees the same
budget. Other addresses, and the sprayed accounts' owners logging in from
elsewhere, are not affected. The address is the peer's, or, behind a proxy in
``AUTHGATE_TRUSTED_PROXIES``, the one it forwarded; a client's own
``X-Forwarded-For`` buys it no fresh budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from throttle_support import STORES, count_hashes, throttled_services

from authgate.api import create_api
from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.root import Authgate

LOGIN = "/api/auth/login"
PROXY = ("10.0.0.2", 40000)  # the reverse proxy in front of both replicas
SPRAYER, OWNER, NEIGHBOUR = "203.0.113.7", "198.51.100.20", "203.0.113.8"
ACCOUNTS = 25
ROUNDS = 4  # 100 guesses, never more than 4 per account: no account lockout


@pytest.fixture(params=STORES)
def replicas(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[FrozenClock, list[Authgate]]]:
    clock = FrozenClock()
    with throttled_services(
        request.param, tmp_path, clock, replicas=2, trusted_proxies=["10.0.0.0/8"]
    ) as made:
        for i in range(ACCOUNTS):
            made[0].accounts.register(f"user{i:02d}", f"the password of user {i}")
        yield clock, made


def _login(client: TestClient, address: str, username: str, password: str) -> httpx.Response:
    return client.post(
        LOGIN,
        json={"username": username, "password": password},
        headers={"X-Forwarded-For": address},
    )


def test_the_default_budget_is_20_failures_per_10_minutes() -> None:
    settings = AuthgateSettings()
    assert settings.client_failure_limit == 20
    assert settings.client_failure_window == timedelta(minutes=10)


def test_spraying_is_refused_past_the_budget_on_every_replica(
    replicas: tuple[FrozenClock, list[Authgate]], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock, (first, second) = replicas
    limit = first.settings.client_failure_limit
    hashes = count_hashes(first, monkeypatch)
    hashes_second = count_hashes(second, monkeypatch)
    with (
        TestClient(create_api(first), client=PROXY) as one,
        TestClient(create_api(second), client=PROXY) as two,
    ):
        answers = [
            _login((one, two)[n % 2], SPRAYER, f"user{n % ACCOUNTS:02d}", f"guess {n}")
            for n in range(ACCOUNTS * ROUNDS)
        ]
        statuses = [answer.status_code for answer in answers]
        assert statuses == [401] * limit + [429] * (ACCOUNTS * ROUNDS - limit)
        refused = answers[-1]
        assert refused.json()["detail"]["code"] == "too_many_attempts"
        assert "network" in refused.json()["detail"]["message"]
        assert 0 < int(refused.headers["Retry-After"]) <= 600
        assert len(hashes) + len(hashes_second) == limit  # refusals never reach the hash

        # The sprayed accounts' owners, and other addresses, are not affected.
        assert _login(two, OWNER, "user03", "the password of user 3").status_code == 200
        assert _login(one, NEIGHBOUR, "user04", "a wrong guess").status_code == 401
        assert _login(one, NEIGHBOUR, "user04", "the password of user 4").status_code == 200
        # Even a right password waits out the address's window; a forged header
        # from the sprayer itself (not a trusted proxy) changes nothing.
        assert _login(one, SPRAYER, "user05", "the password of user 5").status_code == 429
        with TestClient(create_api(first), client=(SPRAYER, 40001)) as direct:
            assert _login(direct, "192.0.2.99", "user06", "guess").status_code == 429

        clock.advance(minutes=10, seconds=1)
        assert _login(two, SPRAYER, "user05", "the password of user 5").status_code == 200


def test_only_failures_spend_the_budget(
    replicas: tuple[FrozenClock, list[Authgate]],
) -> None:
    """Many right logins from one busy address (an office) never reach the limit."""
    _, (first, _second) = replicas
    limit = first.settings.client_failure_limit
    with TestClient(create_api(first), client=PROXY) as client:
        for n in range(limit - 1):
            assert _login(client, SPRAYER, f"user{n:02d}", "typo").status_code == 401
        for n in range(limit + 5):
            right = f"the password of user {n % ACCOUNTS}"
            assert _login(client, SPRAYER, f"user{n % ACCOUNTS:02d}", right).status_code == 200
        assert _login(client, SPRAYER, "user00", "typo").status_code == 401  # the 20th failure
        assert _login(client, SPRAYER, "user01", "typo").status_code == 429
