"""Forgot password and forgot username: no enumeration, single-use links bound to the password."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from authgate.core.clock import FrozenClock
from authgate.core.recovery.mail import Mailer, MailMessage
from authgate.core.recovery.password_reset import AccountRecovery
from authgate.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidToken,
    MfaInvalidCode,
    MfaRequired,
    NotAuthenticated,
    TokenExpired,
    TokenReused,
    WeakPassword,
)
from authgate.root import Authgate

GOOD = "correct horse battery"
NEW = "purple monkey dishwasher"


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[MailMessage] = []

    def send(self, message: MailMessage) -> None:
        self.sent.append(message)


class BrokenMailer:
    def send(self, message: MailMessage) -> None:
        raise ConnectionRefusedError("smtp is down")


def link_in(message: MailMessage) -> str:
    match = re.search(r"https?://\S+", message.text)
    assert match, message.text
    return match.group(0)


def token_in(message: MailMessage) -> str:
    return parse_qs(urlparse(link_in(message)).query)["token"][0]


def recovery_with(service: Authgate, mailer: Mailer | None) -> AccountRecovery:
    """The service's account recovery, sending through ``mailer``."""
    return AccountRecovery(
        uow=service.uow,
        passwords=service.passwords,
        policy=service.policy,
        lockout=service.lockout,
        mfa=service.mfa,
        mailer=mailer,
        public_url=service.settings.public_url,
        site_name=service.settings.mfa_issuer,
    )


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer()


@pytest.fixture
def recovery(service: Authgate, mailer: RecordingMailer) -> AccountRecovery:
    return recovery_with(service, mailer)


@pytest.fixture
def alice(service: Authgate) -> int:
    return service.accounts.register("alice", GOOD, email="Alice@Example.com").id


@pytest.fixture
def on_sqlite(sqlite_service: Authgate, mailer: RecordingMailer) -> AccountRecovery:
    """The same set-up on SQLite only, for rules that do not depend on the backend."""
    sqlite_service.accounts.register("alice", GOOD, email="Alice@Example.com")
    return recovery_with(sqlite_service, mailer)


def test_reset_by_link_sets_the_password_and_ends_every_session(
    service: Authgate, recovery: AccountRecovery, mailer: RecordingMailer, alice: int
) -> None:
    sessions = [service.logins.password("alice", GOOD).token for _ in range(2)]
    assert recovery.request_password_reset("alice@example.com", ip="10.0.0.1") is None
    (message,) = mailer.sent
    assert message.to == "Alice@example.com"
    assert link_in(message).startswith("http://localhost:8501/reset-password?token=")
    assert "30 minutes" in message.text and "alice" in message.text
    token = token_in(message)
    info = recovery.inspect_reset_token(token)
    assert (info.username, info.mfa_required) == ("alice", False)
    user = recovery.reset_password(token, NEW, ip="10.0.0.2")
    assert user.email_verified  # the link reached this very address
    for session in sessions:
        with pytest.raises(NotAuthenticated):
            service.sessions.validate(session)
    with pytest.raises(InvalidCredentials):
        service.logins.password("alice", GOOD)
    assert service.logins.password("alice", NEW).user.id == alice
    (event,) = service.audit.list(event_type="password.reset")
    assert (event.user_id, event.ip) == (alice, "10.0.0.2")
    assert event.detail == {"sessions_ended": 2, "with_mfa": False}
    assert token not in str(service.audit.list())


def test_the_link_works_once(
    recovery: AccountRecovery, mailer: RecordingMailer, alice: int
) -> None:
    recovery.request_password_reset("alice")
    token = token_in(mailer.sent[0])
    recovery.reset_password(token, NEW)
    with pytest.raises(TokenReused):
        recovery.reset_password(token, "another fine password")
    with pytest.raises(TokenReused):
        recovery.inspect_reset_token(token)


def test_the_link_expires_after_thirty_minutes(
    recovery: AccountRecovery, mailer: RecordingMailer, alice: int, clock: FrozenClock
) -> None:
    recovery.request_password_reset("alice")
    token = token_in(mailer.sent[0])
    clock.advance(minutes=29, seconds=59)
    recovery.inspect_reset_token(token)
    clock.advance(seconds=1)
    with pytest.raises(TokenExpired):
        recovery.reset_password(token, NEW)


