"""The MFA endpoints: enrolment, the login's second step, recovery codes, disabling, policy.

Codes come from pyotp at the service's frozen clock, and the clock moves one
time step between codes, since an accepted step cannot be used again.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pyotp
import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login, make_settings
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.core.clock import FrozenClock
from authgate.root import Authgate

STEP = timedelta(seconds=30)


def code_at(secret: str, clock: FrozenClock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def enrol(client: TestClient, headers: dict[str, str], clock: FrozenClock) -> tuple[str, list[str]]:
    """Turn MFA on for the bearer's user; returns the secret and the recovery codes."""
    started = client.post(f"{PREFIX}/mfa/enroll", headers=headers)
    assert started.status_code == 200, started.text
    secret: str = started.json()["secret"]
    confirmed = client.post(
        f"{PREFIX}/mfa/enroll/confirm", json={"code": code_at(secret, clock)}, headers=headers
    )
    assert confirmed.status_code == 200, confirmed.text
    clock.advance(STEP)
    return secret, confirmed.json()["recovery_codes"]


def mfa_ticket(client: TestClient, username: str = "alice") -> str:
    response = client.post(f"{PREFIX}/login", json={"username": username, "password": PASSWORD})
    detail = assert_error(response, 401, "mfa_required")
    assert detail["mfa_ticket_expires_in"] == 300
    assert response.headers["cache-control"] == "no-store"
    ticket: str = detail["mfa_ticket"]
    return ticket


def second_step(client: TestClient, ticket: str, code: str) -> Any:
    return client.post(f"{PREFIX}/login/mfa", json={"ticket": ticket, "code": code})


def test_enrolment_shows_the_secret_as_text_uri_and_qr(client: TestClient, alice: int) -> None:
    headers = bearer(login(client)["access_token"])
    response = client.post(f"{PREFIX}/mfa/enroll", headers=headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["provisioning_uri"].startswith("otpauth://totp/")
    assert body["secret"] in body["provisioning_uri"]
    assert "<svg" in body["qr_svg"]
    assert base64.b64decode(body["qr_png_base64"]).startswith(b"\x89PNG")
    status = client.get(f"{PREFIX}/mfa", headers=headers).json()
    assert status == {
        "enabled": False,
        "confirmed_at": None,
        "recovery_codes_left": 0,
        "enrollment_required": False,
    }


def test_login_with_mfa_end_to_end(client: TestClient, alice: int, clock: FrozenClock) -> None:
    headers = bearer(login(client)["access_token"])
    secret, recovery = enrol(client, headers, clock)
    assert len(recovery) == 10
    status = client.get(f"{PREFIX}/mfa", headers=headers).json()
    assert status["enabled"] is True and status["recovery_codes_left"] == 10

    code = code_at(secret, clock)
    done = second_step(client, mfa_ticket(client), code)
    assert done.status_code == 200, done.text
    assert done.headers["cache-control"] == "no-store"
    claims = jwt.decode(done.json()["access_token"], options={"verify_signature": False})
    assert claims["amr"][:2] == ["pwd", "otp"]
    refreshed = client.post(
        f"{PREFIX}/refresh", json={"refresh_token": done.json()["refresh_token"]}
    )
    claims = jwt.decode(refreshed.json()["access_token"], options={"verify_signature": False})
    assert "otp" in claims["amr"]

    # the same code again, on a fresh ticket: refused (replay)
    assert_error(second_step(client, mfa_ticket(client), code), 401, "mfa_invalid_code")

    # a recovery code works once
    assert second_step(client, mfa_ticket(client), recovery[0]).status_code == 200
    assert_error(second_step(client, mfa_ticket(client), recovery[0]), 401, "mfa_invalid_code")
    left = client.get(f"{PREFIX}/mfa", headers=headers).json()["recovery_codes_left"]
    assert left == 9


def test_oauth2_form_login_also_answers_with_a_ticket(
    client: TestClient, alice: int, clock: FrozenClock
) -> None:
    secret, _ = enrol(client, bearer(login(client)["access_token"]), clock)
    response = client.post(f"{PREFIX}/token", data={"username": "alice", "password": PASSWORD})
    # The OAuth 2.0 token endpoint answers in the RFC 6749 shape, authgate's detail beside it.
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    detail = response.json()["detail"]
    assert detail["code"] == "mfa_required" and detail["mfa_ticket_expires_in"] == 300
    assert second_step(client, detail["mfa_ticket"], code_at(secret, clock)).status_code == 200


def test_a_ticket_is_spent_by_success_but_not_by_a_wrong_code(
    client: TestClient, alice: int, clock: FrozenClock
) -> None:
    secret, _ = enrol(client, bearer(login(client)["access_token"]), clock)
    ticket = mfa_ticket(client)
    assert_error(second_step(client, ticket, "000000"), 401, "mfa_invalid_code")
    assert second_step(client, ticket, code_at(secret, clock)).status_code == 200
    clock.advance(STEP)
    assert_error(second_step(client, ticket, code_at(secret, clock)), 401, "token_reused")


def test_an_expired_ticket_is_refused(client: TestClient, alice: int, clock: FrozenClock) -> None:
    secret, _ = enrol(client, bearer(login(client)["access_token"]), clock)
    ticket = mfa_ticket(client)
    clock.advance(minutes=6)
    assert_error(second_step(client, ticket, code_at(secret, clock)), 401, "token_expired")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"ticket": "made-up", "code": "123456"}, 401, "invalid_token"),
        ({"ticket": "made-up", "code": "12ab"}, 401, "mfa_invalid_code"),
        ({"ticket": "made-up"}, 422, "invalid_input"),
        ({"ticket": 7, "code": 123456}, 422, "invalid_input"),
        ({"ticket": "", "code": "123456"}, 422, "invalid_input"),
        ({"ticket": "x" * 513, "code": "123456"}, 422, "invalid_input"),
    ],
)
def test_login_mfa_refuses_bad_input(
    client: TestClient, body: dict[str, Any], status: int, code: str
) -> None:
    assert_error(client.post(f"{PREFIX}/login/mfa", json=body), status, code)


