"""A downstream FastAPI service protected by authgate tokens and the public key alone.

No ``from __future__ import annotations``: FastAPI must resolve the local ``auth``
in the route signatures at runtime.
"""

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any

import httpx
import pytest
from api_support import PREFIX, bearer, login
from cryptography.hazmat.primitives import serialization
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from authgate.api.dependencies import JwksKeyResolver, TokenAuth
from authgate.core.clock import FrozenClock
from authgate.core.tokens.jwt_keys import KeySet, generate_private_key
from authgate.core.tokens.jwt_tokens import AccessClaims, AccessTokenIssuer
from authgate.root import Authgate

JWKS_URL = "http://testserver/.well-known/jwks.json"


def downstream_app(auth: TokenAuth) -> FastAPI:
    """A service with no database and no secret: only authgate's public key."""
    app = FastAPI()

    @app.get("/orders")
    async def orders(user: Annotated[AccessClaims, Depends(auth.current_user)]) -> dict[str, Any]:
        return {"user_id": user.user_id, "roles": sorted(user.roles)}

    @app.get("/admin", dependencies=[Depends(auth.require_role("admin"))])
    async def admin() -> dict[str, str]:
        return {"ok": "admin"}

    return app


@pytest.fixture
def downstream(client: TestClient, clock: FrozenClock) -> Iterator[TestClient]:
    auth = TokenAuth.from_jwks(JWKS_URL, client=client, clock=clock)
    with TestClient(downstream_app(auth)) as test_client:
        yield test_client


def test_valid_token_is_accepted(downstream: TestClient, client: TestClient, alice: int) -> None:
    token = login(client)["access_token"]
    response = downstream.get("/orders", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"user_id": alice, "roles": ["user"]}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer junk"}])
def test_missing_or_bad_token_is_401(downstream: TestClient, headers: dict[str, str]) -> None:
    response = downstream.get("/orders", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    detail = response.json()["detail"]
    assert detail["code"] in {"not_authenticated", "invalid_token"} and detail["message"]


def test_expired_token_is_401(
    downstream: TestClient, client: TestClient, clock: FrozenClock, alice: int
) -> None:
    token = login(client)["access_token"]
    clock.advance(minutes=15, seconds=30)  # past expiry plus the 30 s default leeway
    response = downstream.get("/orders", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"]["code"] == "token_expired"


def test_require_role(
    downstream: TestClient, client: TestClient, service: Authgate, alice: int
) -> None:
    plain = login(client)["access_token"]
    response = downstream.get("/admin", headers=bearer(plain))
    assert response.status_code == 403
    assert response.json()["detail"]["code"] == "permission_denied"
    service.accounts.set_roles(alice, ["user", "admin"])
    admin = login(client)["access_token"]
    assert downstream.get("/admin", headers=bearer(admin)).json() == {"ok": "admin"}


def test_revoked_session_is_still_accepted_until_expiry(
    downstream: TestClient, client: TestClient, clock: FrozenClock, alice: int
) -> None:
    """The documented trade-off of stateless verification."""
    pair = login(client)
    client.post(f"{PREFIX}/logout", json={"refresh_token": pair["refresh_token"]})
    assert client.get(f"{PREFIX}/me", headers=bearer(pair["access_token"])).status_code == 401
    assert downstream.get("/orders", headers=bearer(pair["access_token"])).status_code == 200
    clock.advance(minutes=16)
    assert downstream.get("/orders", headers=bearer(pair["access_token"])).status_code == 401


def test_pem_configuration(
    client: TestClient, keys: KeySet, clock: FrozenClock, alice: int
) -> None:
    pem = keys.signing.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    auth = TokenAuth.from_pem(pem.decode(), clock=clock)
    with TestClient(downstream_app(auth)) as downstream:
        token = login(client)["access_token"]
        assert downstream.get("/orders", headers=bearer(token)).status_code == 200
    with pytest.raises(ValueError):
        auth.require_role()


def _jwks_transport(keysets: list[KeySet], calls: list[int]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if not keysets:
            return httpx.Response(503)
        return httpx.Response(200, json=keysets[0].jwks())

    return httpx.MockTransport(handler)


def test_jwks_is_cached_and_refetched_for_a_rotated_key(clock: FrozenClock) -> None:
    old = KeySet.from_private_key(generate_private_key())
    new = KeySet.from_private_key(generate_private_key(), [old.signing.private_key.public_key()])
    served, calls = [old], []
    resolver = JwksKeyResolver(
        JWKS_URL,
        min_refetch_seconds=0,
        client=httpx.Client(transport=_jwks_transport(served, calls)),
    )
    assert resolver.get(old.signing.kid) is not None
    assert resolver.get(old.signing.kid) is not None
    assert len(calls) == 1, "the key set is cached"
    served[0] = new
    assert resolver.get(new.signing.kid) is not None, "an unknown kid triggers a refetch"
    assert len(calls) == 2


def test_unknown_kids_cannot_flood_the_auth_server() -> None:
    calls: list[int] = []
    keys = KeySet.from_private_key(generate_private_key())
    resolver = JwksKeyResolver(
        JWKS_URL, client=httpx.Client(transport=_jwks_transport([keys], calls))
    )
    for n in range(20):
        assert resolver.get(f"made-up-{n}") is None
    assert len(calls) == 1


def test_unreachable_jwks_is_503(clock: FrozenClock) -> None:
    keys = KeySet.from_private_key(generate_private_key())
    issuer = AccessTokenIssuer(
        keys.signing, issuer="authgate", audience="authgate", ttl=timedelta(minutes=5), clock=clock
    )
    issued = issuer.issue(user_id=1, username="a", roles=[], session_id="s")
    auth = TokenAuth(
        JwksKeyResolver(JWKS_URL, client=httpx.Client(transport=_jwks_transport([], []))),
        clock=clock,
    )
    with TestClient(downstream_app(auth)) as downstream:
        response = downstream.get("/orders", headers=bearer(issued.token))
    assert response.status_code == 503
    assert response.json()["detail"]["code"] == "store_unavailable"
