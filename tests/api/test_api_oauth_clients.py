"""Real OAuth 2.0 client libraries against a real authgate server, unchanged.

Authlib's ``OAuth2Client`` and requests-oauthlib's ``OAuth2Session`` log in,
refresh by themselves once the two-second access token has expired, revoke
and introspect; PyJWT's ``PyJWKClient`` verifies tokens signed before and
after a key rotation. The server is uvicorn on loopback with the system clock,
because the libraries use their own HTTP stacks and the wall clock.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from api_support import PASSWORD, PREFIX
from authlib.integrations.httpx_client import OAuth2Client
from authlib.integrations.httpx_client import OAuthError as AuthlibOAuthError
from cryptography.hazmat.primitives import serialization
from oauthlib.oauth2 import InvalidGrantError, LegacyApplicationClient
from requests_oauthlib import OAuth2Session

from api_server import ApiServer
from authgate.core.tokens.jwt_keys import generate_private_key, private_key_pem

ACCESS_TTL_SECONDS = 2
ORDERS_SECRET = "orders-service-secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    """One server for the module: two-second access tokens, one introspecting client."""
    running = ApiServer(
        tmp_path_factory.mktemp("oauth-clients"),
        access_token_ttl=f"{ACCESS_TTL_SECONDS}s",
        oauth_clients=[
            {"client_id": "orders", "client_secret": ORDERS_SECRET, "may_introspect": True}
        ],
    ).start()
    running.add_user("alice", PASSWORD)
    yield running
    running.stop()


def endpoint(server: ApiServer, name: str) -> str:
    return f"{server.url}{PREFIX}/{name}"


def wait_past_access_token_expiry() -> None:
    time.sleep(ACCESS_TTL_SECONDS + 1.1)


def test_authlib_fetches_refreshes_by_itself_and_revokes(server: ApiServer) -> None:
    updates: list[dict[str, Any]] = []
    with OAuth2Client(
        client_id="reports-cli",
        token_endpoint=endpoint(server, "token"),
        update_token=lambda token, **_: updates.append(dict(token)),
        leeway=0,
    ) as client:
        token = client.fetch_token(username="alice", password=PASSWORD)
        assert token["token_type"] == "bearer" and token["expires_in"] <= ACCESS_TTL_SECONDS
        assert client.get(endpoint(server, "me")).json()["username"] == "alice"
        expired, refreshes = dict(client.token), len(updates)

        wait_past_access_token_expiry()
        stale = httpx.get(
            endpoint(server, "me"), headers={"Authorization": f"Bearer {expired['access_token']}"}
        )
        assert stale.status_code == 401, "without a refresh the old token no longer works"
        me = client.get(endpoint(server, "me"))
        assert me.status_code == 200 and me.json()["username"] == "alice"
        assert len(updates) > refreshes, "the client refreshed by itself"
        assert updates[-1]["refresh_token"] != expired["refresh_token"]

        revoked = client.revoke_token(endpoint(server, "revoke"), token_type_hint="refresh_token")
        assert revoked.status_code == 200
        with pytest.raises(AuthlibOAuthError) as refused:
            client.refresh_token(endpoint(server, "token"))
        assert refused.value.error == "invalid_grant"


def test_authlib_sees_reuse_and_wrong_passwords_as_invalid_grant(server: ApiServer) -> None:
    with OAuth2Client(client_id="reports-cli", token_endpoint=endpoint(server, "token")) as client:
        with pytest.raises(AuthlibOAuthError) as wrong:
            client.fetch_token(username="alice", password="not the password")
        assert wrong.value.error == "invalid_grant"
        first = client.fetch_token(username="alice", password=PASSWORD)
        second = client.refresh_token(refresh_token=first["refresh_token"])
        with pytest.raises(AuthlibOAuthError) as reused:
            client.refresh_token(refresh_token=first["refresh_token"])
        assert reused.value.error == "invalid_grant"
        with pytest.raises(AuthlibOAuthError):  # the family went with the reuse
            client.refresh_token(refresh_token=second["refresh_token"])


def test_authlib_introspects_as_a_confidential_client(server: ApiServer) -> None:
    with OAuth2Client(client_id="reports-cli") as user_client:
        token = user_client.fetch_token(
            endpoint(server, "token"), username="alice", password=PASSWORD
        )
    with OAuth2Client(client_id="orders", client_secret=ORDERS_SECRET) as resource_server:
        answer = resource_server.introspect_token(
            endpoint(server, "introspect"), token=token["access_token"]
        )
        assert answer.status_code == 200
        body = answer.json()
        assert body["active"] is True and body["username"] == "alice"
        assert body["client_id"] == "reports-cli"
        with OAuth2Client(client_id="orders", client_secret="wrong") as impostor:
            refused = impostor.introspect_token(
                endpoint(server, "introspect"), token=token["access_token"]
            )
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"


def test_requests_oauthlib_legacy_application_client(
    server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # loopback http in the test
    token_url = endpoint(server, "token")
    saved: list[dict[str, Any]] = []
    session = OAuth2Session(
        client=LegacyApplicationClient(client_id="legacy-app"),
        auto_refresh_url=token_url,
        auto_refresh_kwargs={"client_id": "legacy-app"},
        token_updater=saved.append,
    )
    with session:
        token = session.fetch_token(token_url, username="alice", password=PASSWORD)
        assert session.get(endpoint(server, "me")).json()["username"] == "alice"
        refreshes = len(saved)

        wait_past_access_token_expiry()
        assert session.get(endpoint(server, "me")).status_code == 200
        assert len(saved) > refreshes, "the session refreshed by itself"
        assert saved[-1]["refresh_token"] != token["refresh_token"]

        with pytest.raises(InvalidGrantError):
            session.refresh_token(token_url, refresh_token=token["refresh_token"])
        with pytest.raises(InvalidGrantError):
            session.fetch_token(token_url, username="alice", password="not the password")


def test_pyjwkclient_verifies_tokens_across_a_key_rotation(tmp_path: Path) -> None:
    old_key, new_key = generate_private_key("EdDSA"), generate_private_key("EdDSA")
    old_public = old_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    before = ApiServer(tmp_path, jwt_private_key=private_key_pem(old_key).decode()).start()
    try:
        before.add_user("alice", PASSWORD)
        old_token = _password_grant(before)
    finally:
        before.stop()
    after = ApiServer(
        tmp_path,
        jwt_private_key=private_key_pem(new_key).decode(),
        jwt_previous_public_keys=[old_public.decode()],
    ).start()
    try:
        new_token = _password_grant(after)
        keys = jwt.PyJWKClient(f"{after.url}/.well-known/jwks.json")
        kids = set()
        for token in (old_token, new_token):
            signing_key = keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token, signing_key.key, algorithms=["EdDSA"], audience="authgate", issuer="authgate"
            )
            assert claims["username"] == "alice"
            kids.add(signing_key.key_id)
        assert len(kids) == 2, "each token names the key that signed it"
        me = httpx.get(f"{after.url}{PREFIX}/me", headers={"Authorization": f"Bearer {old_token}"})
        assert me.status_code == 200, "the rotated server still accepts the old key's tokens"
    finally:
        after.stop()


def _password_grant(server: ApiServer) -> str:
    response = httpx.post(
        endpoint(server, "token"), data={"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