def test_disable_needs_the_password_and_a_code(
    client: TestClient, alice: int, clock: FrozenClock
) -> None:
    headers = bearer(login(client)["access_token"])
    secret, _ = enrol(client, headers, clock)
    url = f"{PREFIX}/mfa/disable"
    wrong_password = {"password": "nope", "code": code_at(secret, clock)}
    assert_error(client.post(url, json=wrong_password, headers=headers), 401, "invalid_credentials")
    wrong_code = {"password": PASSWORD, "code": "000000"}
    assert_error(client.post(url, json=wrong_code, headers=headers), 401, "mfa_invalid_code")
    assert_error(
        client.post(url, json={"password": PASSWORD}, headers=headers), 422, "invalid_input"
    )
    done = client.post(
        url, json={"password": PASSWORD, "code": code_at(secret, clock)}, headers=headers
    )
    assert done.status_code == 200 and done.json()["enabled"] is False
    assert login(client)["access_token"]  # the password alone is enough again


def test_regenerating_recovery_codes_kills_the_old_ones(
    client: TestClient, alice: int, clock: FrozenClock
) -> None:
    headers = bearer(login(client)["access_token"])
    secret, old = enrol(client, headers, clock)
    url = f"{PREFIX}/mfa/recovery-codes"
    assert_error(
        client.post(url, json={"code": "000000"}, headers=headers), 401, "mfa_invalid_code"
    )
    new = client.post(url, json={"code": code_at(secret, clock)}, headers=headers)
    assert new.status_code == 200 and len(new.json()["recovery_codes"]) == 10
    assert set(new.json()["recovery_codes"]).isdisjoint(old)
    assert_error(second_step(client, mfa_ticket(client), old[1]), 401, "mfa_invalid_code")
    assert (
        second_step(client, mfa_ticket(client), new.json()["recovery_codes"][0]).status_code == 200
    )


