"""What core needs from the store about passkeys (WebAuthn credentials).

Only the public key is stored: the private key never leaves the
authenticator. Recording a use is a conditional update on the stored
signature counter, so two replicas verifying the same assertion at once
cannot both accept it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["NewPasskey", "PasskeyRecord", "PasskeyRepository"]


@dataclass(frozen=True)
class _PasskeyFields:
    """What a passkey holds, before and after it is stored (built by keyword only)."""

    user_id: int
    credential_id: str
    user_handle: str
    public_key: bytes
    sign_count: int
    name: str
    transports: tuple[str, ...]
    aaguid: str
    backup_eligible: bool
    backed_up: bool
    created_at: datetime


@dataclass(frozen=True)
class NewPasskey(_PasskeyFields):
    """A verified registration to store; ``credential_id`` and ``user_handle`` are base64url."""


@dataclass(frozen=True)
class PasskeyRecord(_PasskeyFields):
    """One stored passkey: its public key, counter, backup flags and when it was used."""

    id: int
    last_used_at: datetime | None


class PasskeyRepository(Protocol):
    def add(self, new: NewPasskey) -> PasskeyRecord:
        """Store a passkey; DuplicateRecord when its credential id is already registered."""
        ...

    def find(self, credential_id: str) -> PasskeyRecord | None: ...

    def list_for_user(self, user_id: int) -> list[PasskeyRecord]:
        """The user's passkeys, oldest first."""
        ...

    def count_by_user(self, user_ids: Iterable[int]) -> dict[int, int]:
        """How many passkeys each of ``user_ids`` has (absent: none)."""
        ...

    def record_use(
        self, passkey_id: int, *, seen_count: int, sign_count: int, backed_up: bool, now: datetime
    ) -> bool:
        """Store the new counter if the stored one is still ``seen_count``; True for the winner."""
        ...

    def delete(self, user_id: int, passkey_id: int) -> PasskeyRecord | None:
        """Remove one of the user's passkeys; the record it had, or None when there was none."""
        ...
