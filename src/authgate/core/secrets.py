"""Random tokens and their stored digests."""

from __future__ import annotations

import hashlib
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from authgate.errors import ConfigurationError

__all__ = ["derive_key", "digest", "new_id", "new_token"]


def new_token() -> str:
    """256 random bits, URL-safe; the only copy goes to the client."""
    return secrets.token_urlsafe(32)


def new_id() -> str:
    """A public random identifier (128 bits, hex: safe in URLs and widget keys)."""
    return secrets.token_hex(16)


def digest(token: str) -> str:
    """The SHA-256 hex digest that the store keeps instead of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derive_key(secret_key: str, *, salt: bytes, info: bytes) -> bytes:
    """A 256-bit key for one purpose (HKDF-SHA256 of the configured secret key).

    Each use (encrypting TOTP seeds, keying recovery-code digests) gets its
    own ``info``, so no key ever serves two purposes; ConfigurationError for
    an empty secret key.
    """
    if not secret_key:
        raise ConfigurationError("A derived key needs a non-empty secret key.")
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info)
    return kdf.derive(secret_key.encode("utf-8"))
