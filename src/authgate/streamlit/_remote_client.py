"""The remote backend's transport: requests to the API, and the tokens it sends with them.

``RemoteApiClient`` makes one request at a time over a pooled httpx client
(which is thread-safe), turns failures into core exceptions
(``_remote_wire``), and acts for a session with the access token cached for it
(``_remote_cache``), renewing it shortly before it expires. Renewals of one
session are single-flight: a refresh token works once, and presenting a used
one would make the API end the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from authgate.errors import (
    ConfigurationError,
    InvalidToken,
    NotAuthenticated,
    SessionRevoked,
    StoreUnavailable,
    TokenReused,
)
from authgate.streamlit._remote_cache import CachedSession, SessionTokens, TokenCache
from authgate.streamlit._remote_wire import UnexpectedAnswer, error_from_response
from authgate.streamlit.backend import RequestMeta

__all__ = ["DEFAULT_PREFIX", "RemoteApiClient", "api_base_url"]

logger = logging.getLogger("authgate.streamlit.remote")

DEFAULT_PREFIX = "/api/auth"
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
T = TypeVar("T")


def api_base_url(api_url: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The API's base: ``api_url`` itself, or ``api_url`` + ``prefix`` when it has no path.

    Raises ConfigurationError for anything but an absolute http(s) URL. Plain
    http to another host would carry tokens in clear text, so it is logged.
    """
    parts = urlsplit(api_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigurationError("AUTHGATE_API_URL must be an http:// or https:// URL.")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        logger.warning("AUTHGATE_API_URL uses plain http to %s: use https", parts.hostname)
    path = parts.path.rstrip("/") or prefix.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


class RemoteApiClient:
    """Requests to one authgate API, and a token pair per session to make them with."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        client: httpx.Client | None,
        refresh_margin: float,
        max_sessions: int,
    ) -> None:
        if timeout <= 0 or refresh_margin < 0:
            raise ValueError("timeout must be positive and refresh_margin not negative")
        self.base_url = base_url
        self.cache = TokenCache(max_entries=max_sessions)
        self._margin = refresh_margin
        self._owns_client = client is None
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            headers={"User-Agent": "authgate-gate"},
        )

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        meta: RequestMeta | None = None,
    ) -> Any:
        """One request; the decoded JSON answer (None when empty) or the mapped exception.

        ``meta`` is the browser's: its user agent goes in ``User-Agent``, its address in
        ``X-Forwarded-For``, which the API honours only when it was told to
        trust this host as a proxy (uvicorn ``--proxy-headers``): nothing here
        makes the API trust it.
        """
        headers: dict[str, str] = {}
        ip, user_agent = (meta.get("ip"), meta.get("user_agent")) if meta else (None, None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if user_agent:
            headers["User-Agent"] = user_agent
        if ip:
            headers["X-Forwarded-For"] = ip
        try:
            response = self._client.request(
                method, self.base_url + path, json=json, params=params, headers=headers
            )
        except httpx.HTTPError as error:
            logger.warning("authgate API at %s unreachable: %s", self.base_url, error)
            raise StoreUnavailable() from error
        if not response.is_success:
            raise error_from_response(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise StoreUnavailable() from error

    @staticmethod
    def read(parse: Callable[[Any], T], data: Any) -> T:
        """``parse(data)``; an answer that does not fit the API's schema is StoreUnavailable."""
        try:
            return parse(data)
        except (UnexpectedAnswer, KeyError, TypeError, ValueError) as error:
            logger.warning("unexpected answer from the authgate API: %s", error)
            raise StoreUnavailable() from error

    def tokens(self, data: Any) -> SessionTokens:
        """The pair in a token answer (``/login``, ``/refresh``, ``/session/resolve``)."""
        now = self.cache.now()
        return self.read(
            lambda d: SessionTokens.received(
                str(d["access_token"]),
                str(d["refresh_token"]),
                expires_in=float(d["expires_in"]),
                refresh_expires_in=float(d["refresh_token_expires_in"]),
                now=now,
            ),
            data,
        )

    def fresh(self, entry: CachedSession, *, stale: SessionTokens | None = None) -> SessionTokens:
        """The entry's tokens, renewed first near expiry (or when ``stale`` was refused).

        A renewal the API refuses means the session is over: the entry goes,
        and the error is a ``NotAuthenticated`` the gate understands.
        """
        tokens = entry.tokens
        if stale is None and not tokens.needs_refresh(self.cache.now(), self._margin):
            return tokens
        with entry.lock:
            tokens = entry.tokens
            if stale is not None and tokens is not stale:
                return tokens  # another thread renewed it while we waited
            if stale is None and not tokens.needs_refresh(self.cache.now(), self._margin):
                return tokens
            try:
                data = self.call("POST", "/refresh", json={"refresh_token": tokens.refresh_token})
            except (InvalidToken, NotAuthenticated) as error:
                self.cache.pop(entry.session_id)
                if isinstance(error, NotAuthenticated):
                    raise
                raise SessionRevoked() from error
            entry.tokens = self.tokens(data)
            return entry.tokens

    def as_session(self, session_id: str, method: str, path: str, **options: Any) -> Any:
        """A request with the session's access token, renewed and retried once if refused.

        NotAuthenticated when no pair is cached for the session (the gate then
        asks the tab to log in again) or the API says the session is over.
        """
        entry = self.cache.get(session_id)
        if entry is None:
            raise NotAuthenticated()
        tokens = self.fresh(entry)
        try:
            try:
                return self.call(method, path, token=tokens.access_token, **options)
            except InvalidToken as error:
                if isinstance(error, TokenReused):
                    raise
                # Refused before its stated expiry (clock skew, a rotated key).
                tokens = self.fresh(entry, stale=tokens)
                return self.call(method, path, token=tokens.access_token, **options)
        except NotAuthenticated:
            self.cache.pop(session_id)
            raise
