"""The remote backend's token cache: one access/refresh pair per session id.

A short-lived read cache in front of the API (DESIGN.md allows one); the
API's database stays the source of truth, and every answer the gate acts on
comes from the API. The cache is

- bounded (least recently used entries go first), so a flood of sessions
  cannot grow the process without limit;
- TTL'd: an entry dies with its refresh token, after which it could not be
  renewed anyway;
- thread-safe: Streamlit runs each tab's script in its own thread, and the
  cookie routes run on the server's event loop.

Each entry carries its own lock. Refresh tokens are single-use and presenting
a used one revokes the whole family, so renewals of one session must be
serialised (single-flight): the lock holder refreshes, the others wait and
then find the new pair.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["CachedSession", "SessionTokens", "TokenCache", "TokenTiming"]


@dataclass(frozen=True)
class TokenTiming:
    """When a session's access token dies and when the pair last arrived (no token inside)."""

    access_expires_in: float
    """Seconds until the access token expires (negative once it has)."""
    received_ago: float
    """Seconds since the pair arrived: the login or the last refresh."""


@dataclass(frozen=True)
class SessionTokens:
    """An access/refresh pair with deadlines on the monotonic clock (immune to clock skew)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: float
    access_lifetime: float
    refresh_expires_at: float

    @classmethod
    def received(
        cls,
        access_token: str,
        refresh_token: str,
        *,
        expires_in: float,
        refresh_expires_in: float,
        now: float,
    ) -> SessionTokens:
        """A pair just received; ``expires_in`` values are counted from ``now``."""
        return cls(
            access_token=access_token,
            refresh_token=refresh_token,
            access_expires_at=now + expires_in,
            access_lifetime=max(0.0, float(expires_in)),
            refresh_expires_at=now + refresh_expires_in,
        )

    def timing(self, now: float) -> TokenTiming:
        """The pair's deadlines as seconds from ``now`` (monotonic), for the debug panel."""
        received_at = self.access_expires_at - self.access_lifetime
        return TokenTiming(
            access_expires_in=self.access_expires_at - now, received_ago=now - received_at
        )

    def needs_refresh(self, now: float, margin: float) -> bool:
        """True within ``margin`` seconds of expiry (at most half the token's lifetime)."""
        return self.access_expires_at - now <= min(margin, self.access_lifetime / 2)


@dataclass
class CachedSession:
    """One session's pair; ``tokens`` is replaced only while holding ``lock``.

    ``enrollment_required`` is the server's MFA rule for the session's user,
    as its last answer about the session said. ``cookie_ticket`` is the ticket
    that came with the login, kept until ``cookie_ticket_until`` (monotonic).
    """

    session_id: str
    user_id: int
    tokens: SessionTokens
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    enrollment_required: bool = False
    cookie_ticket: str | None = field(default=None, repr=False)
    cookie_ticket_until: float = 0.0


class TokenCache:
    """Session id to ``CachedSession``, bounded and expiring with the refresh token."""

    def __init__(
        self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, CachedSession] = OrderedDict()
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._clock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, session_id: str) -> CachedSession | None:
        """The live entry for ``session_id`` (marked recently used), or None."""
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None:
                return None
            if entry.tokens.refresh_expires_at <= self._clock():
                del self._entries[session_id]
                return None
            self._entries.move_to_end(session_id)
            return entry

    def put(self, session_id: str, user_id: int, tokens: SessionTokens) -> CachedSession:
        """Store a new pair for a session, keeping the entry (and its lock) if there is one."""
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None or entry.user_id != user_id:
                entry = CachedSession(session_id, user_id, tokens)
                self._entries[session_id] = entry
            self._entries.move_to_end(session_id)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        if entry.tokens is not tokens:
            with entry.lock:
                entry.tokens = tokens
        return entry

    def note_enrollment_required(self, session_id: str, required: bool) -> None:
        """Record the server's MFA rule for a session's user, from an answer about the session."""
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is not None:
                entry.enrollment_required = required

    def keep_cookie_ticket(self, session_id: str, ticket: str, *, for_seconds: float) -> None:
        """Keep the ticket that came with a login, for ``take_cookie_ticket`` to hand out once."""
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is not None:
                entry.cookie_ticket = ticket
                entry.cookie_ticket_until = self._clock() + for_seconds

    def take_cookie_ticket(self, session_id: str) -> str | None:
        """The kept ticket of a session, once and while fresh; None otherwise.

        Tickets are single-use and short-lived on the server: a stale one would
        only fail at the browser's redeem, so it is dropped instead.
        """
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None or entry.cookie_ticket is None:
                return None
            ticket, entry.cookie_ticket = entry.cookie_ticket, None
            return ticket if self._clock() < entry.cookie_ticket_until else None

    def pop(self, session_id: str) -> CachedSession | None:
        with self._lock:
            return self._entries.pop(session_id, None)

    def acting(self, tab_session_id: str | None, user_id: int | None) -> CachedSession | None:
        """The session to act through: the tab's own, else the user's most recent one here.

        The tab's session counts only if it belongs to ``user_id`` (any user
        when None), so a page never acts for someone other than it shows.
        """
        if tab_session_id is not None:
            entry = self.get(tab_session_id)
            if entry is not None and user_id in (None, entry.user_id):
                return entry
        return None if user_id is None else self.latest_for_user(user_id)

    def latest_for_user(self, user_id: int) -> CachedSession | None:
        """The most recently used live entry of a user, or None."""
        now = self._clock()
        with self._lock:
            for entry in reversed(self._entries.values()):
                if entry.user_id == user_id and entry.tokens.refresh_expires_at > now:
                    return entry
        return None
