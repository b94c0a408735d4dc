"""Protect another FastAPI app with authgate access tokens, using the public key alone.

A service that sits next to authgate needs no database and no secret: it
fetches the JWKS (or is given a PEM), verifies each bearer token locally and
reads the claims::

    auth = TokenAuth.from_jwks("https://auth.example.com/.well-known/jwks.json")

    @app.get("/orders")
    def orders(user: Annotated[AccessClaims, Depends(auth.current_user)]): ...

    @app.get("/admin", dependencies=[Depends(auth.require_role("admin"))])
    def admin(): ...

The trade-off: such a service cannot see revocations. A logged-out session's
access token keeps working here until it expires (15 minutes by default);
call authgate's ``/verify`` where that window matters.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import jwt
from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from authgate.api.errors import status_for
from authgate.core.clock import Clock
from authgate.core.tokens.jwk import PublicKey, VerificationKey, algorithm_of, jwk_thumbprint
from authgate.core.tokens.jwk import public_key_from_jwk as _from_jwk
from authgate.core.tokens.jwt_keys import load_public_key
from authgate.core.tokens.jwt_tokens import AccessClaims, AccessTokenVerifier, KeyResolver
from authgate.errors import AuthgateError, NotAuthenticated, PermissionDenied, StoreUnavailable

__all__ = ["AccessClaims", "JwksKeyResolver", "StaticKeyResolver", "TokenAuth"]

logger = logging.getLogger("authgate.api.dependencies")

_DEFAULT_TOKEN_URL = "/api/auth/token"  # noqa: S105 - a URL path, not a secret


class StaticKeyResolver:
    """Fixed public keys (PEM), for services configured without a JWKS URL."""

    def __init__(self, public_keys: list[PublicKey]) -> None:
        self._keys = {
            jwk_thumbprint(k): VerificationKey(jwk_thumbprint(k), algorithm_of(k), k)
            for k in public_keys
        }

    def get(self, kid: str | None) -> VerificationKey | None:
        if kid is None:
            return None
        return self._keys.get(kid)

    def would_fetch(self, kid: str | None) -> bool:
        return False


class JwksKeyResolver:
    """Public keys from a JWKS URL, cached for ``cache_seconds``.

    An unknown ``kid`` (a key rotated in since the last fetch) triggers a
    refetch, at most once per ``min_refetch_seconds``, so tokens with made-up
    key ids cannot turn this service into a flood against the auth server. If
    a refetch fails, the keys already known stay in use; with no keys at all,
    verification fails with StoreUnavailable (503), not with "invalid token".
    """

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 300.0,
        min_refetch_seconds: float = 30.0,
        timeout: float = 5.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = url
        self._cache_seconds = cache_seconds
        self._min_refetch = min_refetch_seconds
        self._client = client or httpx.Client(timeout=timeout)
        self._keys: dict[str, VerificationKey] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def would_fetch(self, kid: str | None) -> bool:
        """True when ``get(kid)`` would go to the network (callers move off the event loop)."""
        now = time.monotonic()
        if now - self._fetched_at >= self._cache_seconds:
            return True
        return kid not in self._keys and now - self._fetched_at >= self._min_refetch

    def get(self, kid: str | None) -> VerificationKey | None:
        if kid is None:
            return None
        if self.would_fetch(kid):
            with self._lock:
                if self.would_fetch(kid):
                    self._refresh()
        return self._keys.get(kid)

    def _refresh(self) -> None:
        try:
            response = self._client.get(self.url)
            response.raise_for_status()
            keys = _parse_jwks(response.json())
        except (httpx.HTTPError, ValueError) as error:
            self._fetched_at = time.monotonic()  # back off for min_refetch_seconds
            logger.warning("cannot fetch the JWKS from %s: %s", self.url, error)
            if not self._keys:
                raise StoreUnavailable("The token signing keys cannot be fetched.") from error
            return
        self._keys = keys
        self._fetched_at = time.monotonic()


class TokenAuth:
    """``current_user`` and ``require_role(...)`` dependencies over one verifier.

    Failures answer in authgate's error shape (``{"detail": {"code", "message",
    "errors"}}``), 401 with ``WWW-Authenticate: Bearer``, without needing
    authgate's exception handlers in the host app.
    """

    def __init__(
        self,
        keys: KeyResolver,
        *,
        issuer: str = "authgate",
        audience: str = "authgate",
        leeway: timedelta = timedelta(seconds=30),
        token_url: str = _DEFAULT_TOKEN_URL,
        clock: Clock | None = None,
    ) -> None:
        self._keys = keys
        self.verifier = AccessTokenVerifier(
            keys, issuer=issuer, audience=audience, leeway=leeway, clock=clock
        )
        self.scheme = OAuth2PasswordBearer(tokenUrl=token_url, auto_error=False)
        self.current_user = self._build_current_user()

    @classmethod
    def from_jwks(cls, url: str, **options: Any) -> TokenAuth:
        """Verify with the keys published at ``url`` (authgate's ``/.well-known/jwks.json``)."""
        client = options.pop("client", None)
        return cls(JwksKeyResolver(url, client=client), **options)

    @classmethod
    def from_pem(cls, *public_keys: str | bytes, **options: Any) -> TokenAuth:
        """Verify with fixed PEM public keys (current first, then any still accepted)."""
        return cls(StaticKeyResolver([load_public_key(k) for k in public_keys]), **options)

    def require_role(self, *roles: str) -> Callable[..., Awaitable[AccessClaims]]:
        """A dependency that lets through tokens granting at least one of ``roles`` (else 403)."""
        if not roles:
            raise ValueError("require_role needs at least one role")
        current_user = self.current_user

        async def role_checked(claims: AccessClaims = Depends(current_user)) -> AccessClaims:  # noqa: B008
            if not claims.has_role(*roles):
                raise _http_error(PermissionDenied())
            return claims

        return role_checked

    async def verify(self, token: str) -> AccessClaims:
        """Verify on the event loop when the key is cached, in a thread when it must be fetched."""
        try:
            if self._needs_fetch(token):
                return await run_in_threadpool(self.verifier.verify, token)
            return self.verifier.verify(token)
        except AuthgateError as error:
            raise _http_error(error) from None

    def _needs_fetch(self, token: str) -> bool:
        would_fetch = getattr(self._keys, "would_fetch", None)
        if would_fetch is None:
            return True
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError:
            return False  # the verifier will refuse it without any key
        return bool(would_fetch(kid if isinstance(kid, str) else None))

    def _build_current_user(self) -> Callable[..., Awaitable[AccessClaims]]:
        scheme = self.scheme

        async def current_user(token: str | None = Depends(scheme)) -> AccessClaims:
            if not token:
                raise _http_error(NotAuthenticated("An access token is required."))
            return await self.verify(token)

        return current_user


def _parse_jwks(document: object) -> dict[str, VerificationKey]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK Set")
    keys: dict[str, VerificationKey] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig":
            continue
        try:
            key = _from_jwk(jwk)
        except ValueError:
            continue  # a key type we do not use; the others still count
        keys[key.kid] = key
    return keys


def _http_error(error: AuthgateError) -> HTTPException:
    status = status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    detail = {"code": error.code, "message": error.message, "errors": []}
    return HTTPException(status_code=status, detail=detail, headers=headers)
