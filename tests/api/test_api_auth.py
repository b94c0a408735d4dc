"""The token endpoints over HTTP: login (JSON and form), refresh, logout, verify."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login
from fastapi.testclient import TestClient

from authgate.core.clock import FrozenClock
from authgate.root import Authgate


def test_login_returns_a_token_pair(client: TestClient, alice: int) -> None:
    response = client.post(f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["refresh_token_expires_in"] == 7 * 24 * 3600
    assert body["user"]["username"] == "alice" and body["user"]["roles"] == ["user"]
    assert PASSWORD not in response.text and "$argon2" not in response.text


def test_login_by_email(client: TestClient, alice: int) -> None:
    assert login(client, "ALICE@example.com")["user"]["id"] == alice


def test_login_without_remember_is_bounded_by_the_session(client: TestClient, alice: int) -> None:
    body = {"username": "alice", "password": PASSWORD, "remember": False}
    response = client.post(f"{PREFIX}/login", json=body)
    assert response.json()["refresh_token_expires_in"] == 12 * 3600


def test_oauth2_password_form(client: TestClient, alice: int) -> None:
    form = {"grant_type": "password", "username": "alice", "password": PASSWORD}
    response = client.post(f"{PREFIX}/token", data=form)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert client.get(f"{PREFIX}/me", headers=bearer(token)).json()["id"] == alice


def test_openapi_declares_the_password_flow(client: TestClient) -> None:
    schema = client.get(f"{PREFIX}/openapi.json").json()
    flows = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == f"{PREFIX}/token"
    assert client.get(f"{PREFIX}/docs").status_code == 200


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password!"), ("nobody", PASSWORD)]
)
def test_wrong_credentials_do_not_say_which(
    client: TestClient, alice: int, username: str, password: str
) -> None:
    response = client.post(f"{PREFIX}/login", json={"username": username, "password": password})
    detail = assert_error(response, 401, "invalid_credentials")
    assert response.headers["www-authenticate"] == "Bearer"
    assert detail["message"] == "Incorrect username or password."


def test_lockout_is_429_with_retry_after(client: TestClient, alice: int) -> None:
    bad = {"username": "alice", "password": "wrong password!"}
    statuses = [client.post(f"{PREFIX}/login", json=bad).status_code for _ in range(5)]
    assert set(statuses) <= {401, 429}
    response = client.post(f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD})
    assert_error(response, 429, "account_locked")
    assert int(response.headers["retry-after"]) >= 1


def test_disabled_account_is_403(client: TestClient, service: Authgate, alice: int) -> None:
    service.accounts.set_active(alice, False)
    response = client.post(f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD})
    assert_error(response, 403, "account_disabled")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "alice"},
        {"username": "", "password": "x"},
        {"username": "alice", "password": ""},
        {"username": "a" * 400, "password": "x"},
        {"username": "alice", "password": "x" * 5000},
        {"username": 5, "password": ["x"]},
        {"username": "alice", "password": PASSWORD, "remember": "perhaps"},
    ],
)
def test_malformed_login_is_422_in_the_error_shape(
    client: TestClient, body: dict[str, object]
) -> None:
    detail = assert_error(client.post(f"{PREFIX}/login", json=body), 422, "invalid_input")
    assert detail["errors"] and all({"loc", "code", "message"} <= set(e) for e in detail["errors"])


@pytest.mark.parametrize(
    ("content", "content_type"),
    [("{not json", "application/json"), ("null", "application/json"), ("", "text/plain")],
)
def test_unparseable_bodies_are_422(client: TestClient, content: str, content_type: str) -> None:
    response = client.post(
        f"{PREFIX}/login", content=content, headers={"content-type": content_type}
    )
    assert_error(response, 422, "invalid_input")


def test_refresh_returns_a_new_pair(client: TestClient, alice: int) -> None:
    first = login(client)
    response = client.post(f"{PREFIX}/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get(f"{PREFIX}/me", headers=bearer(second["access_token"])).status_code == 200


def test_answers_with_secrets_are_never_cached(client: TestClient, alice: int) -> None:
    pair = login(client)
    refreshed = client.post(f"{PREFIX}/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.headers["cache-control"] == "no-store"
    assert refreshed.headers["pragma"] == "no-cache"
    # An error carries no secret, and its own headers only.
    failed = client.post(f"{PREFIX}/refresh", json={"refresh_token": pair["refresh_token"]})
    assert failed.status_code == 401
    assert "cache-control" not in failed.headers and "pragma" not in failed.headers


def test_refresh_reuse_is_401_and_ends_the_session(client: TestClient, alice: int) -> None:
    first = login(client)
    second = client.post(f"{PREFIX}/refresh", json={"refresh_token": first["refresh_token"]})
    reused = client.post(f"{PREFIX}/refresh", json={"refresh_token": first["refresh_token"]})
    assert_error(reused, 401, "token_reused")
    assert reused.headers["www-authenticate"].startswith("Bearer")
    me = client.get(f"{PREFIX}/me", headers=bearer(second.json()["access_token"]))
    assert_error(me, 401, "not_authenticated")


@pytest.mark.parametrize("body", [{}, {"refresh_token": ""}, {"refresh_token": 3}])
def test_malformed_refresh_is_422(client: TestClient, body: dict[str, object]) -> None:
    assert_error(client.post(f"{PREFIX}/refresh", json=body), 422, "invalid_input")


def test_unknown_refresh_token_is_401(client: TestClient) -> None:
    response = client.post(f"{PREFIX}/refresh", json={"refresh_token": "made-up"})
    assert_error(response, 401, "invalid_token")
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_expired_refresh_token_is_401(client: TestClient, clock: FrozenClock, alice: int) -> None:
    pair = login(client)
    clock.advance(days=7, seconds=1)
    response = client.post(f"{PREFIX}/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_error(response, 401, "token_expired")


def test_logout_with_refresh_token(client: TestClient, alice: int) -> None:
    pair = login(client)
    response = client.post(f"{PREFIX}/logout", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 204
    assert_error(
        client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"])), 401, "not_authenticated"
    )
    again = client.post(f"{PREFIX}/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_error(again, 401, "invalid_token")
    twice = client.post(f"{PREFIX}/logout", json={"refresh_token": pair["refresh_token"]})
    assert twice.status_code == 204, "logging out twice is not an error"


def test_logout_with_access_token(client: TestClient, alice: int) -> None:
    pair = login(client)
    response = client.post(f"{PREFIX}/logout", headers=bearer(pair["access_token"]))
    assert response.status_code == 204
    refresh = client.post(f"{PREFIX}/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_error(refresh, 401, "invalid_token")


def test_logout_needs_a_credential(client: TestClient) -> None:
    assert_error(client.post(f"{PREFIX}/logout"), 401, "not_authenticated")
    assert_error(client.post(f"{PREFIX}/logout", json={}), 401, "not_authenticated")
    assert_error(client.post(f"{PREFIX}/logout", headers=bearer("junk")), 401, "invalid_token")


def test_verify_reports_claims_and_user(client: TestClient, alice: int) -> None:
    pair = login(client)
    response = client.post(f"{PREFIX}/verify", json={"token": pair["access_token"]})
    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True
    assert body["claims"]["sub"] == str(alice) and body["claims"]["amr"] == ["pwd"]
    assert body["claims"]["exp"] - body["claims"]["iat"] == 900
    assert body["user"]["username"] == "alice"


def test_verify_rejects_tokens_of_a_revoked_session(client: TestClient, alice: int) -> None:
    pair = login(client)
    client.post(f"{PREFIX}/logout", json={"refresh_token": pair["refresh_token"]})
    response = client.post(f"{PREFIX}/verify", json={"token": pair["access_token"]})
    assert_error(response, 401, "not_authenticated")


def test_verify_rejects_expired_and_garbage(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    pair = login(client)
    assert_error(client.post(f"{PREFIX}/verify", json={"token": "abc"}), 401, "invalid_token")
    assert_error(client.post(f"{PREFIX}/verify", json={}), 422, "invalid_input")
    clock.advance(timedelta(minutes=15))
    response = client.post(f"{PREFIX}/verify", json={"token": pair["access_token"]})
    assert_error(response, 401, "token_expired")


def test_undecodable_body_is_422(client: TestClient) -> None:
    response = client.post(
        f"{PREFIX}/login", content=b"\n!\xd2\x95\x00(", headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "invalid_input")
