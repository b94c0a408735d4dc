"""What core needs from the store about identities at providers linked to accounts.

An identity is what an OpenID provider says about a person: its issuer and
the subject it gave them, which together never change and never repeat.
The triple (provider, issuer, subject) is unique, so one identity belongs to
at most one account, and a racing second link loses with DuplicateRecord.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["IdentityRepository", "LinkedIdentity", "NewIdentity"]


@dataclass(frozen=True)
class _IdentityFields:
    """What a link says, before and after it is stored (built by keyword only)."""

    user_id: int
    provider: str
    issuer: str
    subject: str
    email: str | None
    linked_at: datetime


@dataclass(frozen=True)
class NewIdentity(_IdentityFields):
    """An identity to link to an account."""


@dataclass(frozen=True)
class LinkedIdentity(_IdentityFields):
    """An identity and its account, as the Account and Admin pages show it."""

    id: int
    last_used_at: datetime | None


class IdentityRepository(Protocol):
    def find(self, provider: str, issuer: str, subject: str) -> LinkedIdentity | None: ...

    def add(self, new: NewIdentity) -> LinkedIdentity:
        """Link the identity; DuplicateRecord when it is linked already."""
        ...

    def touch(self, identity_id: int, *, email: str | None, now: datetime) -> None:
        """Record a use (and the email the provider sent this time)."""
        ...

    def list_for(self, user_id: int) -> list[LinkedIdentity]:
        """The user's identities, oldest link first."""
        ...

    def remove(self, user_id: int, identity_id: int) -> LinkedIdentity | None:
        """Unlink one identity of the user; None when the user has no such identity."""
        ...
