"""MfaService: enrolment, recovery codes, disabling, admin reset, policy, secrets at rest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import text

from authgate.core.clock import FrozenClock
from authgate.core.mfa.service import MfaService
from authgate.errors import (
    AccountLocked,
    ConfigurationError,
    InvalidCredentials,
    InvalidInput,
    MfaInvalidCode,
    MfaRequired,
    PermissionDenied,
    UserNotFound,
)
from authgate.root import Authgate

GOOD = "correct horse battery"


@pytest.fixture
def mfa(service: Authgate) -> MfaService:
    return service.mfa


@pytest.fixture
def alice(service: Authgate) -> int:
    return service.accounts.register("alice", GOOD, email="alice@example.com").id


def now_code(secret: str, clock: FrozenClock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def wrong_code(secret: str, clock: FrozenClock) -> str:
    """A well-formed code that is not valid anywhere in the drift window."""
    totp = pyotp.TOTP(secret)
    valid = {totp.at(clock.now() + timedelta(seconds=30 * o)) for o in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def enroll(mfa: MfaService, user_id: int, clock: FrozenClock) -> tuple[str, list[str]]:
    """Enrol and step the clock on, so the next code is a fresh one."""
    secret = mfa.begin_enrollment(user_id).secret
    codes = mfa.confirm_enrollment(user_id, now_code(secret, clock))
    clock.advance(seconds=30)
    return secret, codes


def test_enrollment_needs_a_first_valid_code(
    service: Authgate, mfa: MfaService, alice: int, clock: FrozenClock
) -> None:
    enrollment = mfa.begin_enrollment(alice)
    assert "alice" in enrollment.provisioning_uri and enrollment.qr_png.startswith(b"\x89PNG")
    assert "issuer=authgate" in enrollment.provisioning_uri
    assert not service.accounts.get_user(alice).mfa_enabled  # type: ignore[union-attr]
    service.logins.password("alice", GOOD)  # pending enrolment changes nothing for login
    with pytest.raises(MfaInvalidCode):
        mfa.confirm_enrollment(alice, wrong_code(enrollment.secret, clock))
    codes = mfa.confirm_enrollment(alice, now_code(enrollment.secret, clock), ip="10.0.0.1")
    assert len(codes) == 10
    user = service.accounts.get_user(alice)
    assert user is not None and user.mfa_enabled
    (event,) = service.audit.list(event_type="mfa.enrolled")
    assert (event.user_id, event.ip, event.detail) == (alice, "10.0.0.1", {"recovery_codes": 10})
    status = mfa.status(alice)
    assert status.enabled and status.recovery_codes_left == 10 and status.confirmed_at is not None


def test_enrollment_state_errors(mfa: MfaService, alice: int, clock: FrozenClock) -> None:
    with pytest.raises(InvalidInput):
        mfa.confirm_enrollment(alice, "123456")  # nothing begun
    with pytest.raises(UserNotFound):
        mfa.begin_enrollment(9999)
    enroll(mfa, alice, clock)
    with pytest.raises(InvalidInput):
        mfa.begin_enrollment(alice)  # already on: disable first
    with pytest.raises(InvalidInput):
        mfa.confirm_enrollment(alice, "123456")


def test_beginning_again_replaces_the_pending_secret(
    mfa: MfaService, alice: int, clock: FrozenClock
) -> None:
    first = mfa.begin_enrollment(alice).secret
    second = mfa.begin_enrollment(alice).secret
    assert first != second
    if now_code(first, clock) != now_code(second, clock):
        with pytest.raises(MfaInvalidCode):
            mfa.confirm_enrollment(alice, now_code(first, clock))
    assert len(mfa.confirm_enrollment(alice, now_code(second, clock))) == 10


@pytest.mark.parametrize("bad", ["abc123", "12345", "1234567", "", None])
def test_malformed_enrolment_codes_are_typed_errors(sqlite_service: Authgate, bad: object) -> None:
    mfa = sqlite_service.mfa
    alice = sqlite_service.accounts.register("alice", GOOD).id
    mfa.begin_enrollment(alice)
    with pytest.raises(MfaInvalidCode):
        mfa.confirm_enrollment(alice, bad)  # type: ignore[arg-type]


def test_secret_is_encrypted_at_rest(service: Authgate, mfa: MfaService, alice: int) -> None:
    secret = mfa.begin_enrollment(alice).secret
    with service.store.engine.connect() as connection:
        raw = connection.execute(
            text("SELECT secret_ciphertext FROM authgate_mfa WHERE user_id = :u"), {"u": alice}
        ).scalar_one()
    assert secret not in raw and secret.lower() not in raw.lower() and raw.startswith("v1:")


def test_secret_copied_onto_another_user_does_not_work(
    service: Authgate, mfa: MfaService, alice: int, clock: FrozenClock
) -> None:
    bob = service.accounts.register("bob", GOOD).id
    secret, _ = enroll(mfa, alice, clock)
    enroll(mfa, bob, clock)
    with service.store.engine.begin() as connection:
        stolen = connection.execute(
            text("SELECT secret_ciphertext FROM authgate_mfa WHERE user_id = :u"), {"u": alice}
        ).scalar_one()
        connection.execute(
            text("UPDATE authgate_mfa SET secret_ciphertext = :c WHERE user_id = :u"),
            {"c": stolen, "u": bob},
        )
    with pytest.raises(ConfigurationError):
        mfa.verify_second_factor(bob, now_code(secret, clock))


def test_a_different_secret_key_cannot_read_secrets(
    service: Authgate, alice: int, clock: FrozenClock, tmp_path: Path
) -> None:
    secret, _ = enroll(service.mfa, alice, clock)
    other = Authgate.from_settings(
        service.settings.model_copy(update={"secret_key": None, "data_dir": tmp_path / "x"}),
        clock=clock,
        migrate=False,
    )
    try:
        with pytest.raises(ConfigurationError):
            other.mfa.verify_second_factor(alice, now_code(secret, clock))
    finally:
        other.close()


def test_regenerating_recovery_codes_needs_a_code_and_voids_the_old_ones(
    service: Authgate, mfa: MfaService, alice: int, clock: FrozenClock
) -> None:
    secret, old = enroll(mfa, alice, clock)
    with pytest.raises(MfaInvalidCode):
        mfa.regenerate_recovery_codes(alice, "zzzzz-zzzzz")
    new = mfa.regenerate_recovery_codes(alice, now_code(secret, clock))
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(MfaInvalidCode):
        mfa.verify_second_factor(alice, old[0])
    assert mfa.verify_second_factor(alice, new[0]) == "recovery_code"
    assert mfa.status(alice).recovery_codes_left == 9
    (event,) = service.audit.list(event_type="recovery_codes.regenerated")
    assert event.detail == {"count": 10}


def test_disable_needs_password_and_current_code(
    service: Authgate, mfa: MfaService, alice: int, clock: FrozenClock
) -> None:
    secret, codes = enroll(mfa, alice, clock)
    with pytest.raises(InvalidCredentials):
        mfa.disable(alice, "wrong password!", now_code(secret, clock))
    with pytest.raises(MfaInvalidCode):
        mfa.disable(alice, GOOD, "zzzzz-zzzzz")
    with pytest.raises(MfaInvalidCode):
        mfa.disable(alice, GOOD, "not a code")
    assert service.accounts.lockout_status(alice).failures == 2  # the malformed one is not counted
    user = mfa.disable(alice, GOOD, now_code(secret, clock))
    assert not user.mfa_enabled and not mfa.status(alice).enabled
    assert mfa.status(alice).recovery_codes_left == 0
    assert service.logins.password("alice", GOOD).user.id == alice  # no second step any more
    (event,) = service.audit.list(event_type="mfa.disabled")
    assert event.user_id == alice
    with pytest.raises(InvalidInput):
        mfa.disable(alice, GOOD, codes[1])  # not on any more


def test_wrong_passwords_and_codes_on_disable_lock_the_account(
    service: Authgate, mfa: MfaService, alice: int, clock: FrozenClock
) -> None:
    secret, _ = enroll(mfa, alice, clock)
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            mfa.disable(alice, "wrong password!", "123456")
    for _ in range(2):
        with pytest.raises(MfaInvalidCode):
            mfa.disable(alice, GOOD, "zzzzz-zzzzz")
    with pytest.raises(AccountLocked):
        mfa.disable(alice, GOOD, now_code(secret, clock))


def test_admin_reset_is_audited_naming_the_admin(
    service: Authgate, mfa: MfaService, alice: int, clock: FrozenClock
) -> None:
    admin = service.accounts.register("root", GOOD + "!", roles=["admin"], actor_id=0).id
    enroll(mfa, alice, clock)
    with pytest.raises(MfaRequired):
        service.logins.password("alice", GOOD)
    version = service.state_version
    assert mfa.admin_reset_mfa(alice, actor_id=admin) is True
    assert service.state_version > version  # gate caches notice at once
    assert service.logins.password("alice", GOOD).session.mfa is False
    (event,) = service.audit.list(event_type="mfa.reset")
    assert (event.user_id, event.actor_id, event.detail) == (alice, admin, {"was_enabled": True})
    assert mfa.admin_reset_mfa(alice, actor_id=admin) is False  # nothing left, still audited
    assert len(service.audit.list(event_type="mfa.reset")) == 2
    with pytest.raises(UserNotFound):
        mfa.admin_reset_mfa(9999, actor_id=admin)


def test_deleting_a_user_removes_their_factor(
    service: Authgate, mfa: MfaService, alice: int, clock: FrozenClock
) -> None:
    enroll(mfa, alice, clock)
    service.accounts.delete_user(alice, actor_id=0)
    with service.store.engine.connect() as connection:
        for table in ("authgate_mfa", "authgate_recovery_codes"):
            count = connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            assert count == 0, table


def test_required_roles_flag_users_until_they_enrol(service_factory, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    service = service_factory(mfa_required_roles=("admin",))
    mfa = service.mfa
    admin = service.accounts.register("root", GOOD, roles=["admin", "user"], actor_id=0)
    user = service.accounts.register("alice", GOOD)
    assert mfa.mfa_enrollment_required(admin) is True
    assert mfa.mfa_enrollment_required(user) is False
    assert mfa.status(admin.id).enrollment_required is True
    # the password step still opens a session: enrolment needs one
    session = service.logins.password("root", GOOD)
    assert mfa.mfa_enrollment_required(session.user) is True
    secret, _ = enroll(mfa, admin.id, clock)
    refreshed = service.accounts.get_user(admin.id)
    assert refreshed is not None and mfa.mfa_enrollment_required(refreshed) is False
    with pytest.raises(PermissionDenied):
        mfa.disable(admin.id, GOOD, now_code(secret, clock))
    assert service_factory().mfa.mfa_enrollment_required(admin) is False
