"""SecondFactorVerifier: codes once only (across replicas), clock drift, no code without MFA."""

from __future__ import annotations

import pytest
from mfa_support import GOOD, code_at

from authgate.core.clock import FrozenClock
from authgate.core.mfa.service import MfaService
from authgate.errors import MfaInvalidCode
from authgate.root import Authgate


def test_a_replay_is_refused_by_another_replica(
    service: Authgate, enrolled: tuple[int, str, list[str]], clock: FrozenClock
) -> None:
    """The replay guard lives in the database, not in one process."""
    user_id, secret, _ = enrolled
    replica = Authgate.from_settings(service.settings, clock=clock, migrate=False)
    try:
        code = code_at(secret, clock)
        assert service.mfa.verify_second_factor(user_id, code) == "totp"
        with pytest.raises(MfaInvalidCode):
            replica.mfa.verify_second_factor(user_id, code)
    finally:
        replica.close()


@pytest.mark.parametrize("steps", [-1, 1])
def test_one_step_of_clock_drift_is_tolerated(
    sqlite_enrolled: tuple[Authgate, MfaService, int, str], clock: FrozenClock, steps: int
) -> None:
    _, mfa, user_id, secret = sqlite_enrolled
    clock.advance(seconds=60)  # well past the step used at enrolment
    assert mfa.verify_second_factor(user_id, code_at(secret, clock, steps)) == "totp"


@pytest.mark.parametrize("steps", [-3, -2, 2, 3])
def test_two_steps_of_drift_are_too_many(
    sqlite_enrolled: tuple[Authgate, MfaService, int, str], clock: FrozenClock, steps: int
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


def test_codes_for_a_user_without_mfa_are_refused(service: Authgate, mfa: MfaService) -> None:
    bob = service.accounts.register("bob", GOOD).id
    with pytest.raises(MfaInvalidCode):
        mfa.verify_second_factor(bob, "123456")
    (event,) = service.audit.list(event_type="mfa.failed")
    assert event.detail["reason"] == "not_enrolled"
    with pytest.raises(MfaInvalidCode):
        mfa.verify_second_factor(9999, "123456")
