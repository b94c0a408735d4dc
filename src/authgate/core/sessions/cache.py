"""A short-lived read cache of live sessions, in front of the store.

``GET /me`` and ``/verify`` must refuse tokens whose session was revoked, but a
database read per request would make the revocation check cost more than the
rest of the request. This cache keeps a validated session for at most
``ttl``: a revocation made by this process is seen at once (the entry's
``state_version`` no longer matches), one made by another replica or the CLI
when the invalidation channel moves that version (within a second), or where
no exact channel exists within ``ttl``. The root picks ``ttl``: the
``session_revalidate_interval`` setting (5 s, the bound DESIGN.md allows a
read cache where no channel exists), or ``session_cache_max_age`` (5 min, a
backstop) when an exact channel carries every revocation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from authgate.core.records import SessionContext
from authgate.core.sessions.policy import SessionPolicy

__all__ = ["SessionCache"]


@dataclass(frozen=True)
class _Entry:
    context: SessionContext
    cached_at: datetime
    version: int


class SessionCache:
    """Validated sessions by id; ``ttl <= 0`` disables caching entirely."""

    def __init__(self, ttl: timedelta, *, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.ttl = ttl
        self._max = max_entries
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.ttl > timedelta(0)

    def get(self, session_id: str, *, now: datetime, version: int) -> SessionContext | None:
        entry = self._entries.get(session_id)
        if entry is None:
            return None
        if (
            entry.version != version
            or now - entry.cached_at >= self.ttl
            or now < entry.cached_at
            or not SessionPolicy.is_live(entry.context.session, now)
        ):
            self._entries.pop(session_id, None)
            return None
        return entry.context

    def put(self, context: SessionContext, *, now: datetime, version: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            if len(self._entries) >= self._max:
                # Drop the oldest tenth; insertion order is age order.
                for key in list(self._entries)[: max(1, self._max // 10)]:
                    self._entries.pop(key, None)
            self._entries[context.session.id] = _Entry(context, now, version)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
