"""The lockout rule: exponential, capped, self-ending, and forgetful after a window.

After ``threshold`` failures on a key, each further failure locks the key for
``base_delay * 2**(failures - threshold)``, capped at ``max_delay``. A lock ends
by itself; a success resets the key; failures older than ``window`` are
forgotten. There is no permanent lockout, so an attacker cannot lock a user
out for good. Every counter store (SQL, Redis) asks this policy; none restates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["ThrottlePolicy", "ThrottleStatus"]


@dataclass(frozen=True)
class ThrottlePolicy:
    threshold: int = 5
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("threshold must be >= 1")
        if self.base_delay <= timedelta(0) or self.max_delay < self.base_delay:
            raise ValueError("need 0 < base_delay <= max_delay")

    def forgets(
        self, last_failure_at: datetime, locked_until: datetime | None, now: datetime
    ) -> bool:
        """True when a key's failures are old enough to start counting from zero."""
        locked = locked_until is not None and locked_until > now
        return not locked and now - last_failure_at > self.window

    def lock_for(self, failures: int) -> timedelta | None:
        """How long ``failures`` consecutive failures lock the key, or None."""
        if failures < self.threshold:
            return None
        exponent = min(failures - self.threshold, 32)
        return min(self.base_delay * (1 << exponent), self.max_delay)


@dataclass(frozen=True)
class ThrottleStatus:
    key: str
    failures: int
    locked_until: datetime | None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now
