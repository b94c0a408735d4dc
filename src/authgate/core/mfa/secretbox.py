"""Encrypt small secrets at rest (TOTP seeds) with a key from the configuration.

A TOTP seed cannot be hashed like a password: the server must read it back to
compute codes. So it is encrypted with AES-256-GCM under a key derived by
HKDF-SHA256 from ``settings.resolved_secret_key()``; a copy of the database
without the configuration yields no usable seed. Each ciphertext is bound to
a context string (for example ``mfa:<user id>``) as associated data, so a
ciphertext copied onto another user's row does not decrypt.

Key rotation: pass the old secret keys as ``previous_keys``; decryption tries
the current key first, encryption always uses it.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from authgate.config import AuthgateSettings
from authgate.core.secrets import derive_key
from authgate.errors import ConfigurationError

__all__ = ["SecretBox"]

_VERSION = "v1"
_NONCE_BYTES = 12


def _derive(secret_key: str, purpose: str) -> AESGCM:
    info = f"authgate/{purpose}/{_VERSION}".encode()
    return AESGCM(derive_key(secret_key, salt=b"authgate secretbox", info=info))


class SecretBox:
    """Authenticated encryption of short text under keys derived for one purpose.

    The output is ``v1:`` plus URL-safe base64 of nonce and ciphertext, short
    enough for a ``String(255)`` column. Neither the keys nor the plaintext
    ever appear in a repr or a log line.
    """

    def __init__(self, secret_key: str, *, purpose: str, previous_keys: Sequence[str] = ()) -> None:
        self._purpose = purpose
        self._current = _derive(secret_key, purpose)
        self._all = [self._current, *(_derive(k, purpose) for k in previous_keys if k)]

    @classmethod
    def from_settings(cls, settings: AuthgateSettings, *, purpose: str) -> SecretBox:
        """The box for ``purpose`` keyed by the configured secret key."""
        return cls(settings.resolved_secret_key(), purpose=purpose)

    def __repr__(self) -> str:
        return f"SecretBox(purpose={self._purpose!r})"

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """Encrypt ``plaintext`` bound to ``context`` (it must be given again to decrypt)."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._current.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{_VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, ciphertext: str, *, context: str) -> str:
        """The plaintext of ``ciphertext``.

        Raises ConfigurationError when no configured key opens it: the secret
        key changed without listing the old one, or the row was tampered with.
        That is an operator's problem, so the message says so and shows nothing.
        """
        version, _, body = ciphertext.partition(":")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raw = b""
        if version == _VERSION and len(raw) > _NONCE_BYTES:
            nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
            for cipher in self._all:
                try:
                    return cipher.decrypt(nonce, sealed, context.encode("utf-8")).decode("utf-8")
                except InvalidTag:
                    continue
        raise ConfigurationError(
            "A stored secret cannot be decrypted with the configured secret key "
            "(was AUTHGATE_SECRET_KEY changed?)."
        )
