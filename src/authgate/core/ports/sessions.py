"""What core needs from the store about server-side sessions.

The store keeps a session's token only as its SHA-256 (``token_hash``); core
makes the token and its digest. Reads used on every page view
(``find_live``) return the session and its user in one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from authgate.core.records import AuthUser, SessionRecord

__all__ = ["NewSession", "SessionRepository", "SessionView"]


@dataclass(frozen=True)
class NewSession:
    """A session row to insert; times come from ``SessionPolicy``."""

    id: str
    token_hash: str
    user_id: int
    created_at: datetime
    idle_timeout_seconds: int
    expires_at: datetime
    absolute_expires_at: datetime
    remember: bool
    mfa: bool
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session and its user as read in one go; ``idle_seconds`` drives the slide."""

    session: SessionRecord
    user: AuthUser
    idle_seconds: int


class SessionRepository(Protocol):
    def add(self, new: NewSession) -> SessionRecord: ...

    def find(
        self, *, session_id: str | None = None, token_hash: str | None = None
    ) -> SessionView | None:
        """The session named by id or by token digest, with its user, in any state."""
        ...

    def slide(self, session_id: str, *, last_seen_at: datetime, expires_at: datetime) -> None:
        """Record activity: move ``last_seen_at`` and the idle expiry."""
        ...

    def set_token_hash(self, session_id: str, token_hash: str) -> None:
        """Rotate the session's token (the old one stops working)."""
        ...

    def delete(self, session_id: str) -> SessionRecord | None:
        """End one session; the record it had, or None when it was already gone."""
        ...

    def delete_for_user(self, user_id: int, *, keep: str | None = None) -> int:
        """End every session of the user except ``keep``; how many ended."""
        ...

    def list_live(self, user_id: int, *, now: datetime) -> list[SessionRecord]:
        """The user's unexpired sessions, most recently used first."""
        ...

    def list_all_live(self, *, now: datetime, limit: int) -> list[tuple[SessionRecord, str]]:
        """Every unexpired session with its owner's username, most recently used first."""
        ...

    def count_live(self, *, now: datetime) -> int: ...

    def delete_expired(self, *, now: datetime, batch_size: int) -> int:
        """Delete one batch of expired sessions; how many went."""
        ...
