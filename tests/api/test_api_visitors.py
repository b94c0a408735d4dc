"""Anonymous visitors over HTTP: start, resolve, tickets, and the hand-off at register and login."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from api_support import PASSWORD, PREFIX, assert_error, make_settings
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.core.clock import FrozenClock
from authgate.root import Authgate


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, visitor_id: str, user_id: int) -> None:
        self.calls.append((visitor_id, user_id))


@pytest.fixture
def hook(service: Authgate) -> Recorder:
    recorder = Recorder()
    service.visitors.handoff = recorder
    return recorder


def start(client: TestClient) -> dict[str, str]:
    response = client.post(f"{PREFIX}/visitors")
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, str] = response.json()
    return body


def test_a_visitor_gets_a_random_id_and_a_token(client: TestClient) -> None:
    first, second = start(client), start(client)
    assert len(first["visitor_id"]) == 32 and first["visitor_id"] != second["visitor_id"]
    assert first["visitor_token"] != second["visitor_token"] and first["expires_at"]
    resolved = client.post(
        f"{PREFIX}/visitors/resolve", json={"visitor_token": first["visitor_token"]}
    )
    assert resolved.status_code == 200 and resolved.json()["visitor_id"] == first["visitor_id"]
    assert "visitor_token" not in resolved.json()


@pytest.mark.parametrize(
    "body", [{}, {"visitor_token": ""}, {"visitor_token": "x" * 513}, {"visitor_token": 5}]
)
def test_resolve_refuses_bad_input_with_422(client: TestClient, body: object) -> None:
    assert client.post(f"{PREFIX}/visitors/resolve", json=body).status_code == 422


def test_an_unknown_visitor_is_401(client: TestClient) -> None:
    unknown = client.post(f"{PREFIX}/visitors/resolve", json={"visitor_token": "nobody"})
    assert_error(unknown, 401, "not_authenticated")
    ticket = client.post(f"{PREFIX}/visitor-tickets", json={"visitor_token": "nobody"})
    assert_error(ticket, 401, "invalid_token")
    redeem = client.post(f"{PREFIX}/visitor-tickets/redeem", json={"ticket": "nothing"})
    assert_error(redeem, 401, "invalid_token")


def test_a_ticket_redeems_once_to_the_visitor_token(client: TestClient) -> None:
    visitor = start(client)
    issued = client.post(
        f"{PREFIX}/visitor-tickets", json={"visitor_token": visitor["visitor_token"]}
    )
    assert issued.status_code == 201
    ticket = issued.json()["ticket"]
    redeemed = client.post(f"{PREFIX}/visitor-tickets/redeem", json={"ticket": ticket})
    assert redeemed.status_code == 200
    assert redeemed.json()["visitor_token"] == visitor["visitor_token"]
    again = client.post(f"{PREFIX}/visitor-tickets/redeem", json={"ticket": ticket})
    assert_error(again, 401, "token_reused")


def test_starting_visitors_is_rate_limited_per_client(tmp_path: Path, clock: FrozenClock) -> None:
    auth = Authgate.from_settings(make_settings(tmp_path, visitor_rate_limit=2), clock=clock)
    try:
        with TestClient(create_api(auth)) as client:
            start(client)
            start(client)
            assert_error(client.post(f"{PREFIX}/visitors"), 429, "too_many_visitors")
    finally:
        auth.close()


def test_register_with_a_visitor_token_hands_the_visitor_over(
    client: TestClient, hook: Recorder
) -> None:
    visitor = start(client)
    body = {"username": "bob", "password": PASSWORD, "visitor_token": visitor["visitor_token"]}
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.status_code == 201, response.text
    assert hook.calls == [(visitor["visitor_id"], response.json()["id"])]
    gone = client.post(
        f"{PREFIX}/visitors/resolve", json={"visitor_token": visitor["visitor_token"]}
    )
    assert gone.status_code == 401


def test_register_with_an_unknown_visitor_token_still_registers(
    client: TestClient, hook: Recorder
) -> None:
    body = {"username": "bob", "password": PASSWORD, "visitor_token": "stale"}
    assert client.post(f"{PREFIX}/register", json=body).status_code == 201
    assert hook.calls == []


def test_login_and_gate_login_hand_the_visitor_over(
    client: TestClient, hook: Recorder, alice: int
) -> None:
    for path in ("/login", "/session/login"):
        visitor = start(client)
        body = {
            "username": "alice",
            "password": PASSWORD,
            "visitor_token": visitor["visitor_token"],
        }
        response = client.post(f"{PREFIX}{path}", json=body)
        assert response.status_code == 200, response.text
        assert hook.calls[-1] == (visitor["visitor_id"], alice)
    assert len(hook.calls) == 2


def test_the_mfa_step_hands_the_visitor_over(
    client: TestClient, hook: Recorder, service: Authgate, clock: FrozenClock, alice: int
) -> None:
    secret = service.mfa.begin_enrollment(alice).secret
    service.mfa.confirm_enrollment(alice, pyotp.TOTP(secret).at(clock.now()))
    clock.advance(seconds=30)
    visitor = start(client)
    body = {"username": "alice", "password": PASSWORD, "visitor_token": visitor["visitor_token"]}
    first = client.post(f"{PREFIX}/login", json=body)
    assert first.status_code == 401 and hook.calls == []
    ticket = first.json()["detail"]["mfa_ticket"]
    second = client.post(
        f"{PREFIX}/login/mfa",
        json={
            "ticket": ticket,
            "code": pyotp.TOTP(secret).at(clock.now()),
            "visitor_token": visitor["visitor_token"],
        },
    )
    assert second.status_code == 200, second.text
    assert hook.calls == [(visitor["visitor_id"], alice)]
