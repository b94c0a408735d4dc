"""Access tokens: short-lived JWTs that any service can check with a public key.

An access token says who the caller is (``sub``, ``username``, ``roles``), which
server-side session it belongs to (``sid``), how they authenticated (``amr``,
RFC 8176), for whom it was minted (``iss``, ``aud``) and, when an OAuth 2.0
client asked for it at the token endpoint, which client (``client_id``, RFC
9068). Its header carries
``typ: at+jwt`` (RFC 9068) and the key id, and verification insists on both,
so a JWT minted for another purpose or by another key cannot pass as one.

Expiry is checked against the injectable clock rather than PyJWT's wall clock,
so tests freeze time instead of sleeping. Verification is stateless: whether
the session behind ``sid`` is still alive is the caller's question (see
``TokenService.authenticate``).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import jwt

from authgate.core.clock import Clock, SystemClock
from authgate.core.tokens.jwk import VerificationKey
from authgate.core.tokens.jwt_keys import SigningKey
from authgate.errors import InvalidToken, TokenExpired

if TYPE_CHECKING:
    from jwt.types import Options

__all__ = [
    "ACCESS_TOKEN_TYPE",
    "AccessClaims",
    "AccessTokenIssuer",
    "AccessTokenVerifier",
    "IssuedAccessToken",
    "KeyResolver",
]

ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - a media type, not a secret
_MAX_TOKEN_LENGTH = 8192
_REQUIRED = ("sub", "username", "roles", "sid", "jti", "iat", "exp", "iss", "aud")
_INVALID = "The access token is not valid."
_EXPIRED = "The access token has expired."


@dataclass(frozen=True)
class AccessClaims:
    """The verified contents of an access token, named as the JWT claims are."""

    sub: str
    username: str
    roles: frozenset[str]
    sid: str
    jti: str
    iat: datetime
    exp: datetime
    iss: str
    aud: str
    amr: tuple[str, ...] = ()
    client_id: str | None = None

    @property
    def user_id(self) -> int:
        return int(self.sub)

    def has_role(self, *roles: str) -> bool:
        """True if the token grants at least one of ``roles``."""
        return bool(self.roles.intersection(roles))

    def to_payload(self) -> dict[str, Any]:
        """The JWT claims; ``client_id`` (RFC 9068) only when a client asked for the token."""
        payload: dict[str, Any] = {
            "sub": self.sub,
            "username": self.username,
            "roles": sorted(self.roles),
            "sid": self.sid,
            "jti": self.jti,
            "iat": int(self.iat.timestamp()),
            "exp": int(self.exp.timestamp()),
            "iss": self.iss,
            "aud": self.aud,
            "amr": list(self.amr),
        }
        if self.client_id is not None:
            payload["client_id"] = self.client_id
        return payload


@dataclass(frozen=True)
class IssuedAccessToken:
    """A freshly signed token and the claims inside it."""

    token: str = field(repr=False)
    claims: AccessClaims


class KeyResolver(Protocol):
    """Where a verifier finds the public key named by a token's ``kid``."""

    def get(self, kid: str | None) -> VerificationKey | None: ...


class AccessTokenIssuer:
    """Signs access tokens with the current key; ``ttl`` is fixed at construction."""

    def __init__(
        self,
        key: SigningKey,
        *,
        issuer: str,
        audience: str,
        ttl: timedelta,
        clock: Clock | None = None,
    ) -> None:
        if ttl <= timedelta(0):
            raise ValueError("access token ttl must be positive")
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl
        self._clock = clock or SystemClock()
        self._headers = {"kid": key.kid, "typ": ACCESS_TOKEN_TYPE}

    @property
    def ttl(self) -> timedelta:
        return self._ttl

    def issue(
        self,
        *,
        user_id: int,
        username: str,
        roles: Iterable[str],
        session_id: str,
        amr: Iterable[str] = ("pwd",),
        client_id: str | None = None,
    ) -> IssuedAccessToken:
        # NumericDate has whole seconds; truncate now so the claims object and
        # the token carry the same instants.
        now = self._clock.now().replace(microsecond=0)
        claims = AccessClaims(
            sub=str(user_id),
            username=username,
            roles=frozenset(roles),
            sid=session_id,
            jti=secrets.token_hex(16),
            iat=now,
            exp=now + self._ttl,
            iss=self._issuer,
            aud=self._audience,
            amr=tuple(amr),
            client_id=client_id,
        )
        token = jwt.encode(
            claims.to_payload(),
            self._key.private_key,
            algorithm=self._key.algorithm,
            headers=self._headers,
        )
        return IssuedAccessToken(token=token, claims=claims)


