"""Checking a second factor: a TOTP code or a recovery code, once, throttled.

Every flow that asks for a code (the login's second step, turning MFA off,
new recovery codes, a password reset) goes through ``SecondFactorVerifier``,
so the rules hold everywhere:

- a wrong, replayed or spent code counts toward the account's lockout (the
  same account key as wrong passwords, through ``Lockout``) and is audited as
  ``mfa.failed``; for MFA users only a correct second factor resets that
  counter, so knowing the password does not buy unlimited code guesses;
- a TOTP code is accepted once: the last accepted time step is stored per user
  and advanced by a conditional update in the store, which holds across
  replicas;
- malformed input (letters, wrong length) is refused without counting, since
  it tests no secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from authgate.core.clock import Clock
from authgate.core.lockout.guard import Lockout, account_key
from authgate.core.mfa import recovery_codes, totp
from authgate.core.mfa.events import MfaFailed, RecoveryCodeUsed
from authgate.core.mfa.secretbox import SecretBox
from authgate.core.ports.mfa import MfaFactor, MfaRepository
from authgate.core.ports.users import UserRepository
from authgate.core.records import AuthUser, Client
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import MfaInvalidCode, UserNotFound

__all__ = ["SecondFactor", "SecondFactorVerifier", "mfa_context", "parse_code", "require_user"]

SecondFactor = Literal["totp", "recovery_code"]


def parse_code(code: object) -> tuple[SecondFactor, str]:
    """Classify input as a recovery code or a six-digit code; MfaInvalidCode if neither."""
    recovery = recovery_codes.normalize_recovery_code(code)
    if recovery is not None:
        return "recovery_code", recovery
    if isinstance(code, str) and code.strip() and not totp.looks_like_totp(code):
        raise MfaInvalidCode("Enter the 6-digit code from your app, or a recovery code.")
    return "totp", totp.normalize_totp(code)


def mfa_context(user_id: int) -> str:
    """The associated data a user's encrypted secret is bound to."""
    return f"mfa:{user_id}"


def require_user(
    users: UserRepository, user_id: object, *, error: type[Exception] = UserNotFound
) -> AuthUser:
    """The user, or ``error`` for an unknown id (or one that is not an int at all)."""
    user = users.get(user_id) if isinstance(user_id, int) else None
    if user is None:
        raise error()
    return user


@dataclass(kw_only=True, eq=False)
class SecondFactorVerifier:
    """Accepts codes for a user; shared by every flow that asks for one (build once)."""

    uow: UnitOfWork
    lockout: Lockout
    box: SecretBox
    codes: recovery_codes.RecoveryCodeHasher
    clock: Clock

    def verify(
        self,
        user_id: int,
        code: object,
        *,
        context: str,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> SecondFactor:
        """Accept the code once and say which kind it was.

        Raises MfaInvalidCode (wrong, replayed, spent, malformed, or MFA not
        on; an unknown user too, without counting) and AccountLocked while
        the account is locked out.
        """
        kind, value = parse_code(code)
        client = Client.of(ip, user_agent)
        with self.uow.write() as work:
            user = require_user(work.users, user_id, error=MfaInvalidCode)
            attempt = self.lockout.reserve_in(
                work, account_key(user.id), client=client, user_id=user.id, attempted=user.username
            )
        attempt.check()
        now = self.clock.now()
        with self.uow.write() as work:
            failure = self._check(work, user, kind, value, now, client, context)
            if failure is None:
                self.lockout.succeeded(attempt, work=work)
        if failure is not None:
            failed = MfaFailed(user=user, client=client, reason=failure, context=context)
            self.lockout.failed(attempt, failed)
            raise MfaInvalidCode()
        return kind

    def _check(
        self,
        work: Work,
        user: AuthUser,
        kind: SecondFactor,
        value: str,
        now: datetime,
        client: Client,
        context: str,
    ) -> str | None:
        """Spend the code inside ``work``; None on success, else the audited reason."""
        factor = work.mfa.get(user.id)
        if factor is None or not factor.enabled:
            return "not_enrolled"
        if kind == "totp":
            return self._accept_totp(work.mfa, factor, value, now)
        if not recovery_codes.use_code(work.mfa, self.codes, user.id, value, now=now):
            return "invalid_recovery_code"
        work.emit(
            RecoveryCodeUsed(
                user=user,
                client=client,
                remaining=work.mfa.count_unused_codes(user.id),
                context=context,
            )
        )
        return None

    def _accept_totp(
        self, factors: MfaRepository, factor: MfaFactor, digits: str, now: datetime
    ) -> str | None:
        """Advance the replay guard to the matching step; None on success, else why not."""
        secret = self.box.decrypt(factor.secret_ciphertext, context=mfa_context(factor.user_id))
        step = totp.matching_step(secret, digits, at=now, after_step=factor.last_used_step)
        if step is None:
            replayed = totp.matching_step(secret, digits, at=now) is not None
            return "replayed_code" if replayed else "invalid_code"
        return None if factors.advance_step(factor.user_id, step) else "replayed_code"
