"""What core needs from a failure counter (the database or Redis)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from authgate.core.lockout.policy import Claim, Hold, Reservation, ThrottlePolicy, ThrottleStatus
from authgate.core.ports.store import Repositories

__all__ = ["Throttle"]


class Throttle(Protocol):
    """Failure counters per key, changed atomically so replicas and threads agree.

    ``within`` is the caller's open transaction: a SQL counter works inside
    it (one round trip fewer on the login path, and the change commits with
    the caller's); other stores ignore it and act at once.
    """

    def status(
        self,
        key: str,
        policy: ThrottlePolicy,
        now: datetime,
        *,
        within: Repositories | None = None,
    ) -> ThrottleStatus:
        """Current failures and lock of ``key`` (zero and unlocked when unknown)."""
        ...

    def reserve(
        self, claims: Sequence[Claim], now: datetime, *, within: Repositories | None = None
    ) -> Reservation:
        """Count one attempt on every claim, or on none of them, in one atomic step.

        While any claimed key is locked at ``now`` nothing is counted: each
        locked key's ``refused`` number goes up by one and the answer names
        the lock that ends last. Otherwise every key counts the attempt,
        may lock by its policy, and the answer holds them all.
        """
        ...

    def give_back(
        self,
        holds: Sequence[Hold],
        now: datetime,
        *,
        forget: Collection[str] = (),
        within: Repositories | None = None,
    ) -> Mapping[str, int]:
        """Undo held counts after a success: keys in ``forget`` start over, others drop one.

        A lock the hold itself started ends with it. Returns, per key, the
        attempts refused by a lock that ends here (only keys with some).
        """
        ...

    def reset(self, key: str, *, within: Repositories | None = None) -> int:
        """Forget ``key`` (an admin's unlock, a new password); returns its pending refusals."""
        ...
