"""The lockout rule: exponential, capped, self-ending, and forgetful after a window.

After ``threshold`` failures on a key, each further failure locks the key for
``base_delay * 2**(failures - threshold)``, capped at ``max_delay``. A lock ends
by itself; a success resets the key; failures older than ``window`` are
forgotten. There is no permanent lockout, so an attacker cannot lock a user
out for good. Every counter store (SQL, Redis) asks this policy; none restates it.

A guess is counted *before* its secret is checked (a reservation): the count
and the lock it may start are one atomic step in the store, so a burst of
concurrent guesses cannot all read "not locked yet" and all be evaluated. The
records of that step (``Claim``, ``Hold``, ``Reservation``) live here with the
rule, since core and every store speak them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Claim", "Hold", "Reservation", "ThrottlePolicy", "ThrottleStatus"]


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

    @classmethod
    def per_window(cls, limit: int, window: timedelta) -> ThrottlePolicy:
        """At most ``limit`` failures, then locked for ``window`` (a client's budget).

        The exponential rule with its delays pinned to the window: the
        ``limit``-th failure locks the key for ``window``, after which the
        failures are forgotten (none was counted during the lock).
        """
        return cls(threshold=limit, base_delay=window, max_delay=window, window=window)

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
    """A key's counted failures, its lock, and the attempts refused while it was locked."""

    key: str
    failures: int
    locked_until: datetime | None
    refused: int = 0

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class Claim:
    """One key an attempt is to be counted on, under that key's policy."""

    key: str
    policy: ThrottlePolicy


@dataclass(frozen=True)
class Hold:
    """A granted claim: the key with this attempt counted.

    ``locks`` says this very attempt started the lock in ``status`` (so one
    lock is announced once, by its holder). ``refused_before`` is how many
    attempts the key's previous lock refused; the store hands that number out
    once, with the first attempt it grants after that lock ended.
    """

    key: str
    status: ThrottleStatus
    locks: bool = False
    refused_before: int = 0


@dataclass(frozen=True)
class Reservation:
    """The store's answer to a reservation: every claim held, or none and the refusing lock."""

    holds: tuple[Hold, ...] = ()
    refused_by: ThrottleStatus | None = None

    @property
    def granted(self) -> bool:
        return self.refused_by is None
