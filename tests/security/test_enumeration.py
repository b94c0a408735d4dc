"""No account enumeration by status, body or headers (the probe's checks, kept).

Timing is the benchmarks' business (``benchmarks/bench_forgot_timing.py`` for
the "forgot" routes; the login's unknown-user hash is tested in
``tests/core/test_login_password.py::test_unknown_user_costs_one_hash``).
Here: the answers for an existing and a missing account are the same,
byte for byte apart from the date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.root import Authgate

PASSWORD = "correct horse battery staple"
PREFIX = "/api/auth"


@pytest.fixture
def client(service_factory: Callable[..., Authgate], tmp_path: Path) -> Iterator[TestClient]:
    auth = service_factory(mail_dir=tmp_path / "mail")
    auth.accounts.register("alice", PASSWORD, email="alice@example.com", actor_id=0)
    with TestClient(create_api(auth), raise_server_exceptions=False) as test_client:
        yield test_client


def _shape(answer: Any) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = sorted(
        (k, v) for k, v in answer.headers.items() if k not in {"date", "content-length"}
    )
    return answer.status_code, answer.content, headers


@pytest.mark.parametrize(
    ("path", "known", "unknown"),
    [
        (
            "/login",
            {"username": "alice", "password": "wrong password 1"},
            {"username": "nobody", "password": "wrong password 1"},
        ),
        (
            "/login",
            {"username": "alice@example.com", "password": "x"},
            {"username": "nobody@example.com", "password": "x"},
        ),
        ("/password/forgot", {"login": "alice"}, {"login": "nobody"}),
        ("/password/forgot", {"login": "alice@example.com"}, {"login": "nobody@example.com"}),
        ("/username/forgot", {"email": "alice@example.com"}, {"email": "nobody@example.com"}),
    ],
)
def test_known_and_unknown_accounts_get_the_same_answer(
    client: TestClient, path: str, known: dict[str, str], unknown: dict[str, str]
) -> None:
    first = client.post(PREFIX + path, json=known)
    second = client.post(PREFIX + path, json=unknown)
    assert first.status_code in {202, 401}
    assert _shape(first) == _shape(second)


def test_the_oauth_password_grant_answers_alike(client: TestClient) -> None:
    def grant(username: str) -> Any:
        form = {"grant_type": "password", "username": username, "password": "wrong password 1"}
        return client.post(f"{PREFIX}/token", data=form)

    assert _shape(grant("alice")) == _shape(grant("nobody"))
