"""Forged access tokens are refused at the API's edge (the probe's JWT attacks, kept).

Each forgery starts from a real token's claims (so only the forged part is
wrong), made admin, and is sent to ``GET /me`` and to an admin route: every
one must get 401, and the genuine token must still work (so the test can
fail). The signature checks themselves are tested in
``tests/core/test_tokens_jwt_tokens.py``; this is the end-to-end view.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient
from jwt.algorithms import OKPAlgorithm

from authgate.api import create_api
from authgate.core.tokens.jwt_keys import generate_private_key
from authgate.root import Authgate

PASSWORD = "correct horse battery staple"
PREFIX = "/api/auth"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


@pytest.fixture
def auth(service_factory: Callable[..., Authgate]) -> Authgate:
    auth = service_factory()
    auth.accounts.register("alice", PASSWORD)
    return auth


@pytest.fixture
def client(auth: Authgate) -> Iterator[TestClient]:
    with TestClient(create_api(auth), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def genuine(client: TestClient) -> str:
    answer = client.post(f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["roles"] = ["user", "admin"]  # what every forger wants
    return header, claims


def _alg_none(auth: Authgate, token: str) -> str:
    header, claims = _parts(token)
    return _segments({**header, "alg": "none"}, claims) + "."


def _hs256_with_public_key(auth: Authgate, token: str) -> str:
    """Algorithm confusion: the server's own public key (from the JWKS) as an HMAC secret."""
    header, claims = _parts(token)
    public = auth.tokens.keys.signing.private_key.public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = _segments({**header, "alg": "HS256"}, claims)
    return f"{signing_input}.{_b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"


def _foreign_key_same_kid(auth: Authgate, token: str) -> str:
    header, claims = _parts(token)
    return jwt.encode(claims, generate_private_key("EdDSA"), algorithm="EdDSA", headers=header)


def _embedded_jwk(auth: Authgate, token: str) -> str:
    """The attacker's public key in the ``jwk`` header, signed with its private half."""
    header, claims = _parts(token)
    key = generate_private_key("EdDSA")
    jwk = json.loads(OKPAlgorithm.to_jwk(key.public_key()))  # type: ignore[arg-type]
    return jwt.encode(claims, key, algorithm="EdDSA", headers={**header, "jwk": jwk})


def _jku_url(auth: Authgate, token: str) -> str:
    header, claims = _parts(token)
    key = generate_private_key("EdDSA")
    headers = {**header, "jku": "https://attacker.example/jwks.json", "kid": "attacker"}
    return jwt.encode(claims, key, algorithm="EdDSA", headers=headers)


def _kid_injection(auth: Authgate, token: str) -> str:
    header, claims = _parts(token)
    key = generate_private_key("EdDSA")
    return jwt.encode(claims, key, algorithm="EdDSA", headers={**header, "kid": "../../dev/null"})


def _tampered_payload(auth: Authgate, token: str) -> str:
    """The genuine signature over a payload made admin."""
    header_part, _, signature = token.split(".")
    _, claims = _parts(token)
    return f"{header_part}.{_b64(json.dumps(claims).encode())}.{signature}"


def _stripped_signature(auth: Authgate, token: str) -> str:
    return token.rsplit(".", 1)[0] + "."


FORGERIES = {
    "alg_none": _alg_none,
    "hs256_keyed_with_the_public_key": _hs256_with_public_key,
    "foreign_key_with_our_kid": _foreign_key_same_kid,
    "embedded_jwk_header": _embedded_jwk,
    "jku_header": _jku_url,
    "kid_path_injection": _kid_injection,
    "tampered_payload": _tampered_payload,
    "stripped_signature": _stripped_signature,
}


def test_the_genuine_token_works(client: TestClient, genuine: str) -> None:
    answer = client.get(f"{PREFIX}/me", headers={"Authorization": f"Bearer {genuine}"})
    assert answer.status_code == 200 and answer.json()["username"] == "alice"


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_tokens_are_refused(
    auth: Authgate, client: TestClient, genuine: str, forge: Callable[[Authgate, str], str]
) -> None:
    forged = forge(auth, genuine)
    assert forged != genuine
    headers = {"Authorization": f"Bearer {forged}"}
    for path in (f"{PREFIX}/me", f"{PREFIX}/admin/users"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 401, (path, answer.text)
        assert answer.json()["detail"]["code"] in {"invalid_token", "not_authenticated"}
        assert answer.headers["www-authenticate"].startswith("Bearer")
