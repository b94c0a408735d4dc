"""OAuth 2.0 clients: who is calling the token, revocation and introspection endpoints.

Public clients are the default (RFC 6749, section 2.1): any ``client_id``
without a secret may log in, refresh and revoke, because there the user's
password or the refresh token is the credential. Confidential clients are
configured with a secret (``AUTHGATE_OAUTH_CLIENTS``) and must present it
whenever they name themselves; only they, and only with ``may_introspect``,
may ask about other people's tokens. Secrets are kept as SHA-256 digests and
compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field

from authgate.core.secrets import digest
from authgate.errors import ConfigurationError, InvalidClient

__all__ = ["ClientRegistry", "ConfidentialClient", "OAuthClient"]


@dataclass(frozen=True)
class ConfidentialClient:
    """A configured client with its secret."""

    client_id: str
    secret: str = field(repr=False)
    may_introspect: bool = False


@dataclass(frozen=True)
class OAuthClient:
    """The client behind a request, once authenticated (``client_id`` None: it gave none)."""

    client_id: str | None
    confidential: bool = False
    may_introspect: bool = False


@dataclass(frozen=True)
class _Registered:
    secret_digest: str = field(repr=False)
    may_introspect: bool


class ClientRegistry:
    """The configured confidential clients; every other client id is a public client."""

    def __init__(self, clients: Iterable[ConfidentialClient] = ()) -> None:
        self._clients: dict[str, _Registered] = {}
        for client in clients:
            if not client.client_id or not client.secret:
                raise ConfigurationError("An OAuth client needs a client_id and a client_secret.")
            if client.client_id in self._clients:
                raise ConfigurationError(f"OAuth client {client.client_id!r} is listed twice.")
            self._clients[client.client_id] = _Registered(
                digest(client.secret), client.may_introspect
            )

    def authenticate(self, client_id: str | None, secret: str | None) -> OAuthClient:
        """The client for these credentials; raises InvalidClient when they do not hold.

        A configured client must give its secret; an unconfigured one must
        give none (a secret for a client nobody registered proves nothing).
        No ``client_id`` at all is a public client that did not name itself.
        """
        registered = self._clients.get(client_id) if client_id else None
        if registered is None:
            if secret:
                raise InvalidClient()
            return OAuthClient(client_id or None)
        if not secret or not hmac.compare_digest(digest(secret), registered.secret_digest):
            raise InvalidClient()
        return OAuthClient(client_id, confidential=True, may_introspect=registered.may_introspect)
