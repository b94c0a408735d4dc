"""The endpoints a remote Streamlit gate uses: tickets, session resolution, account, admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login
from fastapi.testclient import TestClient

from authgate.core.clock import FrozenClock
from authgate.root import Authgate


def _ticket(client: TestClient, access_token: str) -> str:
    response = client.post(f"{PREFIX}/session-tickets", headers=bearer(access_token))
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    ticket: str = response.json()["ticket"]
    return ticket


def _redeem(client: TestClient, ticket: str) -> Any:
    return client.post(f"{PREFIX}/session-tickets/redeem", json={"ticket": ticket})


def _sid(client: TestClient, access_token: str) -> str:
    sid: str = client.post(f"{PREFIX}/verify", json={"token": access_token}).json()["claims"]["sid"]
    return sid


def _session_token(client: TestClient) -> tuple[dict[str, Any], str]:
    """Log in and take the session through a ticket, as the gate does: (pair, cookie token)."""
    pair = login(client)
    answer = _redeem(client, _ticket(client, pair["access_token"]))
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["session_token"]
    return pair, token


# -- tickets -------------------------------------------------------------------


def test_ticket_redeems_once_for_the_session_of_the_token(
    client: TestClient, service: Authgate, alice: int
) -> None:
    pair = login(client)
    ticket = _ticket(client, pair["access_token"])
    answer = _redeem(client, ticket)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["user"]["username"] == "alice"
    assert body["session"]["id"] == _sid(client, pair["access_token"])
    assert service.sessions.validate(body["session_token"]).user.id == alice
    assert_error(_redeem(client, ticket), 401, "token_reused")


def test_ticket_expires(client: TestClient, clock: FrozenClock, alice: int) -> None:
    pair = login(client)
    ticket = _ticket(client, pair["access_token"])
    clock.advance(timedelta(seconds=61))
    assert_error(_redeem(client, ticket), 401, "token_expired")


def test_ticket_needs_a_bearer_token(client: TestClient) -> None:
    response = client.post(f"{PREFIX}/session-tickets")
    assert_error(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    bad = client.post(f"{PREFIX}/session-tickets", headers=bearer("not-a-jwt"))
    assert_error(bad, 401, "invalid_token")


def test_ticket_of_a_logged_out_session_is_refused(client: TestClient, alice: int) -> None:
    pair = login(client)
    ticket = _ticket(client, pair["access_token"])
    client.post(f"{PREFIX}/logout", json={"refresh_token": pair["refresh_token"]})
    assert _redeem(client, ticket).status_code == 401


@pytest.mark.parametrize("body", [{}, {"ticket": ""}, {"ticket": "x" * 513}, {"ticket": 5}])
def test_redeem_refuses_malformed_bodies(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(f"{PREFIX}/session-tickets/redeem", json=body)
    assert_error(response, 422, "invalid_input")


def test_redeem_refuses_unknown_tickets(client: TestClient) -> None:
    assert_error(_redeem(client, "no-such-ticket"), 401, "invalid_token")


# -- resolving a session token -----------------------------------------------------


def test_resolve_gives_a_pair_for_the_same_session(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    pair, token = _session_token(client)
    clock.advance(timedelta(minutes=1))
    response = client.post(f"{PREFIX}/session/resolve", json={"session_token": token})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert 0 < body["refresh_token_expires_in"] <= 7 * 24 * 3600
    assert body["user"]["username"] == "alice"
    assert body["session"]["id"] == _sid(client, pair["access_token"])
    assert _sid(client, body["access_token"]) == body["session"]["id"]
    assert body["session"]["last_seen_at"] > pair["user"]["created_at"]
    refreshed = client.post(f"{PREFIX}/refresh", json={"refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 200


def test_resolve_refuses_dead_and_unknown_tokens(client: TestClient, alice: int) -> None:
    pair, token = _session_token(client)
    assert_error(
        client.post(f"{PREFIX}/session/resolve", json={"session_token": "nope"}),
        401,
        "not_authenticated",
    )
    client.post(f"{PREFIX}/logout", headers=bearer(pair["access_token"]))
    assert_error(
        client.post(f"{PREFIX}/session/resolve", json={"session_token": token}),
        401,
        "not_authenticated",
    )


def test_resolve_respects_the_idle_timeout(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    response = client.post(
        f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD, "remember": False}
    )
    access = response.json()["access_token"]
    token = _redeem(client, _ticket(client, access)).json()["session_token"]
    clock.advance(timedelta(minutes=31))
    assert_error(
        client.post(f"{PREFIX}/session/resolve", json={"session_token": token}),
        401,
        "session_expired",
    )


def test_resolve_refuses_a_disabled_account(
    client: TestClient, service: Authgate, alice: int
) -> None:
    _, token = _session_token(client)
    service.accounts.set_active(alice, False)  # ends the user's sessions as well
    response = client.post(f"{PREFIX}/session/resolve", json={"session_token": token})
    assert response.status_code == 401
    assert response.json()["detail"]["code"] in {"not_authenticated", "session_revoked"}


@pytest.mark.parametrize("body", [{}, {"session_token": ""}, {"session_token": "y" * 600}])
def test_resolve_refuses_malformed_bodies(client: TestClient, body: dict[str, Any]) -> None:
    assert_error(client.post(f"{PREFIX}/session/resolve", json=body), 422, "invalid_input")


# -- GET /session ------------------------------------------------------------------


def test_session_state_slides_the_idle_timeout(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    pair = client.post(
        f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD, "remember": False}
    ).json()
    before = client.get(f"{PREFIX}/session", headers=bearer(pair["access_token"])).json()
    clock.advance(timedelta(minutes=5))
    after = client.get(f"{PREFIX}/session", headers=bearer(pair["access_token"]))
    assert after.status_code == 200
    body = after.json()
    assert body["user"]["id"] == alice
    assert body["session"]["current"] is True
    assert body["session"]["expires_at"] > before["session"]["expires_at"]


def test_session_state_sees_a_logout_at_once(client: TestClient, alice: int) -> None:
    pair = login(client)
    assert client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"])).status_code == 200
    client.post(f"{PREFIX}/logout", json={"refresh_token": pair["refresh_token"]})
    response = client.get(f"{PREFIX}/session", headers=bearer(pair["access_token"]))
    assert_error(response, 401, "not_authenticated")


def test_session_state_needs_a_valid_token(client: TestClient, clock: FrozenClock) -> None:
    assert_error(client.get(f"{PREFIX}/session"), 401, "not_authenticated")
    assert_error(client.get(f"{PREFIX}/session", headers=bearer("x.y.z")), 401, "invalid_token")


def test_session_state_refuses_an_expired_token(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    pair = login(client)
    clock.advance(timedelta(minutes=16))
    response = client.get(f"{PREFIX}/session", headers=bearer(pair["access_token"]))
    assert_error(response, 401, "token_expired")


# -- account endpoints ---------------------------------------------------------------


def test_revoke_others_keeps_this_session(client: TestClient, alice: int) -> None:
    other, keep = login(client), login(client)
    response = client.post(f"{PREFIX}/sessions/revoke-others", headers=bearer(keep["access_token"]))
    assert response.status_code == 200
    assert response.json() == {"ended": 1}
    assert client.get(f"{PREFIX}/session", headers=bearer(other["access_token"])).status_code == 401
    assert client.get(f"{PREFIX}/session", headers=bearer(keep["access_token"])).status_code == 200
    assert_error(client.post(f"{PREFIX}/sessions/revoke-others"), 401, "not_authenticated")


def test_patch_me_changes_only_what_is_sent(client: TestClient, alice: int) -> None:
    headers = bearer(login(client)["access_token"])
    named = client.patch(f"{PREFIX}/me", json={"display_name": "  Alice   L. "}, headers=headers)
    assert named.status_code == 200, named.text
    assert named.json()["display_name"] == "Alice L."
    assert named.json()["email"] == "alice@example.com"
    cleared = client.patch(f"{PREFIX}/me", json={"email": None}, headers=headers)
    assert cleared.json()["email"] is None
    assert cleared.json()["display_name"] == "Alice L."
    unchanged = client.patch(f"{PREFIX}/me", json={}, headers=headers)
    assert unchanged.json()["display_name"] == "Alice L."


def test_patch_me_refuses_bad_and_taken_emails(
    client: TestClient, service: Authgate, alice: int
) -> None:
    service.accounts.register("bob", PASSWORD, email="bob@example.com")
    headers = bearer(login(client)["access_token"])
    taken = client.patch(f"{PREFIX}/me", json={"email": "BOB@example.com"}, headers=headers)
    assert_error(taken, 409, "email_taken")
    bad = client.patch(f"{PREFIX}/me", json={"email": "not an address"}, headers=headers)
    assert_error(bad, 422, "invalid_email")
    long = client.patch(f"{PREFIX}/me", json={"display_name": "x" * 129}, headers=headers)
    assert_error(long, 422, "invalid_input")
    assert_error(client.patch(f"{PREFIX}/me", json={"display_name": "x"}), 401, "not_authenticated")


def test_password_strength_needs_no_login(client: TestClient) -> None:
    weak = client.post(
        f"{PREFIX}/password/strength", json={"password": "alice2026", "username": "alice"}
    )
    assert weak.status_code == 200, weak.text
    strong = client.post(
        f"{PREFIX}/password/strength", json={"password": "violet-kayak-sextant-93-marmalade"}
    )
    assert weak.json()["score"] < strong.json()["score"] == 4
    assert set(weak.json()) == {"score", "warning", "suggestions", "crack_time_display"}
    empty = client.post(f"{PREFIX}/password/strength", json={"password": ""})
    assert empty.json()["score"] == 0


@pytest.mark.parametrize(
    "body", [{}, {"password": 12}, {"password": "x" * 4097}, {"password": "a", "email": "e" * 321}]
)
def test_password_strength_refuses_malformed_bodies(
    client: TestClient, body: dict[str, Any]
) -> None:
    assert_error(client.post(f"{PREFIX}/password/strength", json=body), 422, "invalid_input")
