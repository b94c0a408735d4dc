"""Talking to one identity provider: its metadata, its keys and the code exchange.

The protocol pieces come from Authlib (the library ``st.login`` uses): the
authorization request with PKCE (S256), the token request. The transport is
httpx with a timeout, so a provider that hangs is an error page, not a hung
login. Metadata and keys are cached for an hour; keys are fetched again once
when a token names a key we do not have (the provider rotated its keys).

Every failure to reach the provider, or an answer that is not what the
protocol says, is ``OidcFailed("provider_unreachable")``: the user can only
try again, and the log says what went wrong.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from authgate.errors import OidcFailed
from authgate.oidc_settings import OidcProviderSettings, check_provider_url

__all__ = ["ProviderClient", "ProviderMetadata"]

logger = logging.getLogger("authgate.oidc")

_CACHE_SECONDS = 3600.0
_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
_MAX_ANSWER = 256 * 1024


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of ``.well-known/openid-configuration`` the flow uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]
    auth_methods: tuple[str, ...]


@dataclass(kw_only=True, eq=False)
class ProviderClient:
    """One provider's endpoints and keys, cached; safe to share between threads."""

    settings: OidcProviderSettings
    development: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _metadata: tuple[float, ProviderMetadata] | None = field(default=None, init=False)
    _keys: tuple[float, dict[str, Any]] | None = field(default=None, init=False)

    @property
    def name(self) -> str:
        return self.settings.name

    def metadata(self) -> ProviderMetadata:
        cached = self._metadata
        if cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS:
            return cached[1]
        answer = self._get_json(self.settings.server_metadata_url)
        try:
            metadata = ProviderMetadata(
                issuer=str(answer["issuer"]),
                authorization_endpoint=str(answer["authorization_endpoint"]),
                token_endpoint=str(answer["token_endpoint"]),
                jwks_uri=str(answer["jwks_uri"]),
                algorithms=tuple(answer.get("id_token_signing_alg_values_supported") or ()),
                auth_methods=tuple(
                    answer.get("token_endpoint_auth_methods_supported") or ("client_secret_basic",)
                ),
            )
            self._check_metadata(metadata)
        except (KeyError, TypeError, ValueError) as error:
            raise self._unreachable(f"unusable metadata: {error}") from None
        with self._lock:
            self._metadata = (time.monotonic(), metadata)
        return metadata

    def _check_metadata(self, metadata: ProviderMetadata) -> None:
        # OpenID Connect Discovery 4.3: the issuer is the URL the metadata was read from.
        expected = metadata.issuer.rstrip("/") + "/.well-known/openid-configuration"
        if expected != self.settings.server_metadata_url:
            raise ValueError(f"issuer {metadata.issuer!r} does not match the metadata URL")
        for url in (metadata.authorization_endpoint, metadata.token_endpoint, metadata.jwks_uri):
            check_provider_url(url, development=self.development)

    def keys(self, *, refresh: bool = False) -> dict[str, Any]:
        """The provider's JWKS (``{"keys": [...]}``), fetched again when ``refresh``."""
        cached = self._keys
        if not refresh and cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS:
            return cached[1]
        answer = self._get_json(self.metadata().jwks_uri)
        if not isinstance(answer.get("keys"), list):
            raise self._unreachable("the JWKS has no keys list")
        with self._lock:
            self._keys = (time.monotonic(), answer)
        return answer

    def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str
    ) -> str:
        """Where to send the browser: code flow, PKCE S256, ``state`` and ``nonce``."""
        url: str = prepare_grant_uri(
            self.metadata().authorization_endpoint,
            self.settings.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=self.settings.scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
        )
        return url

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        """Trade the authorization code for the provider's tokens (an ``id_token`` among them)."""
        metadata = self.metadata()
        body = prepare_token_request(
            "authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=code_verifier,
        )
        auth: tuple[str, str] | None = None
        secret = self.settings.client_secret
        if secret is None:
            body += "&" + httpx.QueryParams({"client_id": self.settings.client_id}).__str__()
        elif "client_secret_basic" in metadata.auth_methods:
            auth = (self.settings.client_id, secret.get_secret_value())
        else:
            body += "&" + str(
                httpx.QueryParams(
                    {
                        "client_id": self.settings.client_id,
                        "client_secret": secret.get_secret_value(),
                    }
                )
            )
        try:
            response = httpx.post(
                metadata.token_endpoint,
                content=body,
                auth=auth,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
                timeout=_TIMEOUT,
            )
        except httpx.HTTPError as error:
            raise self._unreachable(f"token request failed: {error}") from None
        answer = self._json_of(response)
        if response.status_code != 200 or "id_token" not in answer:
            # A code that is wrong, spent or not ours: the callback was tampered with.
            logger.warning(
                "provider %s refused the code: %s %s",
                self.name,
                response.status_code,
                answer.get("error"),
            )
            raise OidcFailed("token_invalid")
        return answer

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=_TIMEOUT, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise self._unreachable(f"{url}: {error}") from None
        if response.status_code != 200:
            raise self._unreachable(f"{url}: HTTP {response.status_code}")
        return self._json_of(response)

    def _json_of(self, response: httpx.Response) -> dict[str, Any]:
        if len(response.content) > _MAX_ANSWER:
            raise self._unreachable("the answer is too large")
        try:
            value = response.json()
        except ValueError:
            raise self._unreachable("the answer is not JSON") from None
        if not isinstance(value, dict):
            raise self._unreachable("the answer is not a JSON object")
        return value

    def _unreachable(self, detail: str) -> OidcFailed:
        logger.warning("identity provider %s: %s", self.name, detail)
        return OidcFailed("provider_unreachable")
