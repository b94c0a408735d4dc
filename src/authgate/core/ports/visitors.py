"""What core needs from the store about anonymous visitors.

A visitor is a browser that has not logged in but asked the app to keep
something for it. The store keeps the visitor's token only as its SHA-256,
like a session's; ``claim`` ends a visitor and says whether this call was
the one that ended it, so two logins racing with one visitor token cannot
both hand its data over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["NewVisitor", "VisitorRecord", "VisitorRepository"]


@dataclass(frozen=True)
class NewVisitor:
    """A visitor row to insert; ``id`` is public, ``token_hash`` is the cookie token's digest."""

    id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    ip: str | None


@dataclass(frozen=True)
class VisitorRecord:
    """A live anonymous visitor, without its token."""

    id: str
    created_at: datetime
    expires_at: datetime


class VisitorRepository(Protocol):
    def add(self, visitor: NewVisitor) -> VisitorRecord:
        """Insert a new visitor."""
        ...

    def find(self, *, token_hash: str, now: datetime) -> VisitorRecord | None:
        """The live (unexpired) visitor whose token has this digest."""
        ...

    def claim(self, *, token_hash: str, now: datetime) -> VisitorRecord | None:
        """Delete the live visitor with this token digest; None unless this call deleted it."""
        ...

    def delete_expired(self, *, now: datetime, batch_size: int) -> int:
        """Delete up to ``batch_size`` expired visitors; return how many."""
        ...
