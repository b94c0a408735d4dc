"""The passkey endpoints: register, log in, list, remove, re-authenticate; bad input is 4xx."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login
from fastapi.testclient import TestClient

from authgate.core.clock import FrozenClock
from passkey_authenticator import SoftAuthenticator, b64url

P = f"{PREFIX}/passkeys"


def _register(
    client: TestClient, token: str, device: SoftAuthenticator, name: str = "Laptop"
) -> dict[str, Any]:
    options = client.post(f"{P}/register/options", headers=bearer(token))
    assert options.status_code == 200, options.text
    assert options.headers["cache-control"] == "no-store"
    body = options.json()
    assert body["options"]["authenticatorSelection"]["userVerification"] == "required"
    assert body["options"]["authenticatorSelection"]["residentKey"] == "required"
    assert body["options"]["attestation"] == "none"
    answer = device.create(body["options"])
    verified = client.post(
        f"{P}/register/verify",
        headers=bearer(token),
        json={"challenge_id": body["challenge_id"], "credential": answer, "name": name},
    )
    assert verified.status_code == 201, verified.text
    created: dict[str, Any] = verified.json()
    return created


def _login_options(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(f"{P}/login/options", json=body or None)
    assert response.status_code == 200, response.text
    options: dict[str, Any] = response.json()
    return options


@pytest.fixture
def device() -> SoftAuthenticator:
    return SoftAuthenticator()


@pytest.fixture
def enrolled(client: TestClient, alice: int, device: SoftAuthenticator) -> str:
    """alice with one passkey; her access token."""
    token: str = login(client)["access_token"]
    _register(client, token, device)
    return token


def test_register_list_and_log_in_with_a_passkey(
    client: TestClient, enrolled: str, device: SoftAuthenticator
) -> None:
    listed = client.get(P, headers=bearer(enrolled)).json()
    assert [p["name"] for p in listed] == ["Laptop"]
    assert listed[0]["backup_eligible"] is True and listed[0]["last_used_at"] is None
    assert "public_key" not in listed[0]

    options = _login_options(client)
    assert options["options"]["allowCredentials"] == []
    answer = device.get(options["options"])
    response = client.post(
        f"{P}/login/verify", json={"challenge_id": options["challenge_id"], "credential": answer}
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["user"]["username"] == "alice" and tokens["refresh_token"]
    assert client.get(f"{PREFIX}/me", headers=bearer(tokens["access_token"])).status_code == 200


def test_a_passkey_is_the_second_step_for_an_mfa_account(
    client: TestClient,
    enrolled: str,
    device: SoftAuthenticator,
    service: Any,
    alice: int,
    clock: FrozenClock,
) -> None:
    import pyotp

    secret = service.mfa.begin_enrollment(alice).secret
    service.mfa.confirm_enrollment(alice, pyotp.TOTP(secret).at(clock.now()))
    first = client.post(f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD})
    ticket = assert_error(first, 401, "mfa_required")["mfa_ticket"]
    options = _login_options(client, mfa_ticket=ticket)
    assert len(options["options"]["allowCredentials"]) == 1
    answer = device.get(options["options"])
    response = client.post(
        f"{P}/login/verify",
        json={"challenge_id": options["challenge_id"], "credential": answer, "mfa_ticket": ticket},
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["username"] == "alice"


def test_a_replayed_assertion_is_401(
    client: TestClient, enrolled: str, device: SoftAuthenticator
) -> None:
    options = _login_options(client)
    body = {"challenge_id": options["challenge_id"], "credential": device.get(options["options"])}
    assert client.post(f"{P}/login/verify", json=body).status_code == 200
    assert_error(client.post(f"{P}/login/verify", json=body), 401, "token_reused")


def test_an_expired_challenge_is_401(
    client: TestClient, enrolled: str, device: SoftAuthenticator, clock: FrozenClock
) -> None:
    options = _login_options(client)
    body = {"challenge_id": options["challenge_id"], "credential": device.get(options["options"])}
    clock.advance(timedelta(minutes=3))
    assert_error(client.post(f"{P}/login/verify", json=body), 401, "token_expired")


def _spoil_client_data(answer: dict[str, Any]) -> None:
    answer["response"]["clientDataJSON"] = answer["response"]["clientDataJSON"][:17]


def _unknown_credential(answer: dict[str, Any]) -> None:
    answer["id"] = answer["rawId"] = b64url(b"no such credential")


def _not_base64(answer: dict[str, Any]) -> None:
    answer["response"]["signature"] = "%%%"


@pytest.mark.parametrize("spoil", [_spoil_client_data, _unknown_credential, _not_base64])
def test_spoiled_answers_are_400(
    client: TestClient, enrolled: str, device: SoftAuthenticator, spoil: Any
) -> None:
    options = _login_options(client)
    answer = device.get(options["options"])
    spoil(answer)
    response = client.post(
        f"{P}/login/verify", json={"challenge_id": options["challenge_id"], "credential": answer}
    )
    assert_error(response, 400, "passkey_rejected")


def test_an_answer_to_another_challenge_or_origin_is_400(
    client: TestClient, enrolled: str, device: SoftAuthenticator
) -> None:
    first, second = _login_options(client), _login_options(client)
    wrong_challenge = {
        "challenge_id": second["challenge_id"],
        "credential": device.get(first["options"]),
    }
    assert_error(client.post(f"{P}/login/verify", json=wrong_challenge), 400, "passkey_rejected")
    third = _login_options(client)
    wrong_origin = {
        "challenge_id": third["challenge_id"],
        "credential": device.get(third["options"], origin="https://attacker.example"),
    }
    assert_error(client.post(f"{P}/login/verify", json=wrong_origin), 400, "passkey_rejected")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"challenge_id": "x"},
        {"challenge_id": "x", "credential": "text"},
        {"challenge_id": "", "credential": {}},
        {"challenge_id": "nope", "credential": {}},
    ],
)
def test_malformed_login_bodies_are_4xx(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(f"{P}/login/verify", json=body)
    assert 400 <= response.status_code < 500, response.text


def test_registration_needs_a_token_and_a_recent_login(
    client: TestClient, alice: int, clock: FrozenClock
) -> None:
    assert_error(client.post(f"{P}/register/options"), 401, "not_authenticated")
    token = login(client)["access_token"]
    clock.advance(timedelta(minutes=11))  # the access token (15 min) still works; the login is old
    refused = client.post(f"{P}/register/options", headers=bearer(token))
    assert_error(refused, 403, "reauthentication_required")
    wrong = client.post(f"{P}/reauth/password", headers=bearer(token), json={"password": "nope"})
    assert_error(wrong, 401, "invalid_credentials")
    granted = client.post(
        f"{P}/reauth/password", headers=bearer(token), json={"password": PASSWORD}
    )
    assert granted.status_code == 200, granted.text
    body = {"reauth_token": granted.json()["reauth_token"]}
    options = client.post(f"{P}/register/options", headers=bearer(token), json=body)
    assert options.status_code == 200, options.text
    forged = client.post(f"{P}/register/options", headers=bearer(token), json={"reauth_token": "x"})
    assert_error(forged, 403, "reauthentication_required")


def test_register_verify_rejects_bad_answers(
    client: TestClient, alice: int, device: SoftAuthenticator
) -> None:
    token = login(client)["access_token"]
    options = client.post(f"{P}/register/options", headers=bearer(token)).json()
    answer = device.create(options["options"], origin="https://attacker.example")
    body = {"challenge_id": options["challenge_id"], "credential": answer, "name": "x"}
    assert_error(
        client.post(f"{P}/register/verify", headers=bearer(token), json=body),
        400,
        "passkey_rejected",
    )
    # The challenge was spent by the refused answer.
    good = dict(body, credential=device.create(options["options"]))
    assert_error(
        client.post(f"{P}/register/verify", headers=bearer(token), json=good), 401, "token_reused"
    )
    truncated = client.post(f"{P}/register/options", headers=bearer(token)).json()
    spoiled = device.create(truncated["options"])
    spoiled["response"]["attestationObject"] = spoiled["response"]["attestationObject"][:30]
    body = {"challenge_id": truncated["challenge_id"], "credential": spoiled, "name": "x"}
    assert_error(
        client.post(f"{P}/register/verify", headers=bearer(token), json=body),
        400,
        "passkey_rejected",
    )


def test_remove_a_passkey_then_it_no_longer_logs_in(
    client: TestClient, enrolled: str, device: SoftAuthenticator
) -> None:
    passkey_id = client.get(P, headers=bearer(enrolled)).json()[0]["id"]
    assert client.delete(f"{P}/{passkey_id}", headers=bearer(enrolled)).status_code == 204
    assert_error(
        client.delete(f"{P}/{passkey_id}", headers=bearer(enrolled)), 404, "user_not_found"
    )
    options = _login_options(client)
    body = {"challenge_id": options["challenge_id"], "credential": device.get(options["options"])}
    assert_error(client.post(f"{P}/login/verify", json=body), 400, "passkey_rejected")


def test_reauthenticate_with_a_passkey(
    client: TestClient, enrolled: str, device: SoftAuthenticator, clock: FrozenClock
) -> None:
    clock.advance(timedelta(minutes=11))
    token = enrolled
    passkey_id = client.get(P, headers=bearer(token)).json()[0]["id"]
    assert_error(
        client.delete(f"{P}/{passkey_id}", headers=bearer(token)), 403, "reauthentication_required"
    )
    options = client.post(f"{P}/reauth/options", headers=bearer(token)).json()
    answer = device.get(options["options"])
    granted = client.post(
        f"{P}/reauth/verify",
        headers=bearer(token),
        json={"challenge_id": options["challenge_id"], "credential": answer},
    )
    assert granted.status_code == 200, granted.text
    headers = {**bearer(token), "X-Reauth-Token": granted.json()["reauth_token"]}
    assert client.delete(f"{P}/{passkey_id}", headers=headers).status_code == 204


def test_an_admin_lists_and_removes_a_users_passkey(
    client: TestClient, enrolled: str, service: Any, alice: int
) -> None:
    root = service.accounts.register("root", PASSWORD)
    service.accounts.set_roles(root.id, ["user", "admin"])
    admin = login(client, "root")["access_token"]
    url = f"{PREFIX}/admin/users/{alice}/passkeys"
    assert_error(client.get(url, headers=bearer(enrolled)), 403, "permission_denied")
    listed = client.get(url, headers=bearer(admin))
    assert listed.status_code == 200, listed.text
    (passkey,) = listed.json()
    assert passkey["name"] == "Laptop"
    assert client.delete(f"{url}/{passkey['id']}", headers=bearer(admin)).status_code == 204
    assert_error(
        client.delete(f"{url}/{passkey['id']}", headers=bearer(admin)), 404, "user_not_found"
    )
    assert client.get(P, headers=bearer(enrolled)).json() == []
    assert client.delete(f"{url}/{2**70}", headers=bearer(admin)).status_code == 422
    assert client.delete(f"{P}/{2**70}", headers=bearer(enrolled)).status_code == 422