def test_the_link_dies_when_the_password_changes(
    service: Authgate,
    recovery: AccountRecovery,
    mailer: RecordingMailer,
    alice: int,
    clock: FrozenClock,
) -> None:
    recovery.request_password_reset("alice")
    first = token_in(mailer.sent[0])
    service.accounts.change_password(alice, GOOD, NEW)
    with pytest.raises(InvalidToken):
        recovery.inspect_reset_token(first)
    with pytest.raises(InvalidToken):
        recovery.reset_password(first, "yet another password")
    clock.advance(minutes=2)
    recovery.request_password_reset("alice")
    second = token_in(mailer.sent[1])
    service.accounts.set_password(alice, "administrators choice", actor_id=0)
    with pytest.raises(InvalidToken):
        recovery.reset_password(second, "yet another password")


def test_the_link_dies_when_the_email_changes_or_the_account_is_disabled(
    service: Authgate,
    recovery: AccountRecovery,
    mailer: RecordingMailer,
    alice: int,
    clock: FrozenClock,
) -> None:
    recovery.request_password_reset("alice")
    service.accounts.update_profile(alice, email="new@example.com")
    with pytest.raises(InvalidToken):
        recovery.inspect_reset_token(token_in(mailer.sent[0]))
    clock.advance(minutes=2)
    recovery.request_password_reset("alice")
    service.accounts.set_active(alice, False, actor_id=0)
    with pytest.raises(InvalidToken):
        recovery.reset_password(token_in(mailer.sent[1]), NEW)


def test_using_one_link_voids_the_others(
    recovery: AccountRecovery, mailer: RecordingMailer, alice: int, clock: FrozenClock
) -> None:
    recovery.request_password_reset("alice")
    clock.advance(minutes=2)
    recovery.request_password_reset("alice")
    first, second = (token_in(m) for m in mailer.sent)
    recovery.reset_password(second, NEW)
    with pytest.raises(InvalidToken):
        recovery.reset_password(first, "yet another password")


def test_a_weak_password_leaves_the_link_usable(
    on_sqlite: AccountRecovery, mailer: RecordingMailer
) -> None:
    on_sqlite.request_password_reset("alice")
    token = token_in(mailer.sent[0])
    with pytest.raises(WeakPassword):
        on_sqlite.reset_password(token, "alice123")
    on_sqlite.reset_password(token, NEW)


@pytest.mark.parametrize("token", ["", "nope", "x" * 1000, None, 7])
def test_bad_tokens_are_invalid_tokens(sqlite_service: Authgate, token: object) -> None:
    recovery = recovery_with(sqlite_service, RecordingMailer())
    with pytest.raises(InvalidToken):
        recovery.inspect_reset_token(token)  # type: ignore[arg-type]
    with pytest.raises(InvalidToken):
        recovery.reset_password(token, NEW)  # type: ignore[arg-type]


def test_a_reset_does_not_bypass_mfa(
    service: Authgate,
    recovery: AccountRecovery,
    mailer: RecordingMailer,
    alice: int,
    clock: FrozenClock,
) -> None:
    mfa = service.mfa
    secret = mfa.begin_enrollment(alice).secret
    codes = mfa.confirm_enrollment(alice, pyotp.TOTP(secret).at(clock.now()))
    clock.advance(seconds=30)
    recovery.request_password_reset("alice")
    token = token_in(mailer.sent[0])
    assert recovery.inspect_reset_token(token).mfa_required
    with pytest.raises(MfaRequired) as caught:
        recovery.reset_password(token, NEW)
    assert caught.value.ticket is None
    with pytest.raises(MfaInvalidCode):
        recovery.reset_password(token, NEW, code="zzzzz-zzzzz")
    assert service.accounts.lockout_status(alice).failures == 1  # counted like any wrong code
    (failed,) = service.audit.list(event_type="mfa.failed")
    assert failed.detail["context"] == "password_reset"
    recovery.reset_password(token, NEW, code=codes[0])
    (event,) = service.audit.list(event_type="password.reset")
    assert event.detail["with_mfa"] is True
    with pytest.raises(MfaRequired):  # the password alone is still not enough
        service.logins.password("alice", NEW)


def test_wrong_reset_codes_lock_the_account(
    service: Authgate,
    recovery: AccountRecovery,
    mailer: RecordingMailer,
    alice: int,
    clock: FrozenClock,
) -> None:
    mfa = service.mfa
    secret = mfa.begin_enrollment(alice).secret
    codes = mfa.confirm_enrollment(alice, pyotp.TOTP(secret).at(clock.now()))
    recovery.request_password_reset("alice")
    token = token_in(mailer.sent[0])
    for _ in range(5):
        with pytest.raises(MfaInvalidCode):
            recovery.reset_password(token, NEW, code="zzzzz-zzzzz")
    with pytest.raises(AccountLocked):
        recovery.reset_password(token, NEW, code=codes[0])
    clock.advance(seconds=31)  # the lock ends by itself; the link is still good
    recovery.reset_password(token, NEW, code=codes[0])