class AccessTokenVerifier:
    """Checks signature, header, issuer, audience, claim types and expiry.

    Raises ``TokenExpired`` for a well-formed token past its ``exp`` and
    ``InvalidToken`` for everything else (bad signature, unknown ``kid``,
    wrong ``typ``/``alg``/``iss``/``aud``, missing or mistyped claims), with
    messages that never echo the token. ``leeway`` tolerates clock skew
    between the issuer and a downstream service. Up to ``memo_size`` verified
    tokens are remembered so a token presented again skips the signature
    check (expiry is still checked every time); 0 turns that off. When it is
    full the oldest tenth goes, so a working set that fits keeps its hits.
    """

    def __init__(
        self,
        keys: KeyResolver,
        *,
        issuer: str,
        audience: str,
        clock: Clock | None = None,
        leeway: timedelta = timedelta(0),
        memo_size: int = 16_384,
    ) -> None:
        if leeway < timedelta(0):
            raise ValueError("leeway must not be negative")
        if memo_size < 0:
            raise ValueError("memo_size must not be negative")
        self._keys = keys
        self._memo: dict[str, tuple[AccessClaims, str, VerificationKey]] = {}
        self._memo_size = memo_size
        self._evicting = threading.Lock()
        self._issuer = issuer
        self._audience = audience
        self._clock = clock or SystemClock()
        self._leeway = leeway
        self._options: Options = {
            "verify_exp": False,  # checked below against the injectable clock
            "verify_iat": False,
            "verify_nbf": False,
            "require": list(_REQUIRED),
        }

    def verify(self, token: object) -> AccessClaims:
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_LENGTH:
            raise InvalidToken(_INVALID)
        claims = self._remembered(token) or self._check_signature(token)
        now = self._clock.now()
        if now >= claims.exp + self._leeway:
            raise TokenExpired(_EXPIRED)
        if claims.iat > now + self._leeway + timedelta(seconds=1):
            raise InvalidToken(_INVALID)
        return claims

    def _remembered(self, token: str) -> AccessClaims | None:
        """Claims of a token whose signature was already checked with a key still accepted.

        A client presents the same token for its whole life, and the signature
        check is most of the cost of a request; only successes are remembered,
        and only while the key that verified them is the one the resolver
        would use now (a rotated-out or refetched key forces a new check).
        """
        entry = self._memo.get(token)
        if entry is None:
            return None
        claims, kid, key = entry
        return claims if self._keys.get(kid) is key else None

    def _check_signature(self, token: str) -> AccessClaims:
        key, kid = self._key_for(token)
        try:
            payload = jwt.decode(
                token,
                key.public_key,
                algorithms=[key.algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options=self._options,
            )
        except jwt.InvalidTokenError:
            raise InvalidToken(_INVALID) from None
        claims = _claims_from(payload)
        if self._memo_size:
            if len(self._memo) >= self._memo_size:
                self._forget_oldest()
            self._memo[token] = (claims, kid, key)
        return claims

    def _forget_oldest(self) -> None:
        """Drop the oldest tenth (insertion order is age order); safe against a concurrent put."""
        with self._evicting:
            if len(self._memo) < self._memo_size:
                return  # another thread made room meanwhile
            for token in list(self._memo)[: max(1, self._memo_size // 10)]:
                self._memo.pop(token, None)

    def _key_for(self, token: str) -> tuple[VerificationKey, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise InvalidToken(_INVALID) from None
        kid = header.get("kid")
        if header.get("typ") != ACCESS_TOKEN_TYPE or not isinstance(kid, str):
            raise InvalidToken(_INVALID)
        key = self._keys.get(kid)
        if key is None or header.get("alg") != key.algorithm:
            raise InvalidToken(_INVALID)
        return key, kid


def _claims_from(payload: dict[str, Any]) -> AccessClaims:
    """Type-check the claims: a validly signed token with odd types is still refused."""
    sub, roles, amr = payload["sub"], payload["roles"], payload.get("amr", [])
    client_id = payload.get("client_id")
    strings = ("username", "sid", "jti", "iss")
    if (
        not isinstance(sub, str)
        or not sub.isdigit()
        or any(not isinstance(payload[name], str) for name in strings)
        or not _string_list(roles)
        or not _string_list(amr)
        or not isinstance(payload["aud"], str)
        or not isinstance(client_id, str | None)
    ):
        raise InvalidToken(_INVALID)
    return AccessClaims(
        sub=sub,
        username=payload["username"],
        roles=frozenset(roles),
        sid=payload["sid"],
        jti=payload["jti"],
        iat=_instant(payload["iat"]),
        exp=_instant(payload["exp"]),
        iss=payload["iss"],
        aud=payload["aud"],
        amr=tuple(amr),
        client_id=client_id,
    )


def _string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _instant(value: object) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(_INVALID)
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise InvalidToken(_INVALID) from None
