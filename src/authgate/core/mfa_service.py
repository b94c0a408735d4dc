"""``MfaService``: TOTP enrolment, the second login step, recovery codes, policy.

Composed with ``AuthService`` rather than mixed into it, so the core facade
stays one job and pages that never touch MFA never load it. It uses the
service's transactions, events, throttle and clock, so its changes are
audited and throttled exactly like the core's. Secrets are stored encrypted
(``SecretBox``) and never logged; every code goes through
``SecondFactorVerifier`` (replay guard, throttling, audit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from authgate.core import mfa as totp
from authgate.core import recovery_codes
from authgate.core._client_meta import clean_agent, clean_ip
from authgate.core._records import to_user
from authgate.core._token_peek import peek_token
from authgate.core.errors import (
    InvalidCredentials,
    InvalidInput,
    MfaInvalidCode,
    PermissionDenied,
)
from authgate.core.events import AuthEvent
from authgate.core.events_mfa import (
    MfaDisabled,
    MfaEnrolled,
    MfaReset,
    RecoveryCodesRegenerated,
)
from authgate.core.mfa import MfaEnrollment
from authgate.core.mfa_verify import (
    SecondFactor,
    SecondFactorVerifier,
    mfa_context,
    parse_code,
    user_row,
)
from authgate.core.records import AuthUser, LoginResult
from authgate.core.secretbox import SecretBox
from authgate.core.tokens import TokenPurpose, consume_token
from authgate.store.models import MfaSecret

if TYPE_CHECKING:
    from authgate.core.service import AuthService

__all__ = ["MfaService", "MfaStatus", "SecondFactor"]


@dataclass(frozen=True)
class MfaStatus:
    """What the Account page shows about a user's second factor."""

    enabled: bool
    confirmed_at: datetime | None
    recovery_codes_left: int
    enrollment_required: bool