def test_unknown_accounts_get_the_same_answer_no_mail_and_the_same_audit_shape(
    service: Authgate, recovery: AccountRecovery, mailer: RecordingMailer, alice: int
) -> None:
    known = recovery.request_password_reset("alice@example.com", ip="10.0.0.1")
    unknown = recovery.request_password_reset("nobody@example.com", ip="10.0.0.1")
    assert known is None and unknown is None
    assert len(mailer.sent) == 1
    second, first = service.audit.list(event_type="password.reset_requested")
    assert (first.user_id, second.user_id) == (alice, None)
    assert (first.event_type, first.outcome) == (second.event_type, second.outcome)
    assert first.detail.keys() == second.detail.keys()
    assert (first.detail, second.detail) == ({"sent": True}, {"sent": False})
    assert second.username == "nobody@example.com" and second.ip == "10.0.0.1"


def test_accounts_that_cannot_receive_mail_get_the_same_answer(
    service: Authgate, recovery: AccountRecovery, mailer: RecordingMailer
) -> None:
    service.accounts.register("nomail", GOOD)
    disabled = service.accounts.register("gone", GOOD, email="gone@example.com").id
    service.accounts.set_active(disabled, False, actor_id=0)
    assert recovery.request_password_reset("nomail") is None
    assert recovery.request_password_reset("gone@example.com") is None
    assert mailer.sent == []


@pytest.mark.parametrize("login", ["", "   ", None, 42, "\x00alice", "a" * 5000])
def test_malformed_requests_are_answered_like_any_other(
    sqlite_service: Authgate, login: object
) -> None:
    mailer = RecordingMailer()
    recovery = recovery_with(sqlite_service, mailer)
    assert recovery.request_password_reset(login) is None  # type: ignore[arg-type]
    assert recovery.request_username_reminder(login) is None  # type: ignore[arg-type]
    assert mailer.sent == []


def test_at_most_one_link_a_minute_and_asking_again_cannot_starve_the_owner(
    on_sqlite: AccountRecovery, mailer: RecordingMailer, clock: FrozenClock
) -> None:
    for _ in range(4):
        on_sqlite.request_password_reset("alice")
        clock.advance(seconds=20)
    assert len(mailer.sent) == 2  # at 0 s and at 80 s
    assert token_in(mailer.sent[0]) != token_in(mailer.sent[1])


def test_without_a_mailer_nothing_is_sent_and_nothing_fails(service: Authgate, alice: int) -> None:
    recovery = recovery_with(service, None)
    assert recovery.mail_enabled is False
    assert recovery.request_password_reset("alice") is None
    (event,) = service.audit.list(event_type="password.reset_requested")
    assert (event.user_id, event.detail) == (alice, {"sent": False})


def test_a_delivery_failure_does_not_change_the_answer(
    service: Authgate, alice: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="authgate.mail")
    recovery = recovery_with(service, BrokenMailer())
    assert recovery.request_password_reset("alice") is None
    assert "could not send" in caplog.text and "token=" not in caplog.text


def test_forgot_username_mails_the_username_to_that_address_only(
    service: Authgate, recovery: AccountRecovery, mailer: RecordingMailer, alice: int
) -> None:
    assert recovery.request_username_reminder("ALICE@example.com") is None
    (message,) = mailer.sent
    assert message.to == "Alice@example.com" and "  alice\n" in message.text
    assert recovery.request_username_reminder("nobody@example.com") is None
    assert recovery.request_username_reminder("alice") is None  # a username is not an address
    assert len(mailer.sent) == 1
    events = service.audit.list(event_type="username.reminder_requested")
    assert [e.user_id for e in events] == [None, None, alice]
    assert {frozenset(e.detail) for e in events} == {frozenset({"sent"})}


def test_forgot_username_is_limited_to_one_mail_a_minute(
    on_sqlite: AccountRecovery, mailer: RecordingMailer, clock: FrozenClock
) -> None:
    for _ in range(4):
        on_sqlite.request_username_reminder("alice@example.com")
        clock.advance(seconds=20)
    assert len(mailer.sent) == 2
