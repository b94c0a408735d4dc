"""Authorization server metadata (RFC 8414) at /.well-known/oauth-authorization-server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from api_support import PASSWORD, make_settings
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.root import Authgate

METADATA = "/.well-known/oauth-authorization-server"


@pytest.fixture
def https_client(tmp_path: Path) -> Iterator[TestClient]:
    """An app whose issuer is its public https URL, under another prefix."""
    settings = make_settings(
        tmp_path, jwt_issuer="https://auth.example.com", api_prefix="/auth-api"
    )
    auth = Authgate.from_settings(settings)
    auth.accounts.register("alice", PASSWORD)
    with TestClient(create_api(auth)) as client:
        yield client
    auth.close()


def test_metadata_names_the_endpoints(client: TestClient) -> None:
    response = client.get(METADATA)
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("public")
    body = response.json()
    base = "http://testserver"
    assert body["issuer"] == "authgate", "the iss of the tokens"
    assert body["token_endpoint"] == f"{base}/api/auth/token"
    assert body["revocation_endpoint"] == f"{base}/api/auth/revoke"
    assert body["introspection_endpoint"] == f"{base}/api/auth/introspect"
    assert body["jwks_uri"] == f"{base}/.well-known/jwks.json"
    assert body["grant_types_supported"] == ["password", "refresh_token"]
    assert body["response_types_supported"] == []
    assert "none" in body["token_endpoint_auth_methods_supported"]
    assert "none" not in body["introspection_endpoint_auth_methods_supported"]
    for name in ("token_endpoint", "revocation_endpoint", "introspection_endpoint"):
        answer = client.post(body[name].removeprefix(base))
        assert answer.status_code in (400, 401) and "error" in answer.json(), name
    assert client.get(body["jwks_uri"].removeprefix(base)).status_code == 200


def test_https_issuer_metadata_passes_authlibs_checks(https_client: TestClient) -> None:
    body = https_client.get(METADATA).json()
    assert body["issuer"] == "https://auth.example.com"
    assert body["token_endpoint"] == "https://auth.example.com/auth-api/token"
    metadata = AuthorizationServerMetadata(body)
    checks = [name for name in dir(metadata) if name.startswith("validate_")]
    # response_types_supported is empty on purpose: there is no authorization endpoint.
    checks.remove("validate_response_types_supported")
    assert len(checks) > 10
    for check in checks:
        getattr(metadata, check)()


def test_the_issuer_is_the_iss_of_the_tokens(https_client: TestClient) -> None:
    form = {"username": "alice", "password": PASSWORD}
    token = https_client.post("/auth-api/token", data=form).json()["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == https_client.get(METADATA).json()["issuer"]
