"""The one login path: a made-up login method goes through the same session, lockout and audit.

A login method is one module implementing ``LoginMethod`` and registered in the
composition root; everything after "the credential was right" is the flow's.
These tests register a method the library does not ship (a per-user PIN kept
by the test) and log in with it, to show that nothing about sessions,
lockout, MFA, account state or audit has to be written again for it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyotp
import pytest

from authgate.core.events import LoginFailed
from authgate.core.lockout.guard import Lockout, account_key
from authgate.core.login.method import Client, Verified
from authgate.errors import (
    AccountDisabled,
    AccountLocked,
    ConfigurationError,
    InvalidCredentials,
    MfaRequired,
)
from authgate.root import Authgate

GOOD = "correct horse battery"


class PinLogin:
    """A toy method: the PINs live in the test, the rest is authgate's."""

    name = "pin"

    def __init__(self, auth: Authgate, pins: dict[str, str]) -> None:
        self.auth = auth
        self.lockout: Lockout = auth.lockout
        self.pins = pins

    def authenticate(self, credentials: Mapping[str, object], client: Client) -> Verified:
        username, pin = credentials.get("username"), credentials.get("pin")
        if not isinstance(username, str) or not isinstance(pin, str):
            raise InvalidCredentials()
        user = self.auth.accounts.find_user(username)
        if user is None:
            raise InvalidCredentials()
        attempt = self.lockout.reserve(
            account_key(user.id), client=client, user_id=user.id, attempted=username
        )
        if self.pins.get(user.username) != pin:
            failure = LoginFailed(
                user_id=user.id, username=username, client=client, reason="wrong_pin"
            )
            self.lockout.failed(attempt, failure)
            raise InvalidCredentials()
        return Verified(user=user, method=self.name, attempt=attempt)


@pytest.fixture
def auth(sqlite_service: Authgate) -> Authgate:
    sqlite_service.accounts.register("alice", GOOD)
    sqlite_service.logins.add(PinLogin(sqlite_service, {"alice": "4242"}))
    return sqlite_service


def test_a_made_up_method_opens_a_real_session_and_is_audited(auth: Authgate) -> None:
    result = auth.logins.login("pin", {"username": "alice", "pin": "4242"}, ip="10.0.0.1")
    assert auth.sessions.validate(result.token).user.username == "alice"
    [event] = auth.audit.list(event_type="login.succeeded")
    assert event.detail["method"] == "pin" and event.ip == "10.0.0.1"


def test_its_failures_count_on_the_same_lockout_as_passwords(auth: Authgate) -> None:
    threshold = auth.settings.lockout_threshold
    for _ in range(threshold):
        with pytest.raises((InvalidCredentials, AccountLocked)):
            auth.logins.login("pin", {"username": "alice", "pin": "0000"})
    with pytest.raises(AccountLocked):
        auth.logins.password("alice", GOOD)  # the password path sees the same lock
    reasons = [e.detail.get("reason") for e in auth.audit.list(event_type="login.failed")]
    assert "wrong_pin" in reasons
    assert auth.audit.list(event_type="account.locked")


def test_a_success_clears_earlier_failures(auth: Authgate) -> None:
    with pytest.raises(InvalidCredentials):
        auth.logins.login("pin", {"username": "alice", "pin": "0000"})
    user = auth.accounts.find_user("alice")
    assert user is not None and auth.accounts.lockout_status(user.id).failures == 1
    auth.logins.login("pin", {"username": "alice", "pin": "4242"})
    assert auth.accounts.lockout_status(user.id).failures == 0


def test_account_state_and_mfa_rules_apply_to_it(auth: Authgate) -> None:
    user = auth.accounts.find_user("alice")
    assert user is not None
    auth.accounts.set_active(user.id, False)
    with pytest.raises(AccountDisabled):
        auth.logins.login("pin", {"username": "alice", "pin": "4242"})
    failed = auth.audit.list(event_type="login.failed")
    assert failed[0].detail["reason"] == "account_disabled"
    auth.accounts.set_active(user.id, True)
    enrollment = auth.mfa.begin_enrollment(user.id)
    auth.mfa.confirm_enrollment(user.id, pyotp.TOTP(enrollment.secret).at(auth.clock.now()))
    with pytest.raises(MfaRequired) as step:
        auth.logins.login("pin", {"username": "alice", "pin": "4242"})
    assert step.value.ticket


def test_it_can_end_in_any_token_strategy(auth: Authgate) -> None:
    pair = auth.logins.login_with(auth.tokens, "pin", {"username": "alice", "pin": "4242"})
    assert auth.tokens.authenticate(pair.access_token).user.username == "alice"
    assert auth.tokens.refresh(pair.refresh_token).user.username == "alice"


def test_methods_are_registered_once_and_asked_for_by_name(auth: Authgate) -> None:
    with pytest.raises(ConfigurationError):
        auth.logins.add(PinLogin(auth, {}))
    with pytest.raises(ConfigurationError):
        auth.logins.login("carrier-pigeon", {})