class MfaService:
    """Second-factor operations over an ``AuthService`` (build once, share)."""

    def __init__(self, auth: AuthService, *, box: SecretBox | None = None) -> None:
        self.auth = auth
        self._box = box or SecretBox.from_settings(auth.settings, purpose="mfa")
        self._verifier = SecondFactorVerifier(auth, self._box)

    # -- policy and status --------------------------------------------------

    def mfa_enrollment_required(self, user: AuthUser) -> bool:
        """True when the user's roles require MFA and they have not enrolled.

        The gate shows such a user the enrolment page and nothing else; the
        API can refuse other calls. It is a flag, not an exception, so the
        password step still opens the session that enrolment needs.
        """
        required = self.auth.settings.mfa_required_roles
        return bool(required) and not user.mfa_enabled and user.has_role(*required)

    def status(self, user_id: int) -> MfaStatus:
        with self.auth._db() as db:
            user = user_row(db, user_id)
            row = db.get(MfaSecret, user_id)
            enabled = bool(row is not None and row.enabled)
            left = recovery_codes.count_unused(db, user_id) if enabled else 0
            record = to_user(user)
        return MfaStatus(
            enabled=enabled,
            confirmed_at=row.confirmed_at if row is not None and enabled else None,
            recovery_codes_left=left,
            enrollment_required=self.mfa_enrollment_required(record),
        )

    # -- enrolment ------------------------------------------------------------

    def begin_enrollment(self, user_id: int) -> MfaEnrollment:
        """Create a new pending secret (replacing any earlier pending one) and its QR code.

        MFA stays off until ``confirm_enrollment`` sees a valid code, so a
        user who scans nothing is not locked out. Raises InvalidInput when MFA
        is already on (disable it first), UserNotFound for an unknown id.
        """
        secret = totp.new_secret()
        ciphertext = self._box.encrypt(secret, context=mfa_context(user_id))
        now = self.auth.clock.now()
        try:
            with self.auth._db() as db:
                username = user_row(db, user_id).username
                row = db.get(MfaSecret, user_id)
                if row is not None and row.enabled:
                    raise InvalidInput("Two-factor authentication is already on.")
                if row is not None:
                    db.delete(row)
                    db.flush()
                db.add(
                    MfaSecret(
                        user_id=user_id, secret_ciphertext=ciphertext, enabled=False, created_at=now
                    )
                )
        except IntegrityError:  # two set-ups started at the same moment
            raise InvalidInput("Two-factor set-up was started twice; please try again.") from None
        uri = totp.provisioning_uri(
            secret, account_name=username, issuer=self.auth.settings.mfa_issuer
        )
        return MfaEnrollment(
            secret=secret, provisioning_uri=uri, qr_png=totp.qr_png(uri), qr_svg=totp.qr_svg(uri)
        )

    def confirm_enrollment(
        self, user_id: int, code: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> list[str]:
        """Switch MFA on once ``code`` matches the pending secret; return ten recovery codes.

        The codes are the only copy: show them once. Raises MfaInvalidCode
        (malformed or wrong code), InvalidInput (no enrolment begun, or
        already on).
        """
        digits = totp.normalize_totp(code)
        now = self.auth.clock.now()
        with self.auth._db() as db:
            user = user_row(db, user_id)
            row = db.get(MfaSecret, user_id)
            if row is None or row.enabled:
                raise InvalidInput(
                    "Two-factor authentication is already on."
                    if row is not None
                    else "Start the set-up of two-factor authentication first."
                )
            secret = self._box.decrypt(row.secret_ciphertext, context=mfa_context(user_id))
            step = totp.matching_step(secret, digits, at=now, after_step=row.last_used_step)
            if step is None:
                raise MfaInvalidCode()
            switched = db.execute(
                update(MfaSecret)
                .where(MfaSecret.user_id == user_id, MfaSecret.enabled.is_(False))
                .values(enabled=True, confirmed_at=now, last_used_step=step)
                .execution_options(synchronize_session=False)
            )
            if getattr(switched, "rowcount", 0) != 1:
                raise InvalidInput("Two-factor authentication is already on.")
            codes = recovery_codes.replace_codes(db, user_id, now=now)
            event = MfaEnrolled(
                user_id=user_id,
                username=user.username,
                ip=clean_ip(ip),
                user_agent=clean_agent(user_agent),
                recovery_codes=len(codes),
            )
            self.auth._emit(db, event)
        self._changed([event])
        return codes

    def regenerate_recovery_codes(
        self, user_id: int, code: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> list[str]:
        """Replace all recovery codes after a current code (TOTP or recovery) proves presence."""
        self.verify_second_factor(
            user_id, code, context="recovery_codes", ip=ip, user_agent=user_agent
        )
        now = self.auth.clock.now()
        with self.auth._db() as db:
            user = user_row(db, user_id)
            codes = recovery_codes.replace_codes(db, user_id, now=now)
            event = RecoveryCodesRegenerated(
                user_id=user_id,
                username=user.username,
                ip=clean_ip(ip),
                user_agent=clean_agent(user_agent),
                count=len(codes),
            )
            self.auth._emit(db, event)
        self.auth._after_commit([event])
        return codes

    def disable(
        self,
        user_id: int,
        password: str,
        code: str,
        *,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> AuthUser:
        """Turn MFA off; needs the password and a current code (both throttled).

        Raises PermissionDenied when the user's roles require MFA,
        InvalidInput when it is not on, InvalidCredentials for a wrong
        password, MfaInvalidCode for a wrong code, AccountLocked.
        """
        parse_code(code)  # a malformed code fails before any password hashing
        ip, user_agent = clean_ip(ip), clean_agent(user_agent)
        with self.auth._db() as db:
            row = user_row(db, user_id)
            user, stored = to_user(row), row.password_hash
        if self.auth.settings.mfa_required_roles and user.has_role(
            *self.auth.settings.mfa_required_roles
        ):
            raise PermissionDenied("Two-factor authentication is required for your role.")
        if not user.mfa_enabled:
            raise InvalidInput("Two-factor authentication is not on.")
        key = f"account:{user_id}"
        self.auth._refuse_if_locked(
            key, ip, user_id=user_id, attempted=user.username, user_agent=user_agent
        )
        if not isinstance(password, str) or not stored:
            ok = False
        else:
            ok = self.auth.passwords.verify(password, stored)[0]
        if not ok:
            self.auth._fail(
                key,
                ip,
                user=user,
                attempted=user.username,
                user_agent=user_agent,
                reason="wrong_password_mfa_disable",
            )
            raise InvalidCredentials("The password is incorrect.")
        self.verify_second_factor(user_id, code, context="disable", ip=ip, user_agent=user_agent)
        with self.auth._db() as db:
            row = user_row(db, user_id)
            _remove_factor(db, user_id)
            event = MfaDisabled(
                user_id=user_id, username=row.username, ip=ip, user_agent=user_agent
            )
            self.auth._emit(db, event)
            db.expire(row, ["mfa_enabled"])
            result = to_user(row)
        self._changed([event])
        return result

    def admin_reset_mfa(self, user_id: int, *, actor_id: int | None) -> bool:
        """Remove a user's second factor and recovery codes as an administrator.

        Audited as ``mfa.reset`` naming the admin, whether or not MFA was on;
        returns whether it was. The user can log in with the password alone
        and enrol again (a required role sends them straight to enrolment).
        """
        with self.auth._db() as db:
            row = user_row(db, user_id)
            existing = db.get(MfaSecret, user_id)
            was_enabled = bool(existing is not None and existing.enabled)
            _remove_factor(db, user_id)
            event = MfaReset(
                user_id=user_id, username=row.username, actor_id=actor_id, was_enabled=was_enabled
            )
            self.auth._emit(db, event)
        self._changed([event])
        return was_enabled

    # -- the second factor ------------------------------------------------------

    def verify_second_factor(
        self,
        user_id: int,
        code: str,
        *,
        context: str = "login",
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> SecondFactor:
        """Accept a six-digit code or a recovery code for the user, once; say which it was.

        ``context`` names the flow in the audit row (login, disable,
        password_reset...). A wrong, replayed or spent code counts as a failed
        attempt on the account and raises MfaInvalidCode; AccountLocked while
        locked out; malformed input raises MfaInvalidCode without counting.
        """
        return self._verifier.verify(user_id, code, context=context, ip=ip, user_agent=user_agent)

    def complete_login(
        self, ticket: str, code: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> LoginResult:
        """Trade the ticket from ``MfaRequired`` plus a code for a session (``mfa=True``).

        A wrong code leaves the ticket usable until it expires (five minutes),
        with every wrong code counted toward the lockout; a right one spends
        it. Raises InvalidToken, TokenExpired or TokenReused for the ticket,
        MfaInvalidCode, AccountLocked, AccountDisabled.
        """
        parse_code(code)
        with self.auth._db() as db:
            row = peek_token(db, TokenPurpose.MFA_TICKET, ticket, now=self.auth.clock.now())
            user_id = int(row.user_id or 0)
            remember = bool((row.data or {}).get("remember", False))
        method = self.verify_second_factor(
            user_id, code, context="login", ip=ip, user_agent=user_agent
        )
        with self.auth._db() as db:
            consume_token(db, TokenPurpose.MFA_TICKET, ticket, now=self.auth.clock.now())
        return self.auth.open_session(
            user_id,
            remember=remember,
            mfa=True,
            ip=clean_ip(ip),
            user_agent=clean_agent(user_agent),
            method=f"password+{method}",
        )

    def _changed(self, events: list[AuthEvent]) -> None:
        """After a change to ``mfa_enabled``: let gate caches see it, then run hooks."""
        self.auth._bump()
        self.auth._after_commit(events)


def _remove_factor(db: DbSession, user_id: int) -> None:
    db.execute(
        delete(MfaSecret)
        .where(MfaSecret.user_id == user_id)
        .execution_options(synchronize_session=False)
    )
    recovery_codes.delete_codes(db, user_id)
