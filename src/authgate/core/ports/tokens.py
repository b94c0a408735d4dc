"""What core needs from the store about one-time tokens and refresh-token families.

Both kinds are kept as SHA-256 digests. Spending a token is a conditional
update (``claim``) so that of two racing requests exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

__all__ = [
    "NewOneTimeToken",
    "NewRefreshLink",
    "OneTimeTokenRecord",
    "OneTimeTokenRepository",
    "RefreshLink",
    "RefreshTokenRepository",
]


@dataclass(frozen=True)
class NewOneTimeToken:
    purpose: str
    token_hash: str
    user_id: int | None
    session_id: str | None
    created_at: datetime
    expires_at: datetime
    data: dict[str, Any] | None


@dataclass(frozen=True)
class OneTimeTokenRecord:
    id: int
    purpose: str
    user_id: int | None
    session_id: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    data: dict[str, Any]


class OneTimeTokenRepository(Protocol):
    def add(self, new: NewOneTimeToken) -> None: ...

    def find(self, purpose: str, token_hash: str) -> OneTimeTokenRecord | None: ...

    def claim(self, token_id: int, *, now: datetime) -> bool:
        """Mark the token used if it is not yet; True for the one caller that did."""
        ...

    def spend_all(self, user_id: int, purpose: str, *, now: datetime) -> None:
        """Mark every unused token of ``purpose`` for the user used."""
        ...

    def issued_since(self, user_id: int, purpose: str, *, since: datetime) -> bool:
        """True when a token of ``purpose`` was made for the user after ``since``."""
        ...

    def delete_expired(self, *, now: datetime, batch_size: int) -> int: ...


@dataclass(frozen=True)
class NewRefreshLink:
    family_id: str
    token_hash: str
    session_id: str
    user_id: int
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class RefreshLink:
    id: int
    family_id: str
    session_id: str
    user_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


class RefreshTokenRepository(Protocol):
    def add(self, new: NewRefreshLink) -> None: ...

    def find(self, token_hash: str) -> RefreshLink | None: ...

    def claim(self, link_id: int, *, now: datetime) -> bool:
        """Mark the link used if it is neither used nor revoked; True for the one winner."""
        ...

    def revoke_family(self, family_id: str, *, now: datetime) -> int: ...

    def delete_expired(self, *, now: datetime, batch_size: int) -> int: ...
