"""Single-use recovery codes: the way in when the authenticator app is lost.

Ten codes like ``7kq2m-xh9pd`` from an alphabet without look-alikes (no 0/o,
1/l/i), about 49 bits each. They are shown once; the store keeps
HMAC-SHA256(key, user id and code), the key derived from the configured
secret key (``RecoveryCodeHasher``), which is never in the database. 49 bits
are plenty behind the login throttle but not against an offline search of a
stolen table: a plain SHA-256 of every possible code is about 2^49 hashes,
days on one GPU. Without the key the digests are useless, and checking a
code still costs one HMAC (microseconds), far less than one password hash.

Codes stored before the key was used (SHA-256 of user id and code) keep
working: ``use_code`` also tries that digest. Regenerating the codes leaves
only keyed digests. Each digest ties the code to its owner. Hashing happens
here, so the store (``MfaRepository``) never sees a usable code. Spending a
code is one conditional update in the store, so the same code cannot be
spent twice even by two requests at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from authgate.config import AuthgateSettings
from authgate.core.ports.mfa import MfaRepository
from authgate.core.secrets import derive_key

__all__ = [
    "ALPHABET",
    "CODE_COUNT",
    "RecoveryCodeHasher",
    "generate_codes",
    "legacy_code_hash",
    "looks_like_recovery_code",
    "normalize_recovery_code",
    "replace_codes",
    "use_code",
]

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_COUNT = 10
_GROUP = 5
_SEPARATORS = re.compile(r"[\s-]+")


def generate_codes(count: int = CODE_COUNT) -> list[str]:
    """``count`` fresh, distinct codes formatted ``xxxxx-xxxxx``."""
    codes: set[str] = set()
    while len(codes) < count:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(2 * _GROUP))
        codes.add(f"{raw[:_GROUP]}-{raw[_GROUP:]}")
    return sorted(codes)


def normalize_recovery_code(text: object) -> str | None:
    """The canonical ``xxxxx-xxxxx`` form of what the user typed, or None.

    Case, spaces and dashes do not matter, so a code read aloud or copied
    with a stray space still works.
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    compact = _SEPARATORS.sub("", text).lower()
    if len(compact) != 2 * _GROUP or any(c not in ALPHABET for c in compact):
        return None
    return f"{compact[:_GROUP]}-{compact[_GROUP:]}"


def looks_like_recovery_code(text: object) -> bool:
    return normalize_recovery_code(text) is not None


def _message(user_id: int, canonical: str) -> bytes:
    return f"authgate-recovery:{user_id}:{canonical}".encode()


def legacy_code_hash(user_id: int, canonical: str) -> str:
    """The unkeyed SHA-256 digest that codes made before ``RecoveryCodeHasher`` were stored as."""
    return hashlib.sha256(_message(user_id, canonical)).hexdigest()


class RecoveryCodeHasher:
    """Keyed digests of recovery codes: HMAC-SHA256 under a key only the configuration holds.

    The key is derived (HKDF) from the secret key for this purpose alone, so
    it never equals the key that encrypts TOTP seeds. The digest is 64 hex
    characters, the column's size, like the old SHA-256 one.
    """

    def __init__(self, secret_key: str) -> None:
        self._key = derive_key(
            secret_key, salt=b"authgate recovery codes", info=b"authgate/recovery-codes/v1"
        )

    @classmethod
    def from_settings(cls, settings: AuthgateSettings) -> RecoveryCodeHasher:
        return cls(settings.resolved_secret_key())

    def __repr__(self) -> str:
        return "RecoveryCodeHasher()"

    def digest(self, user_id: int, canonical: str) -> str:
        """What the store keeps for a code: bound to its owner and to the secret key."""
        return hmac.new(self._key, _message(user_id, canonical), hashlib.sha256).hexdigest()

    def accepted(self, user_id: int, canonical: str) -> tuple[str, str]:
        """The digests a stored code may have: the keyed one, then the legacy SHA-256."""
        return self.digest(user_id, canonical), legacy_code_hash(user_id, canonical)


def replace_codes(
    codes_store: MfaRepository, hasher: RecoveryCodeHasher, user_id: int, *, now: datetime
) -> list[str]:
    """Replace the user's codes with a new set; return the plain codes (the only copy)."""
    codes = generate_codes()
    codes_store.replace_codes(user_id, [hasher.digest(user_id, code) for code in codes], now=now)
    return codes


def use_code(
    codes_store: MfaRepository,
    hasher: RecoveryCodeHasher,
    user_id: int,
    code: str,
    *,
    now: datetime,
) -> bool:
    """Spend ``code`` if it is one of the user's unused codes (either digest); True if it was."""
    canonical = normalize_recovery_code(code)
    if canonical is None:
        return False
    return any(
        codes_store.use_code(user_id, stored, now=now)
        for stored in hasher.accepted(user_id, canonical)
    )
