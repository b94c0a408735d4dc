"""Two API replicas on one PostgreSQL: what one process changes, the other refuses within 1 s.

Each scenario caches the session on replica B first (a ``GET /me`` that
succeeds, so B's read cache holds it for its 5 s interval), then makes the
change elsewhere: on replica A, through the CLI in a process of its own, or
through nginx. The lag until B refuses is asserted below 1 s and printed
(``-s`` shows it). Without the invalidation channel B would accept the token
for up to 5 s: ``test_without_the_channel_the_interval_applies`` is the
control that shows the assertions can fail.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from replica_support import PASSWORD, PREFIX, bearer, cli, lag, login, me_status

from authgate.root import Authgate

pytestmark = [
    pytest.mark.serverdb,
    pytest.mark.slow,
    # PostgreSQL carries the news with LISTEN/NOTIFY; MariaDB with Redis pub/sub
    # (and there the lockout counts in Redis too), or alone with its counter row.
    pytest.mark.parametrize("replicas_env", ["postgresql", "mysql+redis", "mysql"], indirect=True),
]
STREAMLIT_REPLICAS = 0  # the API alone; tests/replicas/test_streamlit_replicas.py has the gate


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def _user(arranger: Authgate) -> str:
    name = "u" + uuid.uuid4().hex[:10]
    arranger.accounts.register(name, PASSWORD)
    return name


def _cached_on(client: httpx.Client, base: str, access_token: str) -> None:
    assert me_status(client, base, access_token) == 200
    assert me_status(client, base, access_token) == 200  # from the read cache now


def _refused_on(client: httpx.Client, base: str, access_token: str) -> Any:
    return lambda: me_status(client, base, access_token) == 401


def test_logout_on_one_replica_is_refused_by_the_other(
    topology: Any, arranger: Authgate, client: httpx.Client
) -> None:
    a, b = topology.api_urls
    pair = login(client, a, _user(arranger))
    _cached_on(client, b, pair["access_token"])
    answer = client.post(
        f"{a}{PREFIX}/logout",
        headers=bearer(pair["access_token"]),
        json={"refresh_token": pair["refresh_token"]},
    )
    assert answer.status_code == 204, answer.text
    seconds = lag(_refused_on(client, b, pair["access_token"]))
    print(f"logout on A refused by B after {seconds * 1000:.0f} ms")


def test_password_change_on_one_replica_ends_sessions_on_the_other(
    topology: Any, arranger: Authgate, client: httpx.Client
) -> None:
    a, b = topology.api_urls
    name = _user(arranger)
    kept = login(client, a, name)
    other = login(client, b, name)
    _cached_on(client, b, other["access_token"])
    answer = client.post(
        f"{a}{PREFIX}/password",
        headers=bearer(kept["access_token"]),
        json={"current_password": PASSWORD, "new_password": "another long passphrase 2026"},
    )
    assert answer.status_code == 200, answer.text
    seconds = lag(_refused_on(client, b, other["access_token"]))
    print(f"password change on A refused by B after {seconds * 1000:.0f} ms")
    assert me_status(client, b, kept["access_token"]) == 200, "the changing session stays"


def test_cli_disable_is_refused_by_both_replicas(
    topology: Any, arranger: Authgate, client: httpx.Client
) -> None:
    a, b = topology.api_urls
    name = _user(arranger)
    pair = login(client, a, name)
    for base in (a, b):
        _cached_on(client, base, pair["access_token"])
    cli(topology.env, "users", "disable", name)
    for base in (a, b):
        seconds = lag(_refused_on(client, base, pair["access_token"]))
        print(f"CLI users disable refused by {base} after {seconds * 1000:.0f} ms")


def test_lockout_counts_failures_made_on_both_replicas(
    topology: Any, arranger: Authgate, client: httpx.Client
) -> None:
    a, b = topology.api_urls
    name = _user(arranger)
    threshold = arranger.settings.lockout_threshold
    for attempt in range(threshold):
        base = (a, b)[attempt % 2]
        answer = client.post(
            f"{base}{PREFIX}/login", json={"username": name, "password": "wrong password 123"}
        )
        assert answer.status_code in {401, 429}, answer.text
    for base in (a, b):
        answer = client.post(f"{base}{PREFIX}/login", json={"username": name, "password": PASSWORD})
        assert answer.status_code == 429, f"{base}: {answer.text}"


def test_logout_through_nginx_is_refused_on_every_replica(
    topology: Any, arranger: Authgate, client: httpx.Client
) -> None:
    pair = login(client, topology.url, _user(arranger))
    for base in topology.api_urls:
        _cached_on(client, base, pair["access_token"])
    answer = client.post(
        f"{topology.url}{PREFIX}/logout",
        headers=bearer(pair["access_token"]),
        json={"refresh_token": pair["refresh_token"]},
    )
    assert answer.status_code == 204, answer.text
    for base in topology.api_urls:
        seconds = lag(_refused_on(client, base, pair["access_token"]))
        print(f"logout through nginx refused by {base} after {seconds * 1000:.0f} ms")
    assert me_status(client, topology.url, pair["access_token"]) == 401


def test_without_the_channel_the_interval_applies(
    topology: Any, arranger: Authgate, client: httpx.Client
) -> None:
    """The control: a change the channel never carries stays unseen by B inside 1 s."""
    a, b = topology.api_urls
    pair = login(client, a, _user(arranger))
    _cached_on(client, b, pair["access_token"])
    session_id = jwt.decode(pair["access_token"], options={"verify_signature": False})["sid"]
    with arranger.store.write() as repositories:  # a revocation that announces nothing
        assert repositories.sessions.delete(session_id) is not None
    with pytest.raises(AssertionError):
        lag(_refused_on(client, b, pair["access_token"]), timeout=1.0)
    if "AUTHGATE_REDIS_URL" in topology.env:  # Redis may lose news: the 5 s interval bounds it
        lag(_refused_on(client, b, pair["access_token"]), timeout=6.0)
    else:  # an exact channel carries every real revocation: kept up to the 5 min backstop
        time.sleep(5.5)
        assert me_status(client, b, pair["access_token"]) == 200


def test_cli_role_change_reaches_both_replicas(
    topology: Any, arranger: Authgate, client: httpx.Client
) -> None:
    """Not a revocation: the session lives on, but every replica must answer the new roles."""
    a, b = topology.api_urls
    name = _user(arranger)
    pair = login(client, a, name)
    for base in (a, b):
        _cached_on(client, base, pair["access_token"])
    cli(topology.env, "users", "set-roles", name, "user", "auditor")

    def roles_on(base: str) -> Any:
        def changed() -> bool:
            answer = client.get(f"{base}{PREFIX}/me", headers=bearer(pair["access_token"]))
            return "auditor" in answer.json()["roles"]

        return changed

    for base in (a, b):
        seconds = lag(roles_on(base))
        print(f"CLI set-roles seen by {base} after {seconds * 1000:.0f} ms")
