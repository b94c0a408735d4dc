"""Verifying an ID token: signature against the provider's keys, then its claims.

Checked, in OpenID Connect Core 3.1.3.7's order: the signature with a key of
the provider's JWKS and an asymmetric algorithm it announced (never ``none``,
never a MAC keyed by something public); ``iss`` is the issuer of the
metadata; ``aud`` holds our client id (and ``azp`` names us when there are
several audiences); ``exp`` is in the future and ``iat`` not far in it;
``nonce`` is the one this browser's flow sent. Any failure is one
``OidcFailed("token_invalid")``; the detail goes to the log, not the user.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from authgate.errors import OidcFailed

__all__ = ["ASYMMETRIC_ALGORITHMS", "verify_id_token"]

logger = logging.getLogger("authgate.oidc")

ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
_LEEWAY_SECONDS = 60
_MAX_TOKEN = 16_384


def verify_id_token(
    token: object,
    *,
    keys: Mapping[str, Any],
    algorithms: Collection[str],
    issuer: str,
    client_id: str,
    nonce: str,
    now: datetime,
) -> dict[str, Any]:
    """The ID token's claims once every check passed; ``OidcFailed`` otherwise."""
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN:
        raise _invalid("the ID token is missing or too long")
    allowed = [alg for alg in algorithms if alg in ASYMMETRIC_ALGORITHMS] or ["RS256"]
    try:
        key_set = KeySet.import_key_set(dict(keys))  # type: ignore[arg-type]
        decoded = jwt.decode(token, key_set, algorithms=allowed)
        registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=_LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            sub={"essential": True},
            aud={"essential": True, "value": client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise _invalid(f"{type(error).__name__}: {error}") from None
    claims = dict(decoded.claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise _invalid("several audiences and azp does not name this client")
    if claims["iat"] > now.timestamp() + _LEEWAY_SECONDS:
        raise _invalid("issued in the future")
    if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
        raise _invalid("sub is not a string of 1 to 255 characters")
    return claims


def _invalid(detail: str) -> OidcFailed:
    logger.warning("ID token refused: %s", detail)
    return OidcFailed("token_invalid")
