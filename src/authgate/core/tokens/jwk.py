"""JSON Web Keys (RFC 7517, RFC 8037): the public-key encoding JWKS documents use.

Kept apart from key loading so a service that only verifies tokens can turn a
published key set into key objects without touching settings or files.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

__all__ = [
    "PublicKey",
    "SigningAlgorithm",
    "VerificationKey",
    "algorithm_of",
    "jwk_thumbprint",
    "public_key_from_jwk",
    "public_key_to_jwk",
]

SigningAlgorithm = Literal["EdDSA", "RS256"]
PublicKey = ed25519.Ed25519PublicKey | rsa.RSAPublicKey


@dataclass(frozen=True)
class VerificationKey:
    """A public key that access tokens may be checked against, with its id and algorithm."""

    kid: str
    algorithm: SigningAlgorithm
    public_key: PublicKey = field(repr=False)

    def to_jwk(self) -> dict[str, str]:
        return {
            **public_key_to_jwk(self.public_key),
            "kid": self.kid,
            "alg": self.algorithm,
            "use": "sig",
        }


def algorithm_of(public_key: PublicKey) -> SigningAlgorithm:
    return "EdDSA" if isinstance(public_key, ed25519.Ed25519PublicKey) else "RS256"


def public_key_to_jwk(public_key: PublicKey) -> dict[str, str]:
    """The key's required JWK members (RFC 7517/8037), nothing else."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}
    numbers = public_key.public_numbers()
    return {"kty": "RSA", "n": _b64(_int_bytes(numbers.n)), "e": _b64(_int_bytes(numbers.e))}


def public_key_from_jwk(jwk: Mapping[str, Any]) -> VerificationKey:
    """Parse one published JWK (Ed25519 or RSA); ValueError for anything else.

    The ``kid`` is taken from the JWK when present, else computed (RFC 7638).
    """
    kty, crv = jwk.get("kty"), jwk.get("crv")
    public_key: PublicKey
    try:
        if kty == "OKP" and crv == "Ed25519":
            public_key = ed25519.Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
        elif kty == "RSA":
            e, n = (int.from_bytes(_unb64(jwk[m]), "big") for m in ("e", "n"))
            public_key = rsa.RSAPublicNumbers(e, n).public_key()
        else:
            raise ValueError(f"unsupported JWK (kty={kty!r}, crv={crv!r})")
    except (KeyError, TypeError) as error:
        raise ValueError("malformed JWK") from error
    kid = jwk.get("kid")
    return VerificationKey(
        kid if isinstance(kid, str) and kid else jwk_thumbprint(public_key),
        algorithm_of(public_key),
        public_key,
    )


def jwk_thumbprint(public_key: PublicKey | Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint: required members, sorted, no whitespace, base64url."""
    jwk = public_key if isinstance(public_key, Mapping) else public_key_to_jwk(public_key)
    required = {
        "OKP": ("crv", "kty", "x"),
        "RSA": ("e", "kty", "n"),
        "EC": ("crv", "kty", "x", "y"),
    }
    members = required.get(str(jwk.get("kty")))
    if members is None:
        raise ValueError(f"unsupported JWK key type {jwk.get('kty')!r}")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode("utf-8")).digest())


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")


def _unb64(value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError("JWK members must be base64url strings")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as error:
        raise ValueError("JWK member is not base64url") from error


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
