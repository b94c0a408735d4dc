"""Passkeys in the core: registering, logging in, the counter, recent login, removal.

A software authenticator (tests/passkey_authenticator.py) plays the browser;
py_webauthn on the server side checks everything it sends.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from authgate.core.clock import FrozenClock
from authgate.core.login.passkey import passkey_credentials
from authgate.errors import (
    AccountDisabled,
    AccountLocked,
    InvalidCredentials,
    InvalidToken,
    MfaRequired,
    NotAuthenticated,
    PasskeyRejected,
    ReauthenticationRequired,
    TokenExpired,
    TokenReused,
    UserNotFound,
)
from authgate.root import Authgate
from passkey_authenticator import SoftAuthenticator, b64url
from passkey_support import GOOD, add_passkey, audit_rows, passkey_login, signed_in


@pytest.fixture
def device() -> SoftAuthenticator:
    return SoftAuthenticator()


def test_a_registered_passkey_logs_in_without_a_password(
    service: Authgate, device: SoftAuthenticator
) -> None:
    login = signed_in(service)
    passkey_id = add_passkey(service, login, device, name="Work laptop")

    result = passkey_login(service, device)

    assert result.user.id == login.user.id
    assert result.session.mfa  # user verification: two factors
    assert service.sessions.validate(result.token).user.username == "alice"
    (stored,) = service.passkeys.list(login.user.id)
    assert stored.id == passkey_id and stored.name == "Work laptop"
    assert stored.last_used_at is not None and stored.sign_count == 1
    assert stored.backup_eligible and stored.backed_up
    assert audit_rows(service, "passkey.added")[0].detail["passkey_id"] == passkey_id
    succeeded = audit_rows(service, "login.succeeded")[0]
    assert succeeded.detail["method"] == "passkey"


def test_only_the_public_key_is_stored(sqlite_service: Authgate, device: SoftAuthenticator) -> None:
    login = signed_in(sqlite_service)
    add_passkey(sqlite_service, login, device)
    (stored,) = sqlite_service.passkeys.list(login.user.id)
    private = device.passkeys[0].key.private_numbers().private_value.to_bytes(32, "big")
    assert private not in stored.public_key
    assert stored.public_key == device.passkeys[0].cose_public_key()


def test_a_passkey_skips_the_totp_step_and_can_be_the_second_step(
    sqlite_service: Authgate, device: SoftAuthenticator, clock: FrozenClock
) -> None:
    from mfa_support import enroll

    service = sqlite_service
    user_id, _, _ = enroll(service, clock)
    # MFA is on: a password alone asks for a second step...
    with pytest.raises(MfaRequired) as required:
        service.logins.password("alice", GOOD)
    ticket = required.value.ticket
    assert ticket
    # ...which a passkey can be, once one is registered (from a TOTP-complete session).
    from mfa_support import code_at

    with pytest.raises(PasskeyRejected, match="no passkey yet"):
        service.passkeys.login_options(mfa_ticket=ticket)
    session = service.logins.second_factor(ticket, code_at(_secret(service, user_id), clock))
    add_passkey(service, session, device)
    with pytest.raises(MfaRequired) as again:
        service.logins.password("alice", GOOD)
    issued = service.passkeys.login_options(mfa_ticket=again.value.ticket)
    answer = device.get(issued.options)
    second = service.logins.login(
        "passkey_second_factor",
        passkey_credentials(issued.challenge_id, answer, ticket=again.value.ticket),
    )
    assert second.session.mfa
    assert audit_rows(service, "login.succeeded")[0].detail["method"] == "password+passkey"
    # And a passkey alone needs no TOTP at all.
    assert passkey_login(service, device).session.mfa


def _secret(service: Authgate, user_id: int) -> str:
    from authgate.core.mfa.verifier import mfa_context

    with service.uow.read() as repos:
        factor = repos.mfa.get(user_id)
    assert factor is not None
    return service.mfa.box.decrypt(factor.secret_ciphertext, context=mfa_context(user_id))


def test_a_replayed_assertion_is_refused(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    add_passkey(sqlite_service, signed_in(sqlite_service), device)
    issued = sqlite_service.passkeys.login_options()
    answer = device.get(issued.options)
    credentials = passkey_credentials(issued.challenge_id, answer)
    sqlite_service.logins.login("passkey", credentials)
    with pytest.raises(TokenReused):
        sqlite_service.logins.login("passkey", credentials)
    assert audit_rows(sqlite_service, "passkey.failed")[0].detail["reason"] == "token_reused"


def test_a_wrong_origin_is_refused_and_audited(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    add_passkey(sqlite_service, signed_in(sqlite_service), device)
    with pytest.raises(PasskeyRejected):
        passkey_login(sqlite_service, device, origin="https://evil.example")
    (failed,) = audit_rows(sqlite_service, "passkey.failed")
    assert failed.detail["reason"] == "invalid_assertion" and failed.username == "alice"


def test_an_expired_challenge_is_refused(
    sqlite_service: Authgate, device: SoftAuthenticator, clock: FrozenClock
) -> None:
    add_passkey(sqlite_service, signed_in(sqlite_service), device)
    issued = sqlite_service.passkeys.login_options()
    answer = device.get(issued.options)
    clock.advance(timedelta(minutes=2, seconds=1))
    with pytest.raises(TokenExpired):
        sqlite_service.logins.login("passkey", passkey_credentials(issued.challenge_id, answer))


def test_an_answer_to_another_challenge_is_refused(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    add_passkey(sqlite_service, signed_in(sqlite_service), device)
    first = sqlite_service.passkeys.login_options()
    second = sqlite_service.passkeys.login_options()
    answer = device.get(first.options)
    with pytest.raises(PasskeyRejected):
        sqlite_service.logins.login("passkey", passkey_credentials(second.challenge_id, answer))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda a: a["response"].update(clientDataJSON=a["response"]["clientDataJSON"][:20]),
        lambda a: a["response"].update(authenticatorData="AAAA"),
        lambda a: a["response"].update(signature=b64url(b"\x30\x00")),
        lambda a: a.update(id=b64url(b"unknown"), rawId=b64url(b"unknown")),
        lambda a: a.pop("response"),
        lambda a: a["response"].update(userHandle=b64url(b"someone else")),
    ],
    ids=[
        "truncated-client-data",
        "short-auth-data",
        "bad-signature",
        "unknown-id",
        "no-response",
        "handle",
    ],
)
def test_malformed_answers_are_refused(
    sqlite_service: Authgate, device: SoftAuthenticator, spoil: object
) -> None:
    add_passkey(sqlite_service, signed_in(sqlite_service), device)
    issued = sqlite_service.passkeys.login_options()
    answer = device.get(issued.options)
    spoil(answer)  # type: ignore[operator]
    with pytest.raises(PasskeyRejected):
        sqlite_service.logins.login("passkey", passkey_credentials(issued.challenge_id, answer))


@pytest.mark.parametrize("junk", [None, 42, "not json", "[]", {"id": 1}])
def test_junk_credentials_are_refused(sqlite_service: Authgate, junk: object) -> None:
    issued = sqlite_service.passkeys.login_options()
    with pytest.raises(PasskeyRejected):
        sqlite_service.logins.login("passkey", passkey_credentials(issued.challenge_id, junk))


def test_without_user_verification_a_passkey_is_refused(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    login = signed_in(sqlite_service)
    issued = sqlite_service.passkeys.registration_options(login.user.id, login.session.id)
    with pytest.raises(PasskeyRejected):
        sqlite_service.passkeys.register(
            login.user.id,
            login.session.id,
            issued.challenge_id,
            device.create(issued.options, uv=False),
            name="x",
        )
    add_passkey(sqlite_service, login, device)
    with pytest.raises(PasskeyRejected):
        passkey_login(sqlite_service, device, uv=False)


def test_a_counter_that_goes_backwards_is_refused_as_a_possible_clone(
    service: Authgate, device: SoftAuthenticator
) -> None:
    add_passkey(service, signed_in(service), device)
    passkey_login(service, device, sign_count=10)
    with pytest.raises(PasskeyRejected):
        passkey_login(service, device, sign_count=5)
    with pytest.raises(PasskeyRejected):
        passkey_login(service, device, sign_count=10)
    clones = audit_rows(service, "passkey.clone_suspected")
    assert [c.detail["presented_count"] for c in clones] == [10, 5]
    assert passkey_login(service, device, sign_count=11).user.username == "alice"


def test_authenticators_that_always_send_zero_are_accepted(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    add_passkey(sqlite_service, signed_in(sqlite_service), device)
    device.passkeys[0].counting = False
    for _ in range(3):
        assert passkey_login(sqlite_service, device).user.username == "alice"
    assert not audit_rows(sqlite_service, "passkey.clone_suspected")


def test_a_disabled_account_cannot_log_in_with_a_passkey(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    login = signed_in(sqlite_service)
    add_passkey(sqlite_service, login, device)
    sqlite_service.accounts.set_active(login.user.id, False)
    with pytest.raises(AccountDisabled):
        passkey_login(sqlite_service, device)


def test_a_locked_account_cannot_log_in_with_a_passkey(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    add_passkey(sqlite_service, signed_in(sqlite_service), device)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sqlite_service.logins.password("alice", "wrong password here")
    with pytest.raises(AccountLocked):
        passkey_login(sqlite_service, device)


def test_a_removed_passkey_no_longer_logs_in(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    login = signed_in(sqlite_service)
    passkey_id = add_passkey(sqlite_service, login, device)
    sqlite_service.passkeys.remove(login.user.id, login.session.id, passkey_id)
    with pytest.raises(PasskeyRejected):
        passkey_login(sqlite_service, device)
    assert audit_rows(sqlite_service, "passkey.removed")[0].detail["by_admin"] is False
    with pytest.raises(UserNotFound):
        sqlite_service.passkeys.remove(login.user.id, login.session.id, passkey_id)


def test_the_same_passkey_cannot_be_registered_twice(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    login = signed_in(sqlite_service)
    add_passkey(sqlite_service, login, device)
    issued = sqlite_service.passkeys.registration_options(login.user.id, login.session.id)
    answer = device.create(issued.options, credential_id=device.passkeys[0].credential_id)
    with pytest.raises(PasskeyRejected):
        sqlite_service.passkeys.register(
            login.user.id, login.session.id, issued.challenge_id, answer, name="again"
        )


def test_a_registration_challenge_belongs_to_the_session_that_asked(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    login = signed_in(sqlite_service)
    other = sqlite_service.logins.password("alice", GOOD)
    issued = sqlite_service.passkeys.registration_options(login.user.id, login.session.id)
    answer = device.create(issued.options)
    with pytest.raises(InvalidToken):
        sqlite_service.passkeys.register(
            login.user.id, other.session.id, issued.challenge_id, answer, name="x"
        )
    # The refused attempt did not spend it: the right session still can.
    sqlite_service.passkeys.register(
        login.user.id, login.session.id, issued.challenge_id, answer, name="x"
    )


def test_adding_or_removing_needs_a_recent_login(
    sqlite_service: Authgate, device: SoftAuthenticator, clock: FrozenClock
) -> None:
    service = sqlite_service
    login = signed_in(service)
    passkey_id = add_passkey(service, login, device)
    clock.advance(timedelta(minutes=11))
    user_id, session_id = login.user.id, login.session.id
    with pytest.raises(ReauthenticationRequired):
        service.passkeys.registration_options(user_id, session_id)
    with pytest.raises(ReauthenticationRequired):
        service.passkeys.remove(user_id, session_id, passkey_id)
    with pytest.raises(InvalidCredentials):
        service.passkeys.recent.confirm_password(user_id, session_id, "wrong", _client())
    granted = service.passkeys.recent.confirm_password(user_id, session_id, GOOD, _client())
    service.passkeys.registration_options(user_id, session_id, reauth_token=granted.token)
    # Another session of the same user cannot use this session's confirmation.
    other = service.logins.password("alice", GOOD)
    clock.advance(timedelta(minutes=11))
    with pytest.raises(ReauthenticationRequired):
        service.passkeys.remove(user_id, other.session.id, passkey_id, reauth_token=granted.token)
    # The confirmation itself lasts ten minutes; then a passkey can confirm instead.
    with pytest.raises(ReauthenticationRequired):
        service.passkeys.remove(user_id, session_id, passkey_id, reauth_token=granted.token)
    issued = service.passkeys.recent.passkey_options(user_id, session_id)
    answer = device.get(issued.options)
    by_passkey = service.passkeys.recent.confirm_passkey(
        user_id, session_id, issued.challenge_id, answer, _client()
    )
    service.passkeys.remove(user_id, session_id, passkey_id, reauth_token=by_passkey.token)
    assert [r.detail["method"] for r in audit_rows(service, "session.reauthenticated")] == [
        "passkey",
        "password",
    ]


def test_a_foreign_session_cannot_ask_for_options(sqlite_service: Authgate) -> None:
    alice = signed_in(sqlite_service)
    bob = signed_in(sqlite_service, "bobby")
    with pytest.raises(NotAuthenticated):
        sqlite_service.passkeys.registration_options(alice.user.id, bob.session.id)


def test_an_admin_sees_counts_and_removes_a_lost_device(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    login = signed_in(sqlite_service)
    first = add_passkey(sqlite_service, login, device)
    add_passkey(sqlite_service, login, device, name="Phone")
    assert sqlite_service.passkeys.counts([login.user.id, 999]) == {login.user.id: 2}
    sqlite_service.passkeys.admin_remove(login.user.id, first, actor_id=1)
    assert sqlite_service.passkeys.counts([login.user.id]) == {login.user.id: 1}
    removed = audit_rows(sqlite_service, "passkey.removed")[0]
    assert removed.detail["by_admin"] is True and removed.actor_id == 1


def _client():  # type: ignore[no-untyped-def]
    from authgate.core.records import Client

    return Client(ip="203.0.113.5", user_agent="pytest")


def test_every_challenge_is_audited_with_its_purpose_and_owner(
    sqlite_service: Authgate, device: SoftAuthenticator
) -> None:
    service = sqlite_service
    login = signed_in(service)
    add_passkey(service, login, device)
    service.passkeys.login_options()  # usernameless: nobody yet
    service.passkeys.recent.passkey_options(login.user.id, login.session.id)
    rows = sorted(audit_rows(service, "passkey.challenge_issued"), key=lambda row: row.id)
    assert [(row.detail["purpose"], row.user_id, row.username) for row in rows] == [
        ("passkey_registration", login.user.id, "alice"),
        ("passkey_login", None, None),
        ("passkey_reauth", login.user.id, "alice"),
    ]
