"""Issue 10, item 2: a concurrent burst of guesses cannot pass the lockout threshold.

The probe sent 40 wrong passwords for one account at once: 7 reached the hash
against a threshold of 5, and one lock wrote 3 ``account.locked`` rows,
because the lock was read before hashing and the failure counted after. Now
each guess is reserved before its hash, in one atomic step of the counter
store (a row lock in SQL, a Lua script in Redis): 50 guesses at once on
SQLite, PostgreSQL and Redis put exactly ``threshold`` through the hash,
refuse the rest, and write one lock row.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from throttle_support import STORES, at_once, count_hashes, throttled_services

from authgate.core.clock import FrozenClock
from authgate.errors import AccountLocked, InvalidCredentials

GOOD = "correct horse battery staple"
BURST = 50


@pytest.mark.parametrize("store", STORES)
def test_fifty_guesses_at_once_reach_the_hash_threshold_times(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FrozenClock()
    with throttled_services(store, tmp_path, clock, replicas=2) as (first, second):
        threshold = first.settings.lockout_threshold
        alice = first.accounts.register("alice", GOOD)
        hashes_first = count_hashes(first, monkeypatch)
        hashes_second = count_hashes(second, monkeypatch)
        guesses = [
            # two replicas, and a different address per guess (a botnet): only the
            # account's own counter can stop this burst
            partial(
                (first, second)[i % 2].logins.password,
                "alice",
                f"guess number {i}",
                ip=f"198.51.100.{i + 1}",
            )
            for i in range(BURST)
        ]
        answers = at_once(guesses)

        wrong = [a for a in answers if isinstance(a, InvalidCredentials)]
        locked = [a for a in answers if isinstance(a, AccountLocked)]
        assert (len(wrong), len(locked)) == (threshold, BURST - threshold), answers
        assert len(hashes_first) + len(hashes_second) == threshold
        assert len(first.audit.list(event_type="login.failed")) == threshold
        (lock,) = first.audit.list(event_type="account.locked")
        assert lock.user_id == alice.id and lock.detail["failures"] == threshold
        status = first.accounts.lockout_status(alice.id)
        assert (status.failures, status.refused) == (threshold, BURST - threshold)
        with pytest.raises(AccountLocked):  # the right password waits for the lock too
            second.logins.password("alice", GOOD)
        clock.advance(seconds=31)
        assert second.logins.password("alice", GOOD).user.id == alice.id
