"""The two-step login: MFA tickets, codes once only, drift, recovery codes, throttling."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from authgate.core.clock import FrozenClock
from authgate.core.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidToken,
    MfaInvalidCode,
    MfaRequired,
    TokenExpired,
    TokenReused,
)
from authgate.core.mfa_service import MfaService
from authgate.core.service import AuthService

GOOD = "correct horse battery"


@pytest.fixture
def mfa(service: AuthService) -> MfaService:
    return MfaService(service)


def _enroll(service: AuthService, clock: FrozenClock) -> tuple[int, str, list[str]]:
    """alice with MFA on: (user id, secret, recovery codes); the clock is one step on."""
    mfa = MfaService(service)
    user_id = service.register("alice", GOOD).id
    secret = mfa.begin_enrollment(user_id).secret
    codes = mfa.confirm_enrollment(user_id, pyotp.TOTP(secret).at(clock.now()))
    clock.advance(seconds=30)
    return user_id, secret, codes


@pytest.fixture
def enrolled(service: AuthService, clock: FrozenClock) -> tuple[int, str, list[str]]:
    return _enroll(service, clock)


@pytest.fixture
def sqlite_enrolled(
    sqlite_service: AuthService, clock: FrozenClock
) -> tuple[AuthService, MfaService, int, str]:
    """The same on SQLite only, for input checks that do not depend on the backend."""
    user_id, secret, _ = _enroll(sqlite_service, clock)
    return sqlite_service, MfaService(sqlite_service), user_id, secret


def code_at(secret: str, clock: FrozenClock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps))


def wrong_code(secret: str, clock: FrozenClock) -> str:
    valid = {code_at(secret, clock, s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def ticket_for(service: AuthService, login: str = "alice", **kwargs: object) -> str:
    with pytest.raises(MfaRequired) as caught:
        service.login(login, GOOD, **kwargs)  # type: ignore[arg-type]
    ticket = caught.value.ticket
    assert ticket
    return ticket


def test_password_alone_opens_no_session(
    service: AuthService, enrolled: tuple[int, str, list[str]]
) -> None:
    user_id, _, _ = enrolled
    with pytest.raises(MfaRequired) as caught:
        service.login("alice", GOOD)
    error = caught.value
    assert error.ticket and error.ticket not in str(error) and error.ticket not in repr(error)
    assert error.ticket not in repr(error.args)
    assert error.message == "An authentication code is required."
    assert service.list_sessions(user_id) == []
    with pytest.raises(InvalidCredentials):  # a wrong password still says only that
        service.login("alice", "wrong password!")


def test_ticket_and_code_complete_the_login(
    service: AuthService, mfa: MfaService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, _ = enrolled
    ticket = ticket_for(service, remember=True)
    result = mfa.complete_login(ticket, code_at(secret, clock), ip="10.0.0.9", user_agent="ua")
    assert result.user.id == user_id and result.user.mfa_enabled
    assert result.session.mfa is True and result.session.remember is True
    assert service.validate_session(result.token).session.mfa is True
    (event,) = service.list_audit_events(event_type="login.succeeded")
    assert event.detail["method"] == "password+totp" and event.ip == "10.0.0.9"


def test_a_ticket_works_once(
    service: AuthService, mfa: MfaService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    _, secret, _ = enrolled
    ticket = ticket_for(service)
    mfa.complete_login(ticket, code_at(secret, clock))
    clock.advance(seconds=30)
    with pytest.raises(TokenReused):
        mfa.complete_login(ticket, code_at(secret, clock))


def test_a_ticket_expires_after_five_minutes(
    service: AuthService, mfa: MfaService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    _, secret, _ = enrolled
    ticket = ticket_for(service)
    clock.advance(minutes=5)
    with pytest.raises(TokenExpired):
        mfa.complete_login(ticket, code_at(secret, clock))


@pytest.mark.parametrize("ticket", ["", "nonsense", "x" * 600, None, 42])
def test_unknown_tickets_are_invalid_tokens(
    sqlite_enrolled: tuple[AuthService, MfaService, int, str], clock: FrozenClock, ticket: object
) -> None:
    _, mfa, _, secret = sqlite_enrolled
    with pytest.raises(InvalidToken):
        mfa.complete_login(ticket, code_at(secret, clock))  # type: ignore[arg-type]


def test_a_cookie_ticket_is_not_an_mfa_ticket(
    service: AuthService, mfa: MfaService, clock: FrozenClock
) -> None:
    service.register("bob", GOOD)
    cookie_ticket = service.issue_cookie_ticket(service.login("bob", GOOD).session.id)
    with pytest.raises(InvalidToken):
        mfa.complete_login(cookie_ticket, "123456")


def test_a_wrong_code_keeps_the_ticket_for_another_try(
    service: AuthService, mfa: MfaService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, _ = enrolled
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        mfa.complete_login(ticket, wrong_code(secret, clock))
    assert mfa.complete_login(ticket, code_at(secret, clock)).user.id == user_id
    (failed,) = service.list_audit_events(event_type="mfa.failed")
    assert failed.outcome == "failure"
    assert failed.detail == {"reason": "invalid_code", "context": "login"}


def test_an_accepted_code_cannot_be_replayed(
    service: AuthService, mfa: MfaService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    _, secret, _ = enrolled
    code = code_at(secret, clock)
    mfa.complete_login(ticket_for(service), code)
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        mfa.complete_login(ticket, code)  # same step, same code: refused
    clock.advance(seconds=20)  # still inside the drift window of that step
    with pytest.raises(MfaInvalidCode):
        mfa.complete_login(ticket, code)
    (event, _) = service.list_audit_events(event_type="mfa.failed")
    assert event.detail["reason"] == "replayed_code"
    clock.advance(seconds=30)
    assert mfa.complete_login(ticket, code_at(secret, clock)).session.mfa


def test_a_replay_is_refused_by_another_replica(
    service: AuthService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    """The replay guard lives in the database, not in one process."""
    user_id, secret, _ = enrolled
    replica = AuthService(settings=service.settings, clock=clock, migrate=False)
    try:
        code = code_at(secret, clock)
        assert MfaService(service).verify_second_factor(user_id, code) == "totp"
        with pytest.raises(MfaInvalidCode):
            MfaService(replica).verify_second_factor(user_id, code)
    finally:
        replica.close()


@pytest.mark.parametrize("steps", [-1, 1])
def test_one_step_of_clock_drift_is_tolerated(
    sqlite_enrolled: tuple[AuthService, MfaService, int, str], clock: FrozenClock, steps: int
) -> None:
    _, mfa, user_id, secret = sqlite_enrolled
    clock.advance(seconds=60)  # well past the step used at enrolment
    assert mfa.verify_second_factor(user_id, code_at(secret, clock, steps)) == "totp"


@pytest.mark.parametrize("steps", [-3, -2, 2, 3])
def test_two_steps_of_drift_are_too_many(
    sqlite_enrolled: tuple[AuthService, MfaService, int, str], clock: FrozenClock, steps: int
) -> None:
    _, mfa, user_id, secret = sqlite_enrolled
    clock.advance(seconds=120)
    with pytest.raises(MfaInvalidCode):
        mfa.verify_second_factor(user_id, code_at(secret, clock, steps))


def test_after_a_code_from_the_next_step_the_current_one_is_spent(
    mfa: MfaService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    """Steps only move forward, so a code observed earlier cannot be used later."""
    user_id, secret, _ = enrolled
    mfa.verify_second_factor(user_id, code_at(secret, clock, 1))
    with pytest.raises(MfaInvalidCode):
        mfa.verify_second_factor(user_id, code_at(secret, clock))


def test_a_recovery_code_works_once(
    service: AuthService, mfa: MfaService, enrolled: tuple[int, str, list[str]]
) -> None:
    user_id, _, codes = enrolled
    result = mfa.complete_login(ticket_for(service), codes[0].upper().replace("-", " "))
    assert result.session.mfa
    (login,) = service.list_audit_events(event_type="login.succeeded")
    assert login.detail["method"] == "password+recovery_code"
    (used,) = service.list_audit_events(event_type="recovery_code.used")
    assert used.detail == {"remaining": 9, "context": "login"}
    assert codes[0] not in str(used.detail)
    with pytest.raises(MfaInvalidCode):
        mfa.complete_login(ticket_for(service), codes[0])
    assert mfa.status(user_id).recovery_codes_left == 9


def test_wrong_codes_count_toward_lockout(
    service: AuthService, mfa: MfaService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, codes = enrolled
    ticket = ticket_for(service)
    for _ in range(4):
        with pytest.raises(MfaInvalidCode):
            mfa.complete_login(ticket, wrong_code(secret, clock))
    # knowing the password does not reset the count for an MFA account
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        mfa.complete_login(ticket, "zzzzz-zzzzz")
    assert service.lockout_status(user_id).locked_at(clock.now())
    with pytest.raises(AccountLocked):
        mfa.complete_login(ticket, code_at(secret, clock))
    with pytest.raises(AccountLocked):
        service.login("alice", GOOD)
    (locked,) = service.list_audit_events(event_type="account.locked")
    assert locked.user_id == user_id
    clock.advance(minutes=1)
    assert mfa.complete_login(ticket_for(service), codes[1]).session.mfa
    assert service.lockout_status(user_id).failures == 0  # a full success resets it


@pytest.mark.parametrize("bad", ["abcdef", "12345", "1234567", "12 34 5", "", None, 123456])
def test_malformed_codes_are_typed_errors_and_not_counted(
    sqlite_enrolled: tuple[AuthService, MfaService, int, str], bad: object
) -> None:
    service, mfa, user_id, _ = sqlite_enrolled
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        mfa.complete_login(ticket, bad)  # type: ignore[arg-type]
    assert service.lockout_status(user_id).failures == 0
    assert service.list_audit_events(event_type="mfa.failed") == []


def test_codes_for_a_user_without_mfa_are_refused(service: AuthService, mfa: MfaService) -> None:
    bob = service.register("bob", GOOD).id
    with pytest.raises(MfaInvalidCode):
        mfa.verify_second_factor(bob, "123456")
    (event,) = service.list_audit_events(event_type="mfa.failed")
    assert event.detail["reason"] == "not_enrolled"
    with pytest.raises(MfaInvalidCode):
        mfa.verify_second_factor(9999, "123456")


def test_a_disabled_account_cannot_finish_the_login(
    service: AuthService, mfa: MfaService, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, _ = enrolled
    ticket = ticket_for(service)
    service.set_active(user_id, False, actor_id=0)
    with pytest.raises(Exception) as caught:
        mfa.complete_login(ticket, code_at(secret, clock))
    assert getattr(caught.value, "code", "") == "account_disabled"
