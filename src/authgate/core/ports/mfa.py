"""What core needs from the store about second factors and recovery codes.

The TOTP secret arrives already encrypted (``SecretBox``) and recovery codes
already hashed: the store never sees a usable secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["MfaFactor", "MfaRepository"]


@dataclass(frozen=True)
class MfaFactor:
    user_id: int
    secret_ciphertext: str
    enabled: bool
    created_at: datetime
    confirmed_at: datetime | None
    last_used_step: int | None


class MfaRepository(Protocol):
    def get(self, user_id: int) -> MfaFactor | None: ...

    def start(self, user_id: int, secret_ciphertext: str, *, now: datetime) -> None:
        """Replace a pending factor with a new one; DuplicateRecord when two start at once."""
        ...

    def enable(self, user_id: int, *, step: int, now: datetime) -> bool:
        """Switch a pending factor on at ``step``; False when it was already on (or gone)."""
        ...

    def advance_step(self, user_id: int, step: int) -> bool:
        """Move the replay guard forward to ``step``; False when a code at or past it was used."""
        ...

    def remove(self, user_id: int) -> None:
        """Delete the factor and every recovery code of the user."""
        ...

    def replace_codes(self, user_id: int, code_hashes: Sequence[str], *, now: datetime) -> None: ...

    def use_code(self, user_id: int, code_hash: str, *, now: datetime) -> bool:
        """Spend an unused code; True for the one caller that did."""
        ...

    def count_unused_codes(self, user_id: int) -> int: ...
