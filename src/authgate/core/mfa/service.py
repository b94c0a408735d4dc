"""``MfaService``: TOTP enrolment, recovery codes, disabling, and the MFA-required rule.

It changes state only through the unit of work, so its changes are audited
in the same transaction and gate caches hear of them (``mark_stale``); it
checks secrets only through ``Lockout`` and ``SecondFactorVerifier``, so a
wrong password or code here counts exactly like one at login. Secrets are
stored encrypted (``SecretBox``) and never logged. Trading an MFA ticket for a
session is the login's business (``core/login``), not this service's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from authgate.core.clock import Clock
from authgate.core.events import LoginFailed
from authgate.core.lockout.guard import Lockout, account_key
from authgate.core.mfa import recovery_codes, totp
from authgate.core.mfa.events import MfaDisabled, MfaEnrolled, MfaReset, RecoveryCodesRegenerated
from authgate.core.mfa.secretbox import SecretBox
from authgate.core.mfa.totp import MfaEnrollment
from authgate.core.mfa.verifier import (
    SecondFactor,
    SecondFactorVerifier,
    mfa_context,
    parse_code,
    require_user,
)
from authgate.core.passwords.service import PasswordService
from authgate.core.ports.store import DuplicateRecord
from authgate.core.records import AuthUser, Client
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import (
    InvalidCredentials,
    InvalidInput,
    MfaInvalidCode,
    PermissionDenied,
    UserNotFound,
)

__all__ = ["MfaService", "MfaStatus", "SecondFactor"]

_ALREADY_ON = "Two-factor authentication is already on."


@dataclass(frozen=True)
class MfaStatus:
    """What the Account page shows about a user's second factor."""

    enabled: bool
    confirmed_at: datetime | None
    recovery_codes_left: int
    enrollment_required: bool


