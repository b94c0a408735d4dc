"""The gate's one-request login: ``/session/login`` and ``/session/login/mfa``.

A remote gate needs, after a login, the session (for the tab), a token pair
(to act for the user) and a cookie ticket (for the browser): one answer gives
all three. Failures are exactly those of ``/login`` and ``/login/mfa``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, make_settings
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.core.clock import FrozenClock
from authgate.root import Authgate

STEP = timedelta(seconds=30)


def _gate_login(client: TestClient, username: str = "alice", **extra: Any) -> Any:
    body = {"username": username, "password": PASSWORD, **extra}
    return client.post(f"{PREFIX}/session/login", json=body)


def _redeem(client: TestClient, ticket: str) -> Any:
    return client.post(f"{PREFIX}/session-tickets/redeem", json={"ticket": ticket})


def test_one_answer_gives_session_pair_and_ticket(
    client: TestClient, service: Authgate, alice: int
) -> None:
    answer = _gate_login(client, remember=False)
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["user"]["id"] == alice and body["user"]["username"] == "alice"
    assert body["session"]["current"] is True and body["session"]["remember"] is False
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    assert 0 < body["refresh_token_expires_in"] <= 12 * 3600  # bounded by the session
    assert body["mfa_enrollment_required"] is False
    # The pair is the session's: the revalidation the gate makes sees the same one.
    state = client.get(f"{PREFIX}/session", headers=bearer(body["access_token"]))
    assert state.json()["session"]["id"] == body["session"]["id"]
    # The ticket puts that session in the cookie, once.
    redeemed = _redeem(client, body["cookie_ticket"])
    assert redeemed.status_code == 200, redeemed.text
    assert redeemed.json()["session"]["id"] == body["session"]["id"]
    assert service.sessions.validate(redeemed.json()["session_token"]).user.id == alice
    assert_error(_redeem(client, body["cookie_ticket"]), 401, "token_reused")
    refreshed = client.post(f"{PREFIX}/refresh", json={"refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 200


def test_it_is_audited_as_a_login(client: TestClient, service: Authgate, alice: int) -> None:
    before = client.post(f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD})
    assert before.status_code == 200
    assert _gate_login(client).status_code == 200
    events = [e.event_type for e in service.audit.list(user_id=alice)]
    assert events.count("login.succeeded") == 2


def test_failures_are_those_of_login(client: TestClient, alice: int) -> None:
    wrong = client.post(
        f"{PREFIX}/session/login", json={"username": "alice", "password": "not it at all"}
    )
    assert_error(wrong, 401, "invalid_credentials")
    unknown = _gate_login(client, "nobody")
    assert_error(unknown, 401, "invalid_credentials")
    assert wrong.json()["detail"]["message"] == unknown.json()["detail"]["message"]
    for body in ({}, {"username": "alice"}, {"username": "", "password": "x"}):
        assert_error(client.post(f"{PREFIX}/session/login", json=body), 422, "invalid_input")


def test_an_mfa_login_takes_one_more_request(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    headers = bearer(client.post(f"{PREFIX}/login", json=_credentials()).json()["access_token"])
    secret = client.post(f"{PREFIX}/mfa/enroll", headers=headers).json()["secret"]
    code = pyotp.TOTP(secret).at(clock.now())
    confirmed = client.post(f"{PREFIX}/mfa/enroll/confirm", json={"code": code}, headers=headers)
    assert confirmed.status_code == 200, confirmed.text
    clock.advance(STEP)

    first = _gate_login(client)
    detail = assert_error(first, 401, "mfa_required")
    assert detail["mfa_ticket"] and detail["mfa_ticket_expires_in"] == 300
    assert first.headers["cache-control"] == "no-store"
    step = f"{PREFIX}/session/login/mfa"
    bad = client.post(step, json={"ticket": detail["mfa_ticket"], "code": "000000"})
    assert_error(bad, 401, "mfa_invalid_code")
    good = {"ticket": detail["mfa_ticket"], "code": pyotp.TOTP(secret).at(clock.now())}
    answer = client.post(step, json=good)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["session"]["mfa"] is True and body["user"]["mfa_enabled"] is True
    assert _redeem(client, body["cookie_ticket"]).status_code == 200
    assert_error(client.post(step, json=good), 401, "token_reused")
    assert_error(client.post(step, json={"ticket": "", "code": "1"}), 422, "invalid_input")


def _credentials(username: str = "alice") -> dict[str, str]:
    return {"username": username, "password": PASSWORD}


@pytest.fixture
def strict(tmp_path: Path, clock: FrozenClock) -> Iterator[TestClient]:
    """An app whose admins must use MFA, with root (an admin, not enrolled) and plain."""
    auth = Authgate.from_settings(
        make_settings(tmp_path, mfa_required_roles=("admin",)), clock=clock
    )
    auth.accounts.register("root", PASSWORD, roles=["user", "admin"], actor_id=0)
    auth.accounts.register("plain", PASSWORD)
    with TestClient(create_api(auth), raise_server_exceptions=False) as client:
        yield client
    auth.close()


@pytest.mark.parametrize(("username", "required"), [("root", True), ("plain", False)])
def test_every_session_answer_carries_the_servers_mfa_rule(
    strict: TestClient, username: str, required: bool
) -> None:
    login = _gate_login(strict, username).json()
    assert login["mfa_enrollment_required"] is required
    state = strict.get(f"{PREFIX}/session", headers=bearer(login["access_token"])).json()
    assert state["mfa_enrollment_required"] is required
    redeemed = _redeem(strict, login["cookie_ticket"]).json()
    assert redeemed["mfa_enrollment_required"] is required
    resolved = strict.post(
        f"{PREFIX}/session/resolve", json={"session_token": redeemed["session_token"]}
    ).json()
    assert resolved["mfa_enrollment_required"] is required
