"""Random tokens and their stored digests."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["digest", "new_id", "new_token"]


def new_token() -> str:
    """256 random bits, URL-safe; the only copy goes to the client."""
    return secrets.token_urlsafe(32)


def new_id() -> str:
    """A public random identifier (128 bits, hex: safe in URLs and widget keys)."""
    return secrets.token_hex(16)


def digest(token: str) -> str:
    """The SHA-256 hex digest that the store keeps instead of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
