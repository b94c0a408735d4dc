"""Login: credentials, enumeration resistance, lockout, hash upgrades, audit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import bcrypt
import pytest

from auth_support import db_session
from authgate.core.clock import FrozenClock
from authgate.errors import AccountDisabled, AccountLocked, InvalidCredentials, TooManyAttempts
from authgate.root import Authgate

GOOD = "correct horse battery"


def _fail(service: Authgate, login: str, times: int, **kwargs: str) -> list[Exception]:
    errors: list[Exception] = []
    for _ in range(times):
        with pytest.raises((InvalidCredentials, AccountLocked)) as caught:
            service.logins.password(login, "wrong password!", **kwargs)
        errors.append(caught.value)
    return errors


def test_login_by_username_or_email_any_case(service: Authgate) -> None:
    service.accounts.register("Alice", GOOD, email="alice@example.com")
    for login in ("alice", "ALICE", " Alice ", "Alice@Example.com"):
        result = service.logins.password(login, GOOD)
        assert result.user.username == "Alice"
    assert service.accounts.get_user(result.user.id).last_login_at is not None  # type: ignore[union-attr]


def test_empty_database_login_is_plain_invalid_credentials(service: Authgate) -> None:
    with pytest.raises(InvalidCredentials):
        service.logins.password("nobody", GOOD)
    assert service.accounts.list_users() == []


def test_unknown_user_and_wrong_password_look_alike(sqlite_service: Authgate) -> None:
    sqlite_service.accounts.register("alice", GOOD)
    with pytest.raises(InvalidCredentials) as unknown:
        sqlite_service.logins.password("bob", GOOD)
    with pytest.raises(InvalidCredentials) as wrong:
        sqlite_service.logins.password("alice", "not the password")
    assert unknown.value.message == wrong.value.message
    assert unknown.value.code == wrong.value.code


def test_unknown_user_costs_one_hash(sqlite_service: Authgate, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    passwords = sqlite_service.passwords
    real_dummy, real_verify = passwords.dummy_verify, passwords.verify
    monkeypatch.setattr(passwords, "dummy_verify", lambda p: calls.append("dummy") or real_dummy(p))
    monkeypatch.setattr(
        passwords, "verify", lambda p, h: calls.append("verify") or real_verify(p, h)
    )
    sqlite_service.accounts.register("alice", GOOD)
    with pytest.raises(InvalidCredentials):
        sqlite_service.logins.password("ghost", GOOD)
    with pytest.raises(InvalidCredentials):
        sqlite_service.logins.password("alice", "nope nope nope")
    assert calls == ["dummy", "verify"]


@pytest.mark.parametrize("bad", [None, 42, "", "x" * 5000])
def test_malformed_credentials_are_invalid_credentials(sqlite_service: Authgate, bad) -> None:  # type: ignore[no-untyped-def]
    sqlite_service.accounts.register("alice", GOOD)
    with pytest.raises(InvalidCredentials):
        sqlite_service.logins.password("alice", bad)
    with pytest.raises(InvalidCredentials):
        sqlite_service.logins.password(bad, GOOD)


def test_lockout_after_five_failures_grows_and_ends(service: Authgate, clock: FrozenClock) -> None:
    service.accounts.register("alice", GOOD)
    errors = _fail(service, "alice", 5)
    assert all(isinstance(e, InvalidCredentials) for e in errors)
    with pytest.raises(AccountLocked) as locked:
        service.logins.password("alice", GOOD)  # even the right password is refused while locked
    assert locked.value.retry_after_seconds == 30
    assert locked.value.retry_after == clock.now() + timedelta(seconds=30)
    clock.advance(seconds=31)
    _fail(service, "alice", 1)  # sixth failure: 60 s
    with pytest.raises(AccountLocked) as longer:
        service.logins.password("alice", GOOD)
    assert longer.value.retry_after_seconds == 60
    for _ in range(10):  # keep failing: the delay is capped at 15 minutes
        clock.advance(minutes=16)
        _fail(service, "alice", 1)
    with pytest.raises(AccountLocked) as capped:
        service.logins.password("alice", GOOD)
    assert capped.value.retry_after_seconds == 15 * 60
    clock.advance(minutes=15, seconds=1)
    assert service.logins.password("alice", GOOD).user.username == "alice"  # ended by itself


def test_success_resets_the_counter(sqlite_service: Authgate) -> None:
    sqlite_service.accounts.register("alice", GOOD)
    _fail(sqlite_service, "alice", 4)
    sqlite_service.logins.password("alice", GOOD)
    errors = _fail(sqlite_service, "alice", 4)
    assert all(isinstance(e, InvalidCredentials) for e in errors)
    sqlite_service.logins.password("alice", GOOD)


def test_unknown_logins_lock_like_known_ones(sqlite_service: Authgate) -> None:
    _fail(sqlite_service, "ghost", 5)
    with pytest.raises(AccountLocked):
        sqlite_service.logins.password("ghost", GOOD)


def test_an_account_lock_does_not_lock_its_client(sqlite_service: Authgate) -> None:
    """Below the client's failure limit (20), one address may still log in to other accounts."""
    sqlite_service.accounts.register("alice", GOOD)
    sqlite_service.accounts.register("bob", GOOD)
    _fail(sqlite_service, "alice", 5, ip="10.0.0.9")
    for i in range(14):
        with pytest.raises(InvalidCredentials):
            sqlite_service.logins.password(f"ghost{i}", "whatever-123", ip="10.0.0.9")
    assert sqlite_service.logins.password("bob", GOOD, ip="10.0.0.9").user.username == "bob"


