"""The OAuth 2.0 endpoints over HTTP: grants, client authentication, revocation, introspection.

Hand-built form requests pin every answer here; the error shape and the bad
inputs are in ``test_api_oauth_errors``, the same endpoints driven by real
client libraries in ``test_api_oauth_clients``.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login, make_settings
from fastapi.testclient import TestClient
from oauth_support import (
    INTROSPECT,
    MOBILE_SECRET,
    ORDERS_SECRET,
    REVOKE,
    TOKEN,
    basic,
    grant,
    introspect,
    oauth_error,
    oauth_settings,
)

from authgate.api import create_api
from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.root import Authgate


@pytest.fixture
def settings(tmp_path: Path) -> AuthgateSettings:
    return oauth_settings(tmp_path)


# -- the token endpoint ---------------------------------------------------------------


def test_password_grant_gives_a_pair_naming_the_client(client: TestClient, alice: int) -> None:
    response = grant(client, client_id="spa")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["client_id"] == "spa"
    assert client.get(f"{PREFIX}/me", headers=bearer(body["access_token"])).json()["id"] == alice


def test_missing_grant_type_is_the_password_grant(client: TestClient, alice: int) -> None:
    response = client.post(TOKEN, data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200, response.text
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert "client_id" not in claims


def test_refresh_grant_rotates(client: TestClient, alice: int) -> None:
    first = grant(client).json()
    response = grant(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get(f"{PREFIX}/me", headers=bearer(second["access_token"])).status_code == 200


def test_reused_refresh_token_is_invalid_grant_and_revokes_the_family(
    client: TestClient, alice: int
) -> None:
    first = grant(client).json()
    second = grant(client, grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    reused = grant(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    oauth_error(reused, 400, "invalid_grant", "token_reused")
    # The whole family went: the newest refresh token and its access token too.
    newest = grant(client, grant_type="refresh_token", refresh_token=second["refresh_token"])
    oauth_error(newest, 400, "invalid_grant", "invalid_token")
    me = client.get(f"{PREFIX}/me", headers=bearer(second["access_token"]))
    assert_error(me, 401, "not_authenticated")


def test_expired_refresh_token_is_invalid_grant(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    pair = grant(client).json()
    clock.advance(days=7, seconds=1)
    response = grant(client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    oauth_error(response, 400, "invalid_grant", "token_expired")


def test_multipart_form_is_accepted(client: TestClient, alice: int) -> None:
    response = client.post(TOKEN, files={"username": (None, "alice"), "password": (None, PASSWORD)})
    assert response.status_code == 200, response.text


# -- client authentication --------------------------------------------------------------


def test_public_client_needs_no_secret(client: TestClient, alice: int) -> None:
    assert grant(client, client_id="any-public-client").status_code == 200
    assert (
        client.post(
            TOKEN, data={"username": "alice", "password": PASSWORD}, headers=basic("cli", "")
        ).status_code
        == 200
    )


def test_confidential_client_authenticates_either_way(client: TestClient, alice: int) -> None:
    assert grant(client, client_id="mobile", client_secret=MOBILE_SECRET).status_code == 200
    response = client.post(
        TOKEN,
        data={"username": "alice", "password": PASSWORD},
        headers=basic("mobile", MOBILE_SECRET),
    )
    assert response.status_code == 200, response.text
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert claims["client_id"] == "mobile"


@pytest.mark.parametrize(
    ("form", "headers"),
    [
        ({"client_id": "mobile", "client_secret": "wrong"}, {}),
        ({"client_id": "mobile"}, {}),
        ({"client_id": "unregistered", "client_secret": "anything"}, {}),
        ({"client_secret": "a secret without a client"}, {}),
        ({}, basic("mobile", "wrong")),
        ({}, basic("mobile", "")),
        ({"client_id": "orders"}, basic("mobile", MOBILE_SECRET)),
        ({}, {"Authorization": "Basic not-base64!"}),
        ({}, {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()}),
        ({}, {"Authorization": "Basic " + base64.b64encode(b"\xff:\xfe").decode()}),
    ],
)
def test_bad_client_credentials_are_401_invalid_client(
    client: TestClient, alice: int, form: dict[str, str], headers: dict[str, str]
) -> None:
    fields = {"username": "alice", "password": PASSWORD, **form}
    response = client.post(TOKEN, data=fields, headers=headers)
    oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"] == 'Basic realm="authgate"'


def test_two_ways_of_client_authentication_at_once_is_invalid_request(
    client: TestClient, alice: int
) -> None:
    response = client.post(
        TOKEN,
        data={"username": "alice", "password": PASSWORD, "client_secret": MOBILE_SECRET},
        headers=basic("mobile", MOBILE_SECRET),
    )
    oauth_error(response, 400, "invalid_request")


# -- revocation (RFC 7009) ----------------------------------------------------------------


def test_revoking_a_refresh_token_ends_its_session(client: TestClient, alice: int) -> None:
    pair = grant(client).json()
    response = client.post(
        REVOKE, data={"token": pair["refresh_token"], "token_type_hint": "refresh_token"}
    )
    assert response.status_code == 200 and response.content == b""
    again = grant(client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    oauth_error(again, 400, "invalid_grant", "invalid_token")
    me = client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"]))
    assert_error(me, 401, "not_authenticated")


@pytest.mark.parametrize("hint", ["access_token", "refresh_token", "", "id_token"])
def test_revoking_an_access_token_ends_its_session_whatever_the_hint(
    client: TestClient, alice: int, hint: str
) -> None:
    pair = grant(client).json()
    response = client.post(REVOKE, data={"token": pair["access_token"], "token_type_hint": hint})
    assert response.status_code == 200
    again = grant(client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    oauth_error(again, 400, "invalid_grant", "invalid_token")
    assert introspect(client, pair["access_token"]).json() == {"active": False}


def test_revoking_an_unknown_or_revoked_token_is_200(client: TestClient, alice: int) -> None:
    pair = grant(client).json()
    for token in ("not-a-token", pair["refresh_token"], pair["refresh_token"], "x.y.z"):
        assert client.post(REVOKE, data={"token": token}).status_code == 200


def test_revocation_errors(client: TestClient, alice: int) -> None:
    oauth_error(client.post(REVOKE, data={}), 400, "invalid_request")
    oauth_error(client.post(REVOKE, json={"token": "x"}), 400, "invalid_request")
    bad_client = client.post(REVOKE, data={"token": "x"}, headers=basic("mobile", "wrong"))
    oauth_error(bad_client, 401, "invalid_client")
    assert bad_client.headers["www-authenticate"].startswith("Basic")


# -- introspection (RFC 7662) ---------------------------------------------------------------


def test_introspecting_an_access_token(client: TestClient, service: Authgate, alice: int) -> None:
    pair = grant(client, client_id="spa").json()
    response = introspect(client, pair["access_token"])
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["active"] is True and body["token_type"] == "bearer"
    assert (body["sub"], body["username"], body["client_id"]) == (str(alice), "alice", "spa")
    assert body["exp"] - body["iat"] == 900
    assert body["exp"] == int((service.clock.now() + timedelta(minutes=15)).timestamp())
    assert (body["iss"], body["aud"]) == ("authgate", "authgate")


def test_introspecting_a_refresh_token(client: TestClient, service: Authgate, alice: int) -> None:
    pair = grant(client).json()
    body = introspect(client, pair["refresh_token"], token_type_hint="refresh_token").json()
    assert body["active"] is True and body["token_type"] == "refresh_token"
    assert (body["sub"], body["username"]) == (str(alice), "alice")
    assert body["exp"] - body["iat"] == 7 * 24 * 3600
    assert "client_id" not in body and "aud" not in body


def test_inactive_tokens_answer_active_false_and_nothing_else(
    client: TestClient, clock: FrozenClock, alice: int
) -> None:
    used = grant(client).json()
    grant(client, grant_type="refresh_token", refresh_token=used["refresh_token"])
    logged_out = grant(client).json()
    client.post(f"{PREFIX}/logout", json={"refresh_token": logged_out["refresh_token"]})
    expiring = grant(client).json()
    clock.advance(minutes=15)
    for token in (
        "garbage",
        used["refresh_token"],
        logged_out["access_token"],
        logged_out["refresh_token"],
        expiring["access_token"],
    ):
        assert introspect(client, token).json() == {"active": False}, token


def test_introspection_with_client_secret_post(client: TestClient, alice: int) -> None:
    token = grant(client).json()["access_token"]
    form = {"token": token, "client_id": "orders", "client_secret": ORDERS_SECRET}
    assert client.post(INTROSPECT, data=form).json()["active"] is True


@pytest.mark.parametrize(
    ("form", "headers"),
    [
        ({}, {}),
        ({"client_id": "a-public-client"}, {}),
        ({}, basic("orders", "wrong")),
        ({"client_id": "orders", "client_secret": "wrong"}, {}),
    ],
)
def test_introspection_without_good_client_credentials_is_401(
    client: TestClient, alice: int, form: dict[str, str], headers: dict[str, str]
) -> None:
    token = grant(client).json()["access_token"]
    response = client.post(INTROSPECT, data={"token": token, **form}, headers=headers)
    oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"] == 'Basic realm="authgate"'


def test_client_not_allowed_to_introspect_is_403(client: TestClient, alice: int) -> None:
    token = grant(client).json()["access_token"]
    response = client.post(
        INTROSPECT, data={"token": token}, headers=basic("mobile", MOBILE_SECRET)
    )
    oauth_error(response, 403, "unauthorized_client")


def test_introspection_without_a_token_is_invalid_request(client: TestClient) -> None:
    response = client.post(INTROSPECT, data={}, headers=basic("orders", ORDERS_SECRET))
    oauth_error(response, 400, "invalid_request")


def test_admin_token_may_introspect(client: TestClient, service: Authgate, alice: int) -> None:
    admin = service.accounts.register("root", PASSWORD)
    service.accounts.set_roles(admin.id, ["admin"])
    admin_token = login(client, "root")["access_token"]
    token = grant(client).json()["access_token"]
    response = client.post(INTROSPECT, data={"token": token}, headers=bearer(admin_token))
    assert response.json()["username"] == "alice"


def test_bearer_introspection_refusals(client: TestClient, alice: int) -> None:
    token = grant(client).json()["access_token"]
    not_admin = client.post(INTROSPECT, data={"token": token}, headers=bearer(token))
    oauth_error(not_admin, 403, "insufficient_scope", "permission_denied")
    assert not_admin.headers["www-authenticate"] == 'Bearer error="insufficient_scope"'
    garbage = client.post(INTROSPECT, data={"token": token}, headers=bearer("garbage"))
    oauth_error(garbage, 401, "invalid_token")
    assert garbage.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_admin_who_must_enrol_in_mfa_may_not_introspect(tmp_path: Path) -> None:
    auth = Authgate.from_settings(make_settings(tmp_path, mfa_required_roles=["admin"]))
    admin = auth.accounts.register("root", PASSWORD)
    auth.accounts.set_roles(admin.id, ["admin"])
    with TestClient(create_api(auth)) as client:
        token = login(client, "root")["access_token"]
        response = client.post(INTROSPECT, data={"token": token}, headers=bearer(token))
        oauth_error(response, 403, "insufficient_scope", "mfa_enrollment_required")
    auth.close()
