"""Signing keys for access tokens: loading, development generation, key ids, JWKS.

Access tokens are signed with an asymmetric key (Ed25519 by default, RSA
allowed) so that other services can verify them with the public key alone and
never hold anything that can mint a token. The key id (``kid``) is the RFC 7638
thumbprint of the public key: it is derived, never configured, so two
deployments with the same key agree on it and a rotated key cannot reuse an id.

During rotation the previous public keys stay in the verification set (and in
the JWKS) until every token they signed has expired.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from authgate.config import AuthgateSettings
from authgate.core.tokens.jwk import (
    PublicKey,
    SigningAlgorithm,
    VerificationKey,
    algorithm_of,
    jwk_thumbprint,
)
from authgate.errors import ConfigurationError

__all__ = [
    "DEV_KEY_FILENAME",
    "KeySet",
    "PrivateKey",
    "PublicKey",
    "SigningAlgorithm",
    "SigningKey",
    "VerificationKey",
    "generate_private_key",
    "load_key_set",
    "load_public_key",
    "private_key_pem",
]

logger = logging.getLogger("authgate.jwt_keys")

PrivateKey = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey

DEV_KEY_FILENAME = "jwt_private_key.pem"
_MIN_RSA_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
    """The one private key new tokens are signed with."""

    kid: str
    algorithm: SigningAlgorithm
    private_key: PrivateKey = field(repr=False)

    @property
    def verification_key(self) -> VerificationKey:
        return VerificationKey(self.kid, self.algorithm, self.private_key.public_key())


class KeySet:
    """The current signing key plus every public key still accepted for verification.

    Looking up a key by ``kid`` returns None for an unknown id rather than
    raising, so the token verifier decides how to word the rejection.
    """

    def __init__(self, signing: SigningKey, previous: Iterable[VerificationKey] = ()) -> None:
        keys = {signing.kid: signing.verification_key}
        for key in previous:
            keys.setdefault(key.kid, key)
        self.signing = signing
        self._keys: dict[str, VerificationKey] = keys

    def __repr__(self) -> str:
        return f"KeySet(signing={self.signing.kid!r}, accepted={list(self._keys)!r})"

    @classmethod
    def from_private_key(
        cls, private_key: PrivateKey, previous_public_keys: Iterable[PublicKey] = ()
    ) -> KeySet:
        signing = SigningKey(
            jwk_thumbprint(private_key.public_key()),
            algorithm_of(private_key.public_key()),
            private_key,
        )
        return cls(signing, (_verification_key(k) for k in previous_public_keys))

    @property
    def verification_keys(self) -> tuple[VerificationKey, ...]:
        return tuple(self._keys.values())

    def get(self, kid: str | None) -> VerificationKey | None:
        """The accepted key with this id (a token without ``kid`` gets the signing key)."""
        if kid is None:
            return self._keys[self.signing.kid]
        return self._keys.get(kid)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public half as a JSON Web Key Set, current key first."""
        return {"keys": [key.to_jwk() for key in self._keys.values()]}


def load_key_set(settings: AuthgateSettings) -> KeySet:
    """Build the key set from the settings, generating a development key if allowed.

    Order: ``jwt_private_key`` (PEM text), then ``jwt_private_key_file``; with
    neither, development mode generates a key once and keeps it in
    ``data_dir`` (mode 0600) so tokens survive restarts, while production mode
    raises ConfigurationError: a server that silently invented a key would
    sign tokens no other replica can verify.
    """
    if settings.jwt_private_key is not None and settings.jwt_private_key.get_secret_value():
        private_key = _parse_private_key(
            _pem_text(settings.jwt_private_key.get_secret_value()), "AUTHGATE_JWT_PRIVATE_KEY"
        )
    elif settings.jwt_private_key_file is not None:
        private_key = _read_private_key_file(settings.jwt_private_key_file)
    elif settings.is_production:
        raise ConfigurationError(
            "No JWT signing key: set AUTHGATE_JWT_PRIVATE_KEY or AUTHGATE_JWT_PRIVATE_KEY_FILE "
            "in production mode (generate one with `openssl genpkey -algorithm ed25519`)."
        )
    else:
        private_key = _development_key(settings.data_dir, settings.jwt_algorithm)
    algorithm = algorithm_of(private_key.public_key())
    if algorithm != settings.jwt_algorithm:
        raise ConfigurationError(
            f"The JWT private key is for {algorithm} but AUTHGATE_JWT_ALGORITHM is "
            f"{settings.jwt_algorithm}."
        )
    previous = [load_public_key(pem) for pem in settings.jwt_previous_public_keys]
    return KeySet.from_private_key(private_key, previous)


def generate_private_key(algorithm: SigningAlgorithm = "EdDSA") -> PrivateKey:
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return ed25519.Ed25519PrivateKey.generate()


def private_key_pem(private_key: PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM, the format ``AUTHGATE_JWT_PRIVATE_KEY`` accepts."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_public_key(pem: str | bytes) -> PublicKey:
    """Parse a PEM public key (SubjectPublicKeyInfo); ConfigurationError if unusable."""
    data = _pem_text(pem) if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as error:
        raise ConfigurationError("A JWT public key is not a valid PEM public key.") from error
    if not isinstance(key, ed25519.Ed25519PublicKey | rsa.RSAPublicKey):
        raise ConfigurationError("JWT public keys must be Ed25519 or RSA.")
    _check_strength(key)
    return key


def _development_key(data_dir: Path, algorithm: SigningAlgorithm) -> PrivateKey:
    path = data_dir / DEV_KEY_FILENAME
    if path.exists():
        return _read_private_key_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_private_key(algorithm)
    # O_EXCL: two processes starting together must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_private_key_file(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private_key_pem(key))
    path.chmod(0o600)
    logger.warning(
        "authgate is in development mode with no JWT signing key: generated one in %s. "
        "Set AUTHGATE_JWT_PRIVATE_KEY_FILE (and AUTHGATE_MODE=production) before deploying.",
        path,
    )
    return key


def _pem_text(value: str) -> bytes:
    """PEM from an environment variable, where newlines often arrive as a literal ``\\n``."""
    if "\n" not in value and "\\n" in value:
        value = value.replace("\\n", "\n")
    return value.strip().encode("utf-8") + b"\n"


def _read_private_key_file(path: Path) -> PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigurationError(f"Cannot read the JWT private key file {path}.") from error
    return _parse_private_key(data, str(path))


def _parse_private_key(data: bytes, source: str) -> PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise ConfigurationError(f"{source} is not an unencrypted PEM private key.") from error
    if not isinstance(key, ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey):
        raise ConfigurationError(f"{source}: JWT signing keys must be Ed25519 or RSA.")
    _check_strength(key.public_key())
    return key


def _check_strength(public_key: PublicKey) -> None:
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size < _MIN_RSA_BITS:
        raise ConfigurationError(f"RSA JWT keys must have at least {_MIN_RSA_BITS} bits.")


def _verification_key(public_key: PublicKey) -> VerificationKey:
    return VerificationKey(jwk_thumbprint(public_key), algorithm_of(public_key), public_key)
