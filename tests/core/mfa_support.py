"""Codes for the MFA tests: a user enrolled, the code of a time step, a code that is wrong."""

from __future__ import annotations

from datetime import timedelta

import pyotp

from authgate.core.clock import FrozenClock
from authgate.root import Authgate

GOOD = "correct horse battery"


def enroll(service: Authgate, clock: FrozenClock) -> tuple[int, str, list[str]]:
    """alice with MFA on: (user id, secret, recovery codes); the clock is one step on."""
    mfa = service.mfa
    user_id = service.accounts.register("alice", GOOD).id
    secret = mfa.begin_enrollment(user_id).secret
    codes = mfa.confirm_enrollment(user_id, pyotp.TOTP(secret).at(clock.now()))
    clock.advance(seconds=30)
    return user_id, secret, codes


def code_at(secret: str, clock: FrozenClock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps))


def wrong_code(secret: str, clock: FrozenClock) -> str:
    valid = {code_at(secret, clock, s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
