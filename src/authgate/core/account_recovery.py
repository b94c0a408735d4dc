"""Forgot password and forgot username, over ``AuthService``.

Rules this module guards:

- No enumeration: a "forgot" request returns the same thing (None) whether or
  not the account exists, has an email, or is disabled; only an active
  account with an address gets a message. The audit row has the same shape
  either way (``user_id`` None and ``sent`` False for unknown accounts).
- A reset link is a single-use token stored as its SHA-256, valid 30 minutes,
  and bound to the account's current password hash and email: a password
  change (or a completed reset) kills every outstanding link, the way
  Django's reset tokens die.
- A reset never bypasses the second factor: with MFA on it also needs a code.
- A reset ends every session of the account.
- Mail goes out after the commit; a delivery failure is logged, not raised,
  so the answer stays the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeGuard

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from authgate.core import mail_templates
from authgate.core import sessions as session_store
from authgate.core._client_meta import clean_agent, clean_ip
from authgate.core._mailing import RESEND_INTERVAL, deliver, link, token_sent_recently
from authgate.core._records import to_user
from authgate.core._secrets import digest
from authgate.core._token_peek import peek_token
from authgate.core.errors import InvalidInput, InvalidToken, MfaRequired
from authgate.core.events_mfa import (
    PasswordReset,
    PasswordResetRequested,
    UsernameReminderRequested,
)
from authgate.core.identity import normalize_login, sanitize_client_text
from authgate.core.mail import Mailer, MailMessage
from authgate.core.records import AuthUser
from authgate.core.tokens import TokenPurpose, consume_token, issue_token
from authgate.store.models import AuditEvent, OneTimeToken, User

if TYPE_CHECKING:
    from authgate.core.mfa_service import MfaService
    from authgate.core.service import AuthService

__all__ = ["RESET_TTL", "AccountRecovery", "PasswordResetInfo"]

RESET_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class PasswordResetInfo:
    """What a reset page needs before asking for the new password."""

    username: str
    mfa_required: bool
    expires_at: datetime


class AccountRecovery:
    """Self-service "forgot password" and "forgot username"; needs a ``Mailer`` to send.

    ``reset_path`` is the page (under ``settings.public_url``) that reads
    ``?token=`` from the link. ``mfa`` checks codes on resets of MFA accounts.
    """

    def __init__(
        self,
        auth: AuthService,
        *,
        mailer: Mailer | None = None,
        mfa: MfaService | None = None,
        reset_path: str = "reset-password",
        site_name: str | None = None,
    ) -> None:
        from authgate.core.mfa_service import MfaService

        self.auth = auth
        self.mailer = mailer
        self.mfa = mfa or MfaService(auth)
        self.reset_path = reset_path
        self.site_name = site_name or auth.settings.mfa_issuer

    @property
    def mail_enabled(self) -> bool:
        """False when no mailer is configured: pages say recovery goes through an admin."""
        return self.mailer is not None

    def request_password_reset(
        self, login: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        """Email a reset link if ``login`` (username or email) names an active account.

        Returns None in every case and raises nothing for unknown input; at
        most one link per account per minute goes out (no mailbox flooding).
        """
        key, attempted = _lookup_key(login)
        now = self.auth.clock.now()
        message: MailMessage | None = None
        with self.auth._db() as db:
            row = self._find(db, key, by_email_only=False)
            purpose = TokenPurpose.PASSWORD_RESET
            if self._mailable(row) and not token_sent_recently(db, row.id, purpose, now):
                token = issue_token(
                    db,
                    purpose,
                    now=now,
                    ttl=RESET_TTL,
                    user_id=row.id,
                    data={"fingerprint": _fingerprint(row)},
                )
                message = mail_templates.password_reset(
                    to=row.email or "",
                    username=row.username,
                    link=link(self.auth.settings.public_url, self.reset_path, token),
                    ttl=RESET_TTL,
                    site=self.site_name,
                )
            event = PasswordResetRequested(
                user_id=row.id if row is not None else None,
                username=row.username if row is not None else attempted,
                ip=clean_ip(ip),
                user_agent=clean_agent(user_agent),
                sent=message is not None,
            )
            self.auth._emit(db, event)
        deliver(self.mailer, message)
        self.auth._after_commit([event])

    def inspect_reset_token(self, token: str) -> PasswordResetInfo:
        """Check a reset link without spending it (so the page knows to ask for a code).

        Raises InvalidToken (unknown, or dead since the password or email
        changed or the account was disabled), TokenExpired, TokenReused.
        """
        with self.auth._db() as db:
            token_row, row = self._reset_target(db, token, consume=False)
            user = to_user(row)
            return PasswordResetInfo(
                username=user.username,
                mfa_required=user.mfa_enabled,
                expires_at=token_row.expires_at,
            )

    def reset_password(
        self,
        token: str,
        new_password: str,
        *,
        code: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> AuthUser:
        """Set a new password from a reset link; every session of the account ends.

        The link stays usable until this succeeds, so a weak password or a
        mistyped code can be corrected. Raises the token errors of
        ``inspect_reset_token``, InvalidInput, WeakPassword, MfaRequired (MFA
        on, no code), MfaInvalidCode and AccountLocked (codes are throttled).
        """
        if not isinstance(new_password, str):
            raise InvalidInput("Password must be text.")
        ip, user_agent = clean_ip(ip), clean_agent(user_agent)
        with self.auth._db() as db:
            user = to_user(self._reset_target(db, token, consume=False)[1])
        self.auth.policy.validate(new_password, username=user.username, email=user.email)
        if user.mfa_enabled:
            if not code:
                raise MfaRequired("Enter a code from your authenticator app or a recovery code.")
            self.mfa.verify_second_factor(
                user.id, code, context="password_reset", ip=ip, user_agent=user_agent
            )
        encoded = self.auth.passwords.hash(new_password)
        now = self.auth.clock.now()
        with self.auth._db() as db:
            row = self._reset_target(db, token, consume=True)[1]
            row.password_hash = encoded
            row.password_changed_at = row.updated_at = now
            row.must_change_password = False
            row.email_verified = True  # the link reached this very address
            ended = session_store.revoke_user_sessions(db, row.id)
            _spend_other_links(db, row.id, now)
            event = PasswordReset(
                user_id=row.id,
                username=row.username,
                ip=ip,
                user_agent=user_agent,
                sessions_ended=ended,
                with_mfa=user.mfa_enabled,
            )
            self.auth._emit(db, event)
            result = to_user(row)
        self.auth.throttle.reset(f"account:{user.id}")
        self.auth._bump()
        self.auth._after_commit([event])
        return result

    def request_username_reminder(
        self, email: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        """Email the username registered with ``email``; None whether or not there is one."""
        key, attempted = _lookup_key(email)
        now = self.auth.clock.now()
        message: MailMessage | None = None
        with self.auth._db() as db:
            row = self._find(db, key, by_email_only=True)
            if self._mailable(row) and not _reminder_sent_recently(db, row.id, now):
                message = mail_templates.username_reminder(
                    to=row.email or "", usernames=[row.username], site=self.site_name
                )
            event = UsernameReminderRequested(
                user_id=row.id if row is not None else None,
                username=row.username if row is not None else attempted,
                ip=clean_ip(ip),
                user_agent=clean_agent(user_agent),
                sent=message is not None,
            )
            self.auth._emit(db, event)
        deliver(self.mailer, message)
        self.auth._after_commit([event])

    def _reset_target(
        self, db: DbSession, token: str, *, consume: bool
    ) -> tuple[OneTimeToken, User]:
        now, purpose = self.auth.clock.now(), TokenPurpose.PASSWORD_RESET
        if consume:
            token_row = consume_token(db, purpose, token, now=now)
        else:
            token_row = peek_token(db, purpose, token, now=now)
        row = db.get(User, token_row.user_id or 0)
        fingerprint = (token_row.data or {}).get("fingerprint")
        if row is None or not row.is_active or fingerprint != _fingerprint(row):
            raise InvalidToken()
        return token_row, row

    def _mailable(self, row: User | None) -> TypeGuard[User]:
        return row is not None and self.mailer is not None

    def _find(self, db: DbSession, key: str, *, by_email_only: bool) -> User | None:
        """The active account with an address matching ``key``, if any."""
        if not key:
            return None
        match = User.email_key == key
        if not by_email_only:
            match = match | (User.username_key == key)
        row = db.scalar(select(User).where(match).limit(1))
        return row if row is not None and row.is_active and row.email else None


def _fingerprint(row: User) -> str:
    """A digest of what a reset link is bound to: the password hash and the email."""
    return digest(f"reset:{row.password_hash or ''}:{row.email_key or ''}")


def _spend_other_links(db: DbSession, user_id: int, now: datetime) -> None:
    db.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.purpose == TokenPurpose.PASSWORD_RESET.value,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def _reminder_sent_recently(db: DbSession, user_id: int, now: datetime) -> bool:
    """Like ``token_sent_recently`` for username reminders (no token), from the audit log."""
    details = db.scalars(
        select(AuditEvent.detail)
        .where(
            AuditEvent.user_id == user_id,
            AuditEvent.event_type == UsernameReminderRequested.event_type,
            AuditEvent.occurred_at > now - RESEND_INTERVAL,
        )
        .order_by(AuditEvent.occurred_at.desc())
        .limit(200)
    ).all()
    return any((detail or {}).get("sent") for detail in details)


def _lookup_key(raw: object) -> tuple[str, str | None]:
    """The lookup key and the text to audit; malformed input names no account."""
    if not isinstance(raw, str):
        return "", None
    return normalize_login(raw), sanitize_client_text(raw, 320)
