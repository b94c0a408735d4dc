"""Checking a second factor: a TOTP code or a recovery code, once, throttled.

Every flow that asks for a code (the login's second step, turning MFA off,
new recovery codes, a password reset) goes through ``SecondFactorVerifier``,
so the rules hold everywhere:

- a wrong, replayed or spent code counts toward the account's lockout (the
  same ``account:<id>`` key as wrong passwords) and is audited as
  ``mfa.failed``; for MFA users only a correct second factor resets that
  counter, so knowing the password does not buy unlimited code guesses;
- a TOTP code is accepted once: the last accepted time step is stored per user
  and advanced by a conditional UPDATE, which holds across replicas;
- malformed input (letters, wrong length) is refused without counting, since
  it tests no secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import or_, update
from sqlalchemy.orm import Session as DbSession

from authgate.core import mfa as totp
from authgate.core import recovery_codes
from authgate.core._client_meta import clean_agent, clean_ip
from authgate.core._records import to_user
from authgate.core.errors import MfaInvalidCode, UserNotFound
from authgate.core.events import AuthEvent
from authgate.core.events_mfa import MfaFailed, RecoveryCodeUsed
from authgate.core.records import AuthUser
from authgate.core.secretbox import SecretBox
from authgate.store.models import MfaSecret, User

if TYPE_CHECKING:
    from authgate.core.service import AuthService

__all__ = ["SecondFactor", "SecondFactorVerifier", "mfa_context", "parse_code", "user_row"]

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


def user_row(db: DbSession, user_id: int, *, error: type[Exception] = UserNotFound) -> User:
    row = db.get(User, user_id) if isinstance(user_id, int) else None
    if row is None:
        raise error()
    return row


class SecondFactorVerifier:
    """Accepts codes for ``AuthService`` users; shared by every flow that asks for one."""

    def __init__(self, auth: AuthService, box: SecretBox) -> None:
        self.auth = auth
        self.box = box

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
        on) and AccountLocked while the account is locked out.
        """
        kind, value = parse_code(code)
        ip, user_agent = clean_ip(ip), clean_agent(user_agent)
        with self.auth._db() as db:
            user = to_user(user_row(db, user_id, error=MfaInvalidCode))
        key = f"account:{user_id}"
        self.auth._refuse_if_locked(
            key, ip, user_id=user_id, attempted=user.username, user_agent=user_agent
        )
        now = self.auth.clock.now()
        events: list[AuthEvent] = []
        with self.auth._db() as db:
            row = db.get(MfaSecret, user_id)
            failure: str | None
            if row is None or not row.enabled:
                failure = "not_enrolled"
            elif kind == "totp":
                failure = self._accept_totp(db, row, value, now)
            elif recovery_codes.use_code(db, user_id, value, now=now):
                failure = None
                events.append(
                    RecoveryCodeUsed(
                        user_id=user_id,
                        username=user.username,
                        ip=ip,
                        user_agent=user_agent,
                        remaining=recovery_codes.count_unused(db, user_id),
                        context=context,
                    )
                )
            else:
                failure = "invalid_recovery_code"
            for event in events:
                self.auth._emit(db, event)
        if failure is not None:
            self._count_failure(user, ip, user_agent, reason=failure, context=context)
            raise MfaInvalidCode()
        self.auth.throttle.reset(key)
        self.auth._after_commit(events)
        return kind

    def _accept_totp(self, db: DbSession, row: MfaSecret, digits: str, now: datetime) -> str | None:
        """Advance the replay guard to the matching step; None on success, else why not."""
        secret = self.box.decrypt(row.secret_ciphertext, context=mfa_context(row.user_id))
        step = totp.matching_step(secret, digits, at=now, after_step=row.last_used_step)
        if step is None:
            replayed = totp.matching_step(secret, digits, at=now) is not None
            return "replayed_code" if replayed else "invalid_code"
        claimed = db.execute(
            update(MfaSecret)
            .where(
                MfaSecret.user_id == row.user_id,
                or_(MfaSecret.last_used_step.is_(None), MfaSecret.last_used_step < step),
            )
            .values(last_used_step=step)
            .execution_options(synchronize_session=False)
        )
        return None if getattr(claimed, "rowcount", 0) == 1 else "replayed_code"

    def _count_failure(
        self, user: AuthUser, ip: str | None, user_agent: str | None, *, reason: str, context: str
    ) -> None:
        """Count a failed code like a failed password: same key, same lockout events."""
        auth, now = self.auth, self.auth.clock.now()
        events: list[AuthEvent] = [
            MfaFailed(
                user_id=user.id,
                username=user.username,
                ip=ip,
                user_agent=user_agent,
                reason=reason,
                context=context,
            )
        ]
        status = auth.throttle.record_failure(f"account:{user.id}", now)
        if status.locked_at(now):
            events.append(auth._lock_event(status, now, user, user.username, ip, "account"))
        if ip and auth.ip_throttle is not None:
            ip_status = auth.ip_throttle.record_failure(f"ip:{ip}", now)
            if ip_status.locked_at(now):
                events.append(auth._lock_event(ip_status, now, user, user.username, ip, "ip"))
        with auth._db() as db:
            for event in events:
                auth._emit(db, event)
        auth._after_commit(events)
