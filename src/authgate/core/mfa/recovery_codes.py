"""Single-use recovery codes: the way in when the authenticator app is lost.

Ten codes like ``7kq2m-xh9pd`` from an alphabet without look-alikes (no 0/o,
1/l/i), about 49 bits each. They are shown once; the store keeps
SHA-256(user id, code), which is enough for random codes of that entropy
behind the login throttle, and which ties each code to its owner. Hashing
happens here, so the store (``MfaRepository``) never sees a usable code.
Spending a code is one conditional update in the store, so the same code
cannot be spent twice even by two requests at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from authgate.core.ports.mfa import MfaRepository

__all__ = [
    "ALPHABET",
    "CODE_COUNT",
    "code_hash",
    "generate_codes",
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


def code_hash(user_id: int, canonical: str) -> str:
    """What the store keeps for a code: bound to its owner, so a code works for one user only."""
    return hashlib.sha256(f"authgate-recovery:{user_id}:{canonical}".encode()).hexdigest()


def replace_codes(codes_store: MfaRepository, user_id: int, *, now: datetime) -> list[str]:
    """Replace the user's codes with a new set; return the plain codes (the only copy)."""
    codes = generate_codes()
    codes_store.replace_codes(user_id, [code_hash(user_id, code) for code in codes], now=now)
    return codes


def use_code(codes_store: MfaRepository, user_id: int, code: str, *, now: datetime) -> bool:
    """Spend ``code`` if it is one of the user's unused codes; True if it was."""
    canonical = normalize_recovery_code(code)
    if canonical is None:
        return False
    return codes_store.use_code(user_id, code_hash(user_id, canonical), now=now)
