"""JWKS and health endpoints, and the standalone ASGI factory."""

from __future__ import annotations

from pathlib import Path

import jwt
from api_support import PASSWORD, PREFIX, login, make_settings
from fastapi.testclient import TestClient

from authgate.api.server import asgi_app
from authgate.core.tokens.jwk import public_key_from_jwk
from authgate.core.tokens.jwt_keys import KeySet


def test_jwks_publishes_the_signing_key(client: TestClient, keys: KeySet, alice: int) -> None:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    published = response.json()["keys"]
    assert published[0]["kid"] == keys.signing.kid
    token = login(client)["access_token"]
    key = public_key_from_jwk(published[0])
    claims = jwt.decode(
        token,
        key.public_key,
        algorithms=["EdDSA"],
        audience="authgate",
        options={"verify_exp": False},
    )  # the test clock is frozen in the past
    assert claims["username"] == "alice"


def test_health(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_asgi_factory_builds_a_working_app(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        database_url=f"sqlite:///{tmp_path / 'a.db'}",
        api_prefix="/auth-api",
        jwt_private_key=None,
    )
    with TestClient(asgi_app(settings)) as client:
        body = {"username": "alice", "password": PASSWORD}
        assert client.post("/auth-api/register", json=body).status_code == 201
        assert client.post("/auth-api/login", json=body).status_code == 200
        assert client.get("/.well-known/jwks.json").json()["keys"]
    assert (settings.data_dir / "jwt_private_key.pem").exists()
