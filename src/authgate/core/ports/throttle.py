"""What core needs from a failure counter (the database or Redis)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from authgate.core.lockout.policy import ThrottlePolicy, ThrottleStatus
from authgate.core.ports.store import Repositories

__all__ = ["Throttle"]


class Throttle(Protocol):
    policy: ThrottlePolicy

    def status(
        self, key: str, now: datetime, *, within: Repositories | None = None
    ) -> ThrottleStatus:
        """Current failures and lock of ``key`` (zero and unlocked when unknown).

        A SQL counter may answer inside the caller's open read transaction
        ``within``, saving a round trip on the login path; others ignore it.
        """
        ...

    def record_failure(self, key: str, now: datetime) -> ThrottleStatus:
        """Count one failure atomically (in its own transaction) and return the new status."""
        ...

    def reset(self, key: str) -> None:
        """Forget ``key`` (after a success, or an admin's unlock)."""
        ...
