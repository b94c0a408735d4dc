"""Anonymous visitors: start, resolve, rate limit, hand-off at every login, cleanup."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from mfa_support import GOOD, code_at, enroll
from sqlalchemy import select

from auth_support import db_session
from authgate.core.clock import FrozenClock
from authgate.errors import (
    InvalidCredentials,
    InvalidToken,
    MfaRequired,
    TokenReused,
    TooManyVisitors,
)
from authgate.root import Authgate
from authgate.store.models import OneTimeToken, Visitor

PASSWORD = "a long secret passphrase"


class Recorder:
    """The application's hook: remembers every (visitor id, user id) it was handed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, visitor_id: str, user_id: int) -> None:
        self.calls.append((visitor_id, user_id))


@pytest.fixture
def hook(service: Authgate) -> Recorder:
    recorder = Recorder()
    service.visitors.handoff = recorder
    return recorder


def test_a_visitor_has_a_random_128_bit_id_and_a_token_the_store_only_hashes(
    service: Authgate,
) -> None:
    first = service.visitors.start(ip="192.0.2.1")
    second = service.visitors.start(ip="192.0.2.1")
    assert len(first.visitor.id) == 32 and int(first.visitor.id, 16) >= 0
    assert first.visitor.id != second.visitor.id and first.token != second.token
    assert service.visitors.resolve(first.token) == first.visitor
    assert "token=..." in repr(first) and first.token not in repr(first)
    with db_session(service) as db:
        hashes = set(db.scalars(select(Visitor.token_hash)))
    assert first.token not in hashes and len(hashes) == 2


@pytest.mark.parametrize("token", ["", "x", "a" * 513, None, 7])
def test_unknown_or_malformed_tokens_resolve_to_nobody(service: Authgate, token: object) -> None:
    assert service.visitors.resolve(token) is None  # type: ignore[arg-type]


def test_a_visitor_expires_after_its_lifetime_and_cleanup_deletes_it(
    service: Authgate, clock: FrozenClock
) -> None:
    started = service.visitors.start()
    assert started.visitor.expires_at - started.visitor.created_at == timedelta(days=7)
    clock.advance(days=7, seconds=1)
    assert service.visitors.resolve(started.token) is None
    fresh = service.visitors.start()
    assert service.visitors.cleanup(batch_size=1) == 1
    assert service.visitors.resolve(fresh.token) == fresh.visitor


