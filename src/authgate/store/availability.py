"""One log line when the store becomes unavailable, one when it is back.

During an outage every request fails the same way; a traceback per request
(hundreds in ten seconds) buries the one line an operator needs. The store
reports each failure and each success here, and only the changes of state
are logged: "unavailable" with the first cause, "available again" with how
long it lasted and how many requests were refused meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time

__all__ = ["Availability"]

logger = logging.getLogger("authgate.store")


class Availability:
    """Up or down, as the last transaction found the database; logs only the changes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.down_since: float | None = None
        self._refused = 0
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.down_since is None

    def failed(self, cause: BaseException) -> None:
        with self._lock:
            self._refused += 1
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        logger.error(
            "authgate store unavailable (%s): %s: %s",
            self.name,
            type(cause).__name__,
            first_line[:300],
        )

    def succeeded(self) -> None:
        if self.down_since is None:  # the fast path: one attribute read
            return
        with self._lock:
            since, self.down_since = self.down_since, None
            refused, self._refused = self._refused, 0
        if since is not None:
            logger.warning(
                "authgate store available again (%s) after %.1f s; %d requests refused meanwhile",
                self.name,
                time.monotonic() - since,
                refused,
            )