@dataclass(kw_only=True, eq=False)
class MfaService:
    """Second-factor operations for one store (build once, share)."""

    uow: UnitOfWork
    lockout: Lockout
    passwords: PasswordService
    box: SecretBox
    codes: recovery_codes.RecoveryCodeHasher
    verifier: SecondFactorVerifier
    required_roles: tuple[str, ...]
    issuer: str
    clock: Clock

    # -- policy and status --------------------------------------------------

    def mfa_enrollment_required(self, user: AuthUser) -> bool:
        """True when the user's roles require MFA and they have not enrolled.

        This is the one place the rule is decided: the gate and the API ask it
        (the gate through its backend, so a remote gate gets the server's
        answer). The gate shows such a user the enrolment page and nothing
        else; the API can refuse other calls. It is a flag, not an exception,
        so the password step still opens the session that enrolment needs.
        """
        return not user.mfa_enabled and self._role_requires_mfa(user)

    def status(self, user_id: int) -> MfaStatus:
        """Whether MFA is on, since when, and how many recovery codes are left.

        Raises UserNotFound for an unknown id.
        """
        with self.uow.read() as repos:
            user = require_user(repos.users, user_id)
            factor = repos.mfa.get(user.id)
            enabled = bool(factor is not None and factor.enabled)
            left = repos.mfa.count_unused_codes(user.id) if enabled else 0
        return MfaStatus(
            enabled=enabled,
            confirmed_at=factor.confirmed_at if factor is not None and enabled else None,
            recovery_codes_left=left,
            enrollment_required=self.mfa_enrollment_required(user),
        )

    # -- enrolment ------------------------------------------------------------

    def begin_enrollment(self, user_id: int) -> MfaEnrollment:
        """Create a new pending secret (replacing any earlier pending one) and its QR code.

        MFA stays off until ``confirm_enrollment`` sees a valid code, so a
        user who scans nothing is not locked out. Raises InvalidInput when MFA
        is already on (disable it first), UserNotFound for an unknown id.
        """
        secret = totp.new_secret()
        ciphertext = self.box.encrypt(secret, context=mfa_context(user_id))
        now = self.clock.now()
        try:
            with self.uow.write() as work:
                username = require_user(work.users, user_id).username
                factor = work.mfa.get(user_id)
                if factor is not None and factor.enabled:
                    raise InvalidInput(_ALREADY_ON)
                work.mfa.start(user_id, ciphertext, now=now)
        except DuplicateRecord:  # two set-ups started at the same moment
            raise InvalidInput("Two-factor set-up was started twice; please try again.") from None
        uri = totp.provisioning_uri(secret, account_name=username, issuer=self.issuer)
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
        now = self.clock.now()
        with self.uow.write() as work:
            user = require_user(work.users, user_id)
            factor = work.mfa.get(user.id)
            if factor is None or factor.enabled:
                raise InvalidInput(
                    _ALREADY_ON
                    if factor is not None
                    else "Start the set-up of two-factor authentication first."
                )
            secret = self.box.decrypt(factor.secret_ciphertext, context=mfa_context(user.id))
            step = totp.matching_step(secret, digits, at=now, after_step=factor.last_used_step)
            if step is None:
                raise MfaInvalidCode()
            if not work.mfa.enable(user.id, step=step, now=now):
                raise InvalidInput(_ALREADY_ON)
            codes = recovery_codes.replace_codes(work.mfa, self.codes, user.id, now=now)
            work.emit(
                MfaEnrolled(
                    user=user,
                    client=Client.of(ip, user_agent),
                    recovery_codes=len(codes),
                )
            )
            work.mark_stale()  # mfa_enabled changed: cached users are out of date
        return codes

    def regenerate_recovery_codes(
        self, user_id: int, code: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> list[str]:
        """Replace all recovery codes after a current code (TOTP or recovery) proves presence."""
        self.verify_second_factor(
            user_id, code, context="recovery_codes", ip=ip, user_agent=user_agent
        )
        now = self.clock.now()
        with self.uow.write() as work:
            user = require_user(work.users, user_id)
            codes = recovery_codes.replace_codes(work.mfa, self.codes, user.id, now=now)
            work.emit(
                RecoveryCodesRegenerated(
                    user=user,
                    client=Client.of(ip, user_agent),
                    count=len(codes),
                )
            )
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
        client = Client.of(ip, user_agent)
        with self.uow.read() as repos:
            found = repos.users.get_credentials(user_id) if isinstance(user_id, int) else None
        if found is None:
            raise UserNotFound()
        user, stored = found.user, found.password_hash
        if self._role_requires_mfa(user):
            raise PermissionDenied("Two-factor authentication is required for your role.")
        if not user.mfa_enabled:
            raise InvalidInput("Two-factor authentication is not on.")
        key = account_key(user.id)
        attempt = self.lockout.reserve(key, client=client, user_id=user.id, attempted=user.username)
        if not isinstance(password, str) or not stored:
            ok = False
        else:
            ok = self.passwords.verify(password, stored)[0]
        if not ok:
            failure = LoginFailed(user=user, client=client, reason="wrong_password_mfa_disable")
            self.lockout.failed(attempt, failure)
            raise InvalidCredentials("The password is incorrect.")
        self.lockout.succeeded(attempt, complete=False)  # the code is still to come
        self.verify_second_factor(
            user.id, code, context="disable", ip=client.ip, user_agent=client.user_agent
        )
        with self.uow.write() as work:
            current = require_user(work.users, user.id)
            work.mfa.remove(user.id)
            work.emit(MfaDisabled(user=current, client=client))
            work.mark_stale()
        return replace(current, mfa_enabled=False)

    def admin_reset_mfa(self, user_id: int, *, actor_id: int | None) -> bool:
        """Remove a user's second factor and recovery codes as an administrator.

        Audited as ``mfa.reset`` naming the admin, whether or not MFA was on;
        returns whether it was. The user can log in with the password alone
        and enrol again (a required role sends them straight to enrolment).
        Raises UserNotFound.
        """
        with self.uow.write() as work:
            user = require_user(work.users, user_id)
            existing = work.mfa.get(user.id)
            was_enabled = bool(existing is not None and existing.enabled)
            work.mfa.remove(user.id)
            work.emit(
                MfaReset(
                    user=user,
                    actor_id=actor_id,
                    was_enabled=was_enabled,
                )
            )
            work.mark_stale()
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
        return self.verifier.verify(user_id, code, context=context, ip=ip, user_agent=user_agent)

    def _role_requires_mfa(self, user: AuthUser) -> bool:
        return bool(self.required_roles) and user.has_role(*self.required_roles)