def test_ip_lockout_threshold_still_sets_the_client_limit(service_factory) -> None:  # type: ignore[no-untyped-def]
    svc = service_factory(ip_lockout_threshold=10)
    assert svc.settings.client_failure_limit == 10
    svc.accounts.register("bob", GOOD)
    for i in range(10):
        with pytest.raises(InvalidCredentials):
            svc.logins.password(f"user{i}", "whatever-123", ip="10.0.0.9")
    with pytest.raises(TooManyAttempts):
        svc.logins.password("bob", GOOD, ip="10.0.0.9")
    assert svc.logins.password("bob", GOOD, ip="10.0.0.10").user.username == "bob"


def test_client_limit_off(service_factory) -> None:  # type: ignore[no-untyped-def]
    svc = service_factory(client_failure_limit=0)
    svc.accounts.register("bob", GOOD)
    for i in range(30):
        with pytest.raises(InvalidCredentials):
            svc.logins.password(f"user{i}", "whatever-123", ip="10.0.0.9")
    assert svc.logins.password("bob", GOOD, ip="10.0.0.9").user.username == "bob"


def test_disabled_account_cannot_log_in(sqlite_service: Authgate) -> None:
    user = sqlite_service.accounts.register("alice", GOOD)
    sqlite_service.accounts.set_active(user.id, False, actor_id=0)
    with pytest.raises(AccountDisabled):
        sqlite_service.logins.password("alice", GOOD)
    with pytest.raises(InvalidCredentials):  # a wrong password does not reveal the state
        sqlite_service.logins.password("alice", "wrong password!")


def test_bcrypt_import_is_upgraded_on_login(service: Authgate) -> None:
    legacy = bcrypt.hashpw(GOOD.encode(), bcrypt.gensalt(rounds=4)).decode()
    user = service.accounts.import_user("alice", password_hash=legacy, email="a@example.com")
    assert service.logins.password("alice", GOOD).user.id == user.id
    with db_session(service) as db:
        from authgate.store.models import User

        stored = db.get(User, user.id)
        assert stored is not None and stored.password_hash is not None
        assert stored.password_hash.startswith("$argon2id$")
        assert stored.password_changed_at is None  # a rehash is not a password change
    assert service.logins.password("alice", GOOD).user.id == user.id
    events = [e.event_type for e in service.audit.list(user_id=user.id)]
    assert "password.rehashed" in events


def test_legacy_sha256_is_upgraded_on_login(sqlite_service: Authgate) -> None:
    digest = hashlib.sha256(GOOD.encode()).hexdigest()
    sqlite_service.accounts.import_user("alice", password_hash=digest)
    sqlite_service.logins.password("alice", GOOD)
    with pytest.raises(InvalidCredentials):
        sqlite_service.logins.password("alice", digest)  # the digest itself is not a password
    (rehash,) = sqlite_service.audit.list(event_type="password.rehashed")
    assert rehash.detail == {"old_scheme": "sha256", "new_scheme": "argon2"}


def test_login_events_are_audited(sqlite_service: Authgate, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level("INFO", logger="authgate.audit")
    user = sqlite_service.accounts.register("alice", GOOD)
    result = sqlite_service.logins.password(
        "alice", GOOD, ip="10.1.1.1", user_agent="UA/1", remember=True
    )
    _fail(sqlite_service, "alice", 5, ip="10.1.1.1")
    with pytest.raises(AccountLocked):
        sqlite_service.logins.password("alice", GOOD)
    kinds = [(e.event_type, e.outcome) for e in sqlite_service.audit.list()]
    assert ("login.succeeded", "success") in kinds
    assert kinds.count(("login.failed", "failure")) == 5  # the refusal while locked writes none
    assert ("account.locked", "failure") in kinds
    success = sqlite_service.audit.list(event_type="login.succeeded")[0]
    assert success.user_id == user.id and success.ip == "10.1.1.1"
    assert success.detail["session_id"] == result.session.id and success.detail["remember"]
    reasons = {e.detail["reason"] for e in sqlite_service.audit.list(event_type="login.failed")}
    assert reasons == {"invalid_password"}
    for record in sqlite_service.audit.list():
        assert GOOD not in repr(record) and result.token not in repr(record)
    assert GOOD not in caplog.text and result.token not in caplog.text
    assert '"event": "login.succeeded"' in caplog.text


def test_a_right_password_for_a_disabled_account_is_not_a_failure(
    sqlite_service: Authgate,
) -> None:
    """The guess is given back: the account's count neither grows nor is forgotten."""
    svc = sqlite_service
    user = svc.accounts.register("alice", GOOD)
    _fail(svc, "alice", 2, ip="10.0.0.9")
    svc.accounts.set_active(user.id, False, actor_id=0)
    for _ in range(10):
        with pytest.raises(AccountDisabled):
            svc.logins.password("alice", GOOD, ip="10.0.0.9")
    assert svc.accounts.lockout_status(user.id).failures == 2
    assert svc.lockout.status("ip:10.0.0.9").failures == 2
