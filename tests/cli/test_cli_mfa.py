"""``users reset-mfa`` and ``users verify-email``: admin recovery from the shell, audited."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
import pytest
from typer.testing import Result

from authgate.errors import MfaRequired
from authgate.root import Authgate

Invoke = Callable[..., Result]
ErrorLine = Callable[[Result], str]
CreateUser = Callable[..., Result]


def _user_id(service: Authgate, login: str) -> int:
    user = service.accounts.find_user(login)
    assert user is not None
    return user.id


def test_reset_mfa_removes_the_second_factor_and_is_audited(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    create_user("alice")
    alice = _user_id(cli_auth, "alice")
    mfa = cli_auth.mfa
    secret = mfa.begin_enrollment(alice).secret
    mfa.confirm_enrollment(alice, pyotp.TOTP(secret).now())
    with pytest.raises(MfaRequired):
        cli_auth.logins.password("alice", password)

    result = invoke("users", "reset-mfa", "alice")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "two-factor authentication reset for alice"
    assert cli_auth.logins.password("alice", password).user.mfa_enabled is False
    (event,) = cli_auth.audit.list(event_type="mfa.reset")
    assert (event.user_id, event.actor_id, event.detail) == (alice, 0, {"was_enabled": True})

    again = invoke("users", "reset-mfa", "alice")
    assert again.exit_code == 0
    assert again.stdout.strip() == "alice had no two-factor authentication; nothing to reset"


def test_verify_email_marks_the_address_verified(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate
) -> None:
    create_user("alice", "--email", "alice@example.org")
    result = invoke("users", "verify-email", "alice")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "alice: email alice@example.org marked verified"
    assert cli_auth.accounts.find_user("alice").email_verified  # type: ignore[union-attr]
    (event,) = cli_auth.audit.list(event_type="email.verified")
    assert (event.actor_id, event.detail) == (0, {"method": "admin"})


@pytest.mark.parametrize("command", ["reset-mfa", "verify-email"])
def test_unknown_user_is_one_error_line(
    invoke: Invoke, error_line: ErrorLine, command: str
) -> None:
    assert error_line(invoke("users", command, "nobody")) == "error: no user 'nobody'"