def test_enrolment_mistakes(client: TestClient, alice: int, clock: FrozenClock) -> None:
    headers = bearer(login(client)["access_token"])
    confirm = f"{PREFIX}/mfa/enroll/confirm"
    assert_error(
        client.post(confirm, json={"code": "123456"}, headers=headers), 422, "invalid_input"
    )
    started = client.post(f"{PREFIX}/mfa/enroll", headers=headers).json()
    assert_error(
        client.post(confirm, json={"code": "000000"}, headers=headers), 401, "mfa_invalid_code"
    )
    assert_error(client.post(confirm, json={"code": ["1"]}, headers=headers), 422, "invalid_input")
    ok = client.post(confirm, json={"code": code_at(started["secret"], clock)}, headers=headers)
    assert ok.status_code == 200
    assert_error(client.post(f"{PREFIX}/mfa/enroll", headers=headers), 422, "invalid_input")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/mfa"),
        ("POST", "/mfa/enroll"),
        ("POST", "/mfa/enroll/confirm"),
        ("POST", "/mfa/recovery-codes"),
        ("POST", "/mfa/disable"),
    ],
)
def test_mfa_endpoints_need_a_token(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, f"{PREFIX}{path}", json={"code": "123456", "password": "x"})
    assert_error(response, 401, "not_authenticated")
    bad = client.request(method, f"{PREFIX}{path}", headers=bearer("not-a-jwt"))
    assert_error(bad, 401, "invalid_token")


# -- policy: roles that require MFA ------------------------------------------------------


@pytest.fixture
def strict(tmp_path: Path, clock: FrozenClock) -> Iterator[tuple[TestClient, Authgate]]:
    """An app whose admins must use MFA, with one admin, root, not yet enrolled."""
    settings = make_settings(tmp_path, mfa_required_roles=("admin",))
    service = Authgate.from_settings(settings, clock=clock)
    service.accounts.register("root", PASSWORD, roles=["user", "admin"], actor_id=0)
    app = create_api(service)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, service
    service.close()


def test_a_required_role_must_enrol_before_anything_else(
    strict: tuple[TestClient, Authgate], clock: FrozenClock
) -> None:
    client, _ = strict
    tokens = login(client, "root")
    headers = bearer(tokens["access_token"])
    assert client.get(f"{PREFIX}/me", headers=headers).status_code == 200
    assert client.get(f"{PREFIX}/mfa", headers=headers).json()["enrollment_required"] is True
    for method, path in [
        ("GET", "/sessions"),
        ("GET", "/admin/users"),
        ("GET", "/admin/audit"),
        ("POST", "/email/verify/resend"),
    ]:
        refused = client.request(method, f"{PREFIX}{path}", headers=headers)
        assert_error(refused, 403, "mfa_enrollment_required")
    change = {"current_password": PASSWORD, "new_password": "another long passphrase 42"}
    refused = client.post(f"{PREFIX}/password", json=change, headers=headers)
    assert_error(refused, 403, "mfa_enrollment_required")

    secret, _ = enrol(client, headers, clock)
    assert client.get(f"{PREFIX}/sessions", headers=headers).status_code == 200
    assert client.get(f"{PREFIX}/admin/users", headers=headers).status_code == 200
    disable = {"password": PASSWORD, "code": code_at(secret, clock)}
    assert_error(
        client.post(f"{PREFIX}/mfa/disable", json=disable, headers=headers),
        403,
        "permission_denied",
    )


def test_a_user_who_must_enrol_can_still_log_out(strict: tuple[TestClient, Authgate]) -> None:
    client, _ = strict
    tokens = login(client, "root")
    out = client.post(f"{PREFIX}/logout", json={"refresh_token": tokens["refresh_token"]})
    assert out.status_code == 204
