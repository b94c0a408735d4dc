"""Register, me and password change over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login, make_settings
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.core.clock import FrozenClock
from authgate.root import Authgate

NEW_PASSWORD = "a different long passphrase"


def test_register_creates_an_account(client: TestClient, service: Authgate) -> None:
    body = {
        "username": "Bob",
        "password": PASSWORD,
        "email": "bob@example.com",
        "display_name": "Bob B.",
    }
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["username"] == "Bob" and user["roles"] == ["user"]
    assert user["email"] == "bob@example.com" and user["display_name"] == "Bob B."
    assert service.audit.list(event_type="user.registered")
    assert login(client, "bob")["user"]["id"] == user["id"]


def test_register_conflicts_are_409(client: TestClient, alice: int) -> None:
    taken = client.post(f"{PREFIX}/register", json={"username": "ALICE", "password": PASSWORD})
    assert_error(taken, 409, "username_taken")
    body = {"username": "alice2", "password": PASSWORD, "email": "alice@example.com"}
    assert_error(client.post(f"{PREFIX}/register", json=body), 409, "email_taken")


def test_weak_password_lists_every_reason(client: TestClient) -> None:
    response = client.post(f"{PREFIX}/register", json={"username": "carol", "password": "carol"})
    detail = assert_error(response, 422, "weak_password")
    assert detail["errors"] and all(e["loc"] == ["body", "password"] for e in detail["errors"])
    assert all(e["code"] and e["message"] for e in detail["errors"])


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"username": "no spaces allowed", "password": PASSWORD}, "invalid_username"),
        ({"username": "dave", "password": PASSWORD, "email": "not-an-email"}, "invalid_email"),
        ({"username": "dave"}, "invalid_input"),
        ({"username": "d" * 65, "password": PASSWORD}, "invalid_input"),
    ],
)
def test_invalid_registrations_are_422(
    client: TestClient, body: dict[str, object], code: str
) -> None:
    assert_error(client.post(f"{PREFIX}/register", json=body), 422, code)


def test_closed_registration_is_403(tmp_path: Path) -> None:
    service = Authgate.from_settings(make_settings(tmp_path, allow_registration=False))
    app = create_api(service)
    with TestClient(app) as client:
        response = client.post(f"{PREFIX}/register", json={"username": "eve", "password": PASSWORD})
    assert_error(response, 403, "registration_closed")


def test_me_is_the_current_user(client: TestClient, service: Authgate, alice: int) -> None:
    pair = login(client)
    service.accounts.set_roles(alice, ["user", "editor"])
    me = client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200
    assert me.json()["roles"] == ["editor", "user"], "roles come from the store, not the token"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic YTpi"},
        {"Authorization": "Bearer not.a.jwt"},
    ],
)
def test_me_without_a_valid_token_is_401(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get(f"{PREFIX}/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["detail"]["code"] in {"not_authenticated", "invalid_token"}


def test_me_with_an_expired_token_is_401(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    pair = login(client)
    clock.advance(minutes=15)
    response = client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"]))
    assert_error(response, 401, "token_expired")
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_me_after_the_account_is_disabled_is_401(
    client: TestClient, service: Authgate, alice: int
) -> None:
    pair = login(client)
    service.accounts.set_active(alice, False)
    response = client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"]))
    assert response.status_code == 401


def test_password_change_keeps_this_session_and_ends_the_others(
    client: TestClient, alice: int
) -> None:
    here, elsewhere = login(client), login(client)
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = client.post(f"{PREFIX}/password", json=body, headers=bearer(here["access_token"]))
    assert response.status_code == 200, response.text
    assert response.json() == {"sessions_ended": 1}
    assert client.get(f"{PREFIX}/me", headers=bearer(here["access_token"])).status_code == 200
    gone = client.get(f"{PREFIX}/me", headers=bearer(elsewhere["access_token"]))
    assert gone.status_code == 401
    assert login(client, "alice", NEW_PASSWORD)["user"]["id"] == alice


def test_password_change_errors(client: TestClient, alice: int) -> None:
    auth = bearer(login(client)["access_token"])
    wrong = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    assert_error(
        client.post(f"{PREFIX}/password", json=wrong, headers=auth), 401, "invalid_credentials"
    )
    weak = {"current_password": PASSWORD, "new_password": "short"}
    assert_error(client.post(f"{PREFIX}/password", json=weak, headers=auth), 422, "weak_password")
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert_error(client.post(f"{PREFIX}/password", json=body), 401, "not_authenticated")
    assert_error(client.post(f"{PREFIX}/password", json={}, headers=auth), 422, "invalid_input")
