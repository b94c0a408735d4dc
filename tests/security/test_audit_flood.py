"""Issue 10, item 4: attempts refused while locked do not flood the audit log.

The probe made 993 audit rows in 9 seconds from one attacker: every attempt
refused by a lock wrote a ``login.failed`` row. Now a refusal writes no row;
the counter store counts refusals on the locked key, and when the lock is
over (the next attempt after it, a success, an admin's unlock) one
``account.lock_ended`` row says how many it refused. 100 refused attempts
leave two rows in all: the lock's and the one that counts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from throttle_support import STORES, throttled_services

from authgate.core.clock import FrozenClock
from authgate.errors import AccountLocked, InvalidCredentials, TooManyAttempts
from authgate.root import Authgate

GOOD = "correct horse battery staple"
FLOOD = 100


@pytest.fixture(params=STORES)
def auth(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[FrozenClock, Authgate]]:
    clock = FrozenClock()
    with throttled_services(request.param, tmp_path, clock) as (made,):
        made.accounts.register("alice", GOOD)
        yield clock, made


def _rows(auth: Authgate) -> list[tuple[str, dict[str, object]]]:
    return [(row.event_type, row.detail) for row in reversed(auth.audit.list(limit=10_000))]


def test_a_hundred_refusals_of_a_locked_account_leave_one_counting_row(
    auth: tuple[FrozenClock, Authgate],
) -> None:
    clock, svc = auth
    for n in range(svc.settings.lockout_threshold):
        with pytest.raises(InvalidCredentials):
            svc.logins.password("alice", "wrong guess", ip=f"198.51.100.{n}")
    locked_at = len(_rows(svc))
    for n in range(FLOOD):  # right and wrong passwords alike, from many addresses
        with pytest.raises(AccountLocked):
            svc.logins.password("alice", GOOD if n % 2 else "guess", ip=f"192.0.2.{n}")
    assert len(_rows(svc)) == locked_at  # no row per refusal
    assert _rows(svc)[-1][0] == "account.locked"

    clock.advance(seconds=31)
    svc.logins.password("alice", GOOD)
    new = _rows(svc)[locked_at:]
    assert [kind for kind, _ in new] == ["account.lock_ended", "login.succeeded"]
    assert new[0][1] == {"refused": FLOOD, "scope": "account"}
    (ended,) = svc.audit.list(event_type="account.lock_ended")
    assert ended.username == "alice" and ended.user_id is not None


def test_an_unlock_counts_the_refusals_of_the_lock_it_ends(
    auth: tuple[FrozenClock, Authgate],
) -> None:
    _, svc = auth
    alice = svc.accounts.find_user("alice")
    assert alice is not None
    for _ in range(svc.settings.lockout_threshold):
        with pytest.raises(InvalidCredentials):
            svc.logins.password("alice", "wrong guess")
    for _ in range(7):
        with pytest.raises(AccountLocked):
            svc.logins.password("alice", GOOD)
    svc.accounts.unlock_user(alice.id, actor_id=0)
    kinds = [kind for kind, _ in _rows(svc)]
    assert kinds[-2:] == ["account.unlocked", "account.lock_ended"]
    assert _rows(svc)[-1][1] == {"refused": 7, "scope": "account"}


def test_a_locked_client_address_is_counted_the_same_way(
    auth: tuple[FrozenClock, Authgate],
) -> None:
    clock, svc = auth
    sprayer = "203.0.113.7"
    for n in range(svc.settings.client_failure_limit):
        with pytest.raises(InvalidCredentials):
            svc.logins.password(f"name{n}", "guess", ip=sprayer)
    locked_at = len(_rows(svc))
    assert _rows(svc)[-1] == (
        "account.locked",
        {"failures": 20, "locked_seconds": 600, "scope": "ip"},
    )
    for n in range(FLOOD):
        with pytest.raises(TooManyAttempts):
            svc.logins.password(f"other{n}", "guess", ip=sprayer)
    assert len(_rows(svc)) == locked_at
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(InvalidCredentials):
        svc.logins.password("name0", "guess", ip=sprayer)
    new = _rows(svc)[locked_at:]
    assert [kind for kind, _ in new] == ["account.lock_ended", "login.failed"]
    assert new[0][1] == {"refused": FLOOD, "scope": "ip"}
    (ended,) = svc.audit.list(event_type="account.lock_ended")
    assert ended.ip == sprayer and ended.user_id is None