def test_one_client_may_start_only_so_many_visitors(service_factory, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    auth = service_factory(visitor_rate_limit=3, visitor_rate_window="1h")
    for _ in range(3):
        auth.visitors.start(ip="198.51.100.7")
    with pytest.raises(TooManyVisitors):
        auth.visitors.start(ip="198.51.100.7")
    auth.visitors.start(ip="198.51.100.8")  # another client is not affected
    clock.advance(hours=1, seconds=1)
    auth.visitors.start(ip="198.51.100.7")


def test_a_password_login_hands_the_visitor_to_the_user_once(
    service: Authgate, hook: Recorder
) -> None:
    user = service.accounts.register("alice", PASSWORD)
    started = service.visitors.start()
    result = service.logins.password("alice", PASSWORD, visitor=started.token)
    assert hook.calls == [(started.visitor.id, user.id)]
    assert result.user.id == user.id
    assert service.visitors.resolve(started.token) is None  # the anonymous session ended
    service.logins.password("alice", PASSWORD, visitor=started.token)
    assert len(hook.calls) == 1
    entries = service.audit.list(event_type="visitor.handed_off")
    assert [(e.user_id, e.detail["visitor_id"]) for e in entries] == [(user.id, started.visitor.id)]


def test_a_failed_login_keeps_the_visitor(service: Authgate, hook: Recorder) -> None:
    service.accounts.register("alice", PASSWORD)
    started = service.visitors.start()
    with pytest.raises(InvalidCredentials):
        service.logins.password("alice", "wrong password!!", visitor=started.token)
    assert hook.calls == [] and service.visitors.resolve(started.token) is not None


def test_with_mfa_the_hand_off_waits_for_the_second_factor(
    service: Authgate, clock: FrozenClock, hook: Recorder
) -> None:
    user_id, secret, _ = enroll(service, clock)
    started = service.visitors.start()
    with pytest.raises(MfaRequired) as required:
        service.logins.password("alice", GOOD, visitor=started.token)
    assert hook.calls == []
    code = code_at(secret, clock)
    service.logins.second_factor(required.value.ticket or "", code, visitor=started.token)
    assert hook.calls == [(started.visitor.id, user_id)]


def test_token_logins_hand_off_too(service: Authgate, hook: Recorder) -> None:
    user = service.accounts.register("alice", PASSWORD)
    started = service.visitors.start()
    service.tokens.login("alice", PASSWORD, visitor=started.token)
    assert hook.calls == [(started.visitor.id, user.id)]


def test_a_failing_hook_does_not_undo_the_login(service: Authgate) -> None:
    def broken(visitor_id: str, user_id: int) -> None:
        raise RuntimeError("the app's database is down")

    service.visitors.handoff = broken
    service.accounts.register("alice", PASSWORD)
    started = service.visitors.start()
    result = service.logins.password("alice", PASSWORD, visitor=started.token)
    assert service.sessions.validate(result.token).user.username == "alice"


def test_adopt_hands_off_outside_a_login(service: Authgate, hook: Recorder) -> None:
    user = service.accounts.register("alice", PASSWORD)
    started = service.visitors.start()
    assert service.visitors.adopt(started.token, user) == started.visitor
    assert service.visitors.adopt(started.token, user) is None
    assert service.visitors.adopt(None, user) is None
    assert hook.calls == [(started.visitor.id, user.id)]


def test_two_racing_logins_hand_a_visitor_over_once(sqlite_service: Authgate) -> None:
    hook = Recorder()
    sqlite_service.visitors.handoff = hook
    sqlite_service.accounts.register("alice", PASSWORD)
    started = sqlite_service.visitors.start()
    barrier = threading.Barrier(4)

    def log_in() -> None:
        barrier.wait()
        sqlite_service.logins.password("alice", PASSWORD, visitor=started.token)

    threads = [threading.Thread(target=log_in) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(hook.calls) == 1


def test_the_cookie_ticket_redeems_once_to_the_same_token(
    service: Authgate, clock: FrozenClock
) -> None:
    started = service.visitors.start()
    ticket = service.visitors.issue_cookie_ticket(started.token)
    redeemed = service.visitors.redeem_cookie_ticket(ticket)
    assert redeemed.token == started.token and redeemed.visitor == started.visitor
    with pytest.raises(TokenReused):
        service.visitors.redeem_cookie_ticket(ticket)
    with pytest.raises(InvalidToken):
        service.visitors.issue_cookie_ticket("not a visitor token")
    with pytest.raises(InvalidToken):
        service.visitors.redeem_cookie_ticket("not a ticket")


def test_the_stored_ticket_does_not_reveal_the_token(service: Authgate) -> None:
    started = service.visitors.start()
    service.visitors.issue_cookie_ticket(started.token)
    with db_session(service) as db:
        (row,) = db.scalars(select(OneTimeToken.data)).all()
    assert started.token not in str(row) and started.token.encode().hex() not in str(row)


def test_a_ticket_for_a_visitor_that_ended_meanwhile_is_refused(
    service: Authgate, hook: Recorder
) -> None:
    user = service.accounts.register("alice", PASSWORD)
    started = service.visitors.start()
    ticket = service.visitors.issue_cookie_ticket(started.token)
    service.visitors.adopt(started.token, user)
    with pytest.raises(InvalidToken):
        service.visitors.redeem_cookie_ticket(ticket)
