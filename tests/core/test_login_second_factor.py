"""The second login step: MFA tickets, codes once only, recovery codes, throttling."""

from __future__ import annotations

import pytest
from mfa_support import GOOD, code_at, wrong_code

from authgate.core.clock import FrozenClock
from authgate.core.mfa.service import MfaService
from authgate.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidToken,
    MfaInvalidCode,
    MfaRequired,
    TokenExpired,
    TokenReused,
)
from authgate.root import Authgate


def ticket_for(service: Authgate, login: str = "alice", **kwargs: object) -> str:
    with pytest.raises(MfaRequired) as caught:
        service.logins.password(login, GOOD, **kwargs)  # type: ignore[arg-type]
    ticket = caught.value.ticket
    assert ticket
    return ticket


def test_password_alone_opens_no_session(
    service: Authgate, enrolled: tuple[int, str, list[str]]
) -> None:
    user_id, _, _ = enrolled
    with pytest.raises(MfaRequired) as caught:
        service.logins.password("alice", GOOD)
    error = caught.value
    assert error.ticket and error.ticket not in str(error) and error.ticket not in repr(error)
    assert error.ticket not in repr(error.args)
    assert error.message == "An authentication code is required."
    assert service.sessions.list_for(user_id) == []
    with pytest.raises(InvalidCredentials):  # a wrong password still says only that
        service.logins.password("alice", "wrong password!")


def test_ticket_and_code_complete_the_login(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, _ = enrolled
    ticket = ticket_for(service, remember=True)
    result = service.logins.second_factor(
        ticket, code_at(secret, clock), ip="10.0.0.9", user_agent="ua"
    )
    assert result.user.id == user_id and result.user.mfa_enabled
    assert result.session.mfa is True and result.session.remember is True
    assert service.sessions.validate(result.token).session.mfa is True
    (event,) = service.audit.list(event_type="login.succeeded")
    assert event.detail["method"] == "password+totp" and event.ip == "10.0.0.9"


def test_a_ticket_works_once(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    _, secret, _ = enrolled
    ticket = ticket_for(service)
    service.logins.second_factor(ticket, code_at(secret, clock))
    clock.advance(seconds=30)
    with pytest.raises(TokenReused):
        service.logins.second_factor(ticket, code_at(secret, clock))


def test_a_ticket_expires_after_five_minutes(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    _, secret, _ = enrolled
    ticket = ticket_for(service)
    clock.advance(minutes=5)
    with pytest.raises(TokenExpired):
        service.logins.second_factor(ticket, code_at(secret, clock))


@pytest.mark.parametrize("ticket", ["", "nonsense", "x" * 600, None, 42])
def test_unknown_tickets_are_invalid_tokens(
    sqlite_enrolled: tuple[Authgate, MfaService, int, str], clock: FrozenClock, ticket: object
) -> None:
    service, _, _, secret = sqlite_enrolled
    with pytest.raises(InvalidToken):
        service.logins.second_factor(ticket, code_at(secret, clock))  # type: ignore[arg-type]


def test_a_cookie_ticket_is_not_an_mfa_ticket(service: Authgate, clock: FrozenClock) -> None:
    service.accounts.register("bob", GOOD)
    cookie_ticket = service.sessions.issue_cookie_ticket(
        service.logins.password("bob", GOOD).session.id
    )
    with pytest.raises(InvalidToken):
        service.logins.second_factor(cookie_ticket, "123456")


def test_a_wrong_code_keeps_the_ticket_for_another_try(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, _ = enrolled
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        service.logins.second_factor(ticket, wrong_code(secret, clock))
    assert service.logins.second_factor(ticket, code_at(secret, clock)).user.id == user_id
    (failed,) = service.audit.list(event_type="mfa.failed")
    assert failed.outcome == "failure"
    assert failed.detail == {"reason": "invalid_code", "context": "login"}


def test_an_accepted_code_cannot_be_replayed(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    _, secret, _ = enrolled
    code = code_at(secret, clock)
    service.logins.second_factor(ticket_for(service), code)
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        service.logins.second_factor(ticket, code)  # same step, same code: refused
    clock.advance(seconds=20)  # still inside the drift window of that step
    with pytest.raises(MfaInvalidCode):
        service.logins.second_factor(ticket, code)
    (event, _) = service.audit.list(event_type="mfa.failed")
    assert event.detail["reason"] == "replayed_code"
    clock.advance(seconds=30)
    assert service.logins.second_factor(ticket, code_at(secret, clock)).session.mfa


def test_a_recovery_code_works_once(
    service: Authgate, mfa: MfaService, enrolled: tuple[int, str, list[str]]
) -> None:
    user_id, _, codes = enrolled
    result = service.logins.second_factor(ticket_for(service), codes[0].upper().replace("-", " "))
    assert result.session.mfa
    (login,) = service.audit.list(event_type="login.succeeded")
    assert login.detail["method"] == "password+recovery_code"
    (used,) = service.audit.list(event_type="recovery_code.used")
    assert used.detail == {"remaining": 9, "context": "login"}
    assert codes[0] not in str(used.detail)
    with pytest.raises(MfaInvalidCode):
        service.logins.second_factor(ticket_for(service), codes[0])
    assert mfa.status(user_id).recovery_codes_left == 9


def test_wrong_codes_count_toward_lockout(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, codes = enrolled
    ticket = ticket_for(service)
    for _ in range(4):
        with pytest.raises(MfaInvalidCode):
            service.logins.second_factor(ticket, wrong_code(secret, clock))
    # knowing the password does not reset the count for an MFA account
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        service.logins.second_factor(ticket, "zzzzz-zzzzz")
    assert service.accounts.lockout_status(user_id).locked_at(clock.now())
    with pytest.raises(AccountLocked):
        service.logins.second_factor(ticket, code_at(secret, clock))
    with pytest.raises(AccountLocked):
        service.logins.password("alice", GOOD)
    (locked,) = service.audit.list(event_type="account.locked")
    assert locked.user_id == user_id
    clock.advance(minutes=1)
    assert service.logins.second_factor(ticket_for(service), codes[1]).session.mfa
    assert service.accounts.lockout_status(user_id).failures == 0  # a full success resets it


@pytest.mark.parametrize("bad", ["abcdef", "12345", "1234567", "12 34 5", "", None, 123456])
def test_malformed_codes_are_typed_errors_and_not_counted(
    sqlite_enrolled: tuple[Authgate, MfaService, int, str], bad: object
) -> None:
    service, _, user_id, _ = sqlite_enrolled
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        service.logins.second_factor(ticket, bad)  # type: ignore[arg-type]
    assert service.accounts.lockout_status(user_id).failures == 0
    assert service.audit.list(event_type="mfa.failed") == []


def test_a_disabled_account_cannot_finish_the_login(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, _ = enrolled
    ticket = ticket_for(service)
    service.accounts.set_active(user_id, False, actor_id=0)
    with pytest.raises(Exception) as caught:
        service.logins.second_factor(ticket, code_at(secret, clock))
    assert getattr(caught.value, "code", "") == "account_disabled"


def test_a_right_password_with_mfa_to_come_neither_counts_nor_clears(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    user_id, secret, _ = enrolled
    ticket = ticket_for(service)
    with pytest.raises(MfaInvalidCode):
        service.logins.second_factor(ticket, wrong_code(secret, clock))
    for _ in range(10):  # more than the threshold: the password step gives its guess back
        ticket_for(service, ip="10.0.0.9")
    assert service.accounts.lockout_status(user_id).failures == 1
    assert service.lockout.status("ip:10.0.0.9").failures == 0
