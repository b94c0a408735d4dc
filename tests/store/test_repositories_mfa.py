"""SqlMfaRepository: pending and enabled factors, the replay guard, recovery codes."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from authgate.core.clock import FrozenClock
from authgate.core.ports import DuplicateRecord
from authgate.core.records import AuthUser
from authgate.store import SqlStore

MakeUser = Callable[..., AuthUser]


def test_start_replaces_a_pending_factor(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.read() as repositories:
        assert repositories.mfa.get(alice.id) is None
    with store.write() as repositories:
        repositories.mfa.start(alice.id, "first", now=clock.now())
    later = clock.advance(minutes=1)
    with store.write() as repositories:
        repositories.mfa.start(alice.id, "second", now=later)
        factor = repositories.mfa.get(alice.id)
    assert factor is not None
    assert (factor.user_id, factor.secret_ciphertext, factor.enabled) == (alice.id, "second", False)
    assert (factor.created_at, factor.confirmed_at, factor.last_used_step) == (later, None, None)


def test_enable_once(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        assert not repositories.mfa.enable(alice.id, step=5, now=clock.now())  # nothing pending
        repositories.mfa.start(alice.id, "secret", now=clock.now())
        assert repositories.mfa.enable(alice.id, step=5, now=clock.now())
        assert not repositories.mfa.enable(alice.id, step=6, now=clock.now())
        factor = repositories.mfa.get(alice.id)
    assert factor is not None
    assert (factor.enabled, factor.confirmed_at, factor.last_used_step) == (True, clock.now(), 5)


def test_start_while_on_is_duplicate_and_leaves_the_factor(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        repositories.mfa.start(alice.id, "secret", now=clock.now())
        repositories.mfa.enable(alice.id, step=1, now=clock.now())
    with store.write() as repositories:
        with pytest.raises(DuplicateRecord):
            repositories.mfa.start(alice.id, "other", now=clock.now())
        factor = repositories.mfa.get(alice.id)  # the transaction is still usable
    assert factor is not None and factor.enabled and factor.secret_ciphertext == "secret"


def test_racing_starts_never_leave_two_factors(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def start(index: int) -> None:
        barrier.wait()
        try:
            with store.write() as repositories:
                repositories.mfa.start(alice.id, f"secret-{index}", now=clock.now())
            outcome = "started"
        except DuplicateRecord:
            outcome = "duplicate"
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=start, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert "started" in outcomes and len(outcomes) == 4
    with store.read() as repositories:
        factor = repositories.mfa.get(alice.id)
    assert factor is not None and not factor.enabled


def test_advance_step_is_the_replay_guard(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        mfa = repositories.mfa
        assert not mfa.advance_step(alice.id, 10)  # no factor
        mfa.start(alice.id, "secret", now=clock.now())
        assert mfa.advance_step(alice.id, 10)  # first step on a fresh factor
        assert not mfa.advance_step(alice.id, 10)  # the same code again
        assert not mfa.advance_step(alice.id, 9)  # an older one
        assert mfa.advance_step(alice.id, 11)
        factor = mfa.get(alice.id)
    assert factor is not None and factor.last_used_step == 11


def test_recovery_codes(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    with store.write() as repositories:
        mfa = repositories.mfa
        assert mfa.count_unused_codes(alice.id) == 0
        mfa.replace_codes(alice.id, ["a1", "a2", "a3"], now=clock.now())
        mfa.replace_codes(bob.id, ["b1"], now=clock.now())
        assert mfa.count_unused_codes(alice.id) == 3
        assert mfa.use_code(alice.id, "a2", now=clock.now())
        assert not mfa.use_code(alice.id, "a2", now=clock.now())  # spent
        assert not mfa.use_code(alice.id, "b1", now=clock.now())  # someone else's
        assert not mfa.use_code(alice.id, "zz", now=clock.now())
        assert mfa.count_unused_codes(alice.id) == 2
        # A new set kills every old code at once.
        mfa.replace_codes(alice.id, ["n1", "n2"], now=clock.now())
        assert not mfa.use_code(alice.id, "a1", now=clock.now())
        assert mfa.count_unused_codes(alice.id) == 2
        mfa.replace_codes(alice.id, [], now=clock.now())
        assert mfa.count_unused_codes(alice.id) == 0
        assert mfa.count_unused_codes(bob.id) == 1


def test_racing_code_use_has_one_winner(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        repositories.mfa.replace_codes(alice.id, ["c1"], now=clock.now())
    barrier = threading.Barrier(5)
    answers: list[bool] = []
    lock = threading.Lock()

    def use() -> None:
        barrier.wait()
        with store.write() as repositories:
            answer = repositories.mfa.use_code(alice.id, "c1", now=clock.now())
        with lock:
            answers.append(answer)

    workers = [threading.Thread(target=use) for _ in range(5)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(answers) == [False] * 4 + [True]


def test_remove_takes_the_codes_too(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        repositories.mfa.start(alice.id, "secret", now=clock.now())
        repositories.mfa.enable(alice.id, step=1, now=clock.now())
        repositories.mfa.replace_codes(alice.id, ["a1", "a2"], now=clock.now())
    with store.write() as repositories:
        repositories.mfa.remove(alice.id)
        repositories.mfa.remove(999)  # unknown: nothing happens
    with store.read() as repositories:
        assert repositories.mfa.get(alice.id) is None
        assert repositories.mfa.count_unused_codes(alice.id) == 0
        user = repositories.users.get(alice.id)
    assert user is not None and not user.mfa_enabled
