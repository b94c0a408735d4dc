"""Forgot password and forgot username.

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
- At most one reset link, and one username reminder, per account per minute
  (``RESEND_INTERVAL``), counting mails sent rather than requests, so asking
  again cannot flood a mailbox nor starve the owner.
- Mail goes out after the commit; a delivery failure is logged, not raised,
  so the answer stays the same.
- No timing oracle: ``request_password_reset`` and
  ``request_username_reminder`` only hand the lookup to ``later`` (a
  ``Deferred``) and return. The account's work (resend limit, token write,
  mail) happens in ``send_password_reset``/``send_username_reminder``, the
  same job for every login, after the answer; the API runs that job as a
  background task once the response is out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from authgate.core.identity import normalize_login, sanitize_client_text
from authgate.core.lockout.guard import Lockout
from authgate.core.mfa.service import MfaService
from authgate.core.passwords.service import PasswordService
from authgate.core.passwords.validators import PasswordPolicy
from authgate.core.ports.audit import AuditQuery, AuditRepository
from authgate.core.ports.tokens import OneTimeTokenRecord, OneTimeTokenRepository
from authgate.core.ports.users import UserCredentials, UserRepository
from authgate.core.records import AuthUser, Client
from authgate.core.recovery import mail_templates
from authgate.core.recovery.deferred import Deferred, RunNow
from authgate.core.recovery.events import (
    PasswordReset,
    PasswordResetRequested,
    UsernameReminderRequested,
)
from authgate.core.recovery.mail import Mailer, MailMessage
from authgate.core.recovery.mailing import RESEND_INTERVAL, deliver, issue_link
from authgate.core.secrets import digest
from authgate.core.tokens.one_time import TokenPurpose, consume_token, peek_token
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import InvalidInput, InvalidToken, MfaRequired

__all__ = ["RESET_TTL", "AccountRecovery", "PasswordResetInfo"]

RESET_TTL = timedelta(minutes=30)
_PURPOSE = TokenPurpose.PASSWORD_RESET


@dataclass(frozen=True)
class PasswordResetInfo:
    """What a reset page needs before asking for the new password."""

    username: str
    mfa_required: bool
    expires_at: datetime


@dataclass(kw_only=True, eq=False)
class AccountRecovery:
    """Self-service "forgot password" and "forgot username"; needs a ``Mailer`` to send.

    ``reset_path`` is the page (under ``public_url``) that reads ``?token=``
    from the link. ``mfa`` checks codes on resets of MFA accounts; ``lockout``
    forgets the account's failures once a reset succeeds. ``later`` runs the
    "forgot" lookups after the answer (default: at once, in the caller).
    """

    uow: UnitOfWork
    passwords: PasswordService
    policy: PasswordPolicy
    lockout: Lockout
    mfa: MfaService
    mailer: Mailer | None
    public_url: str | None
    reset_path: str = "reset-password"
    site_name: str
    later: Deferred = field(default_factory=RunNow)

    @property
    def mail_enabled(self) -> bool:
        """False when no mailer is configured: pages say recovery goes through an admin."""
        return self.mailer is not None

    def request_password_reset(
        self, login: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        """Have a reset link emailed if ``login`` names an active account; answer at once.

        The lookup and everything after it run through ``later``, so the call
        does the same work whether or not the account exists.
        """
        self.later.submit(partial(self.send_password_reset, login, ip=ip, user_agent=user_agent))

    def send_password_reset(
        self, login: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        """Email a reset link if ``login`` (username or email) names an active account.

        The job behind ``request_password_reset``: run it after the answer.
        Returns None in every case and raises nothing for unknown input; at
        most one link per account per minute goes out (no mailbox flooding).
        """
        key, attempted = _lookup_key(login)
        now = self.uow.clock.now()
        with self.uow.write() as work:
            found = _find(work.users, key, email_only=False)
            user = found.user if found is not None else None
            message = self._reset_mail(work, found, now) if found is not None else None
            work.emit(
                _requested(
                    PasswordResetRequested, user, attempted, Client.of(ip, user_agent), message
                )
            )
        deliver(self.mailer, message)

    def inspect_reset_token(self, token: str) -> PasswordResetInfo:
        """Check a reset link without spending it (so the page knows to ask for a code).

        Raises InvalidToken (unknown, or dead since the password or email
        changed or the account was disabled), TokenExpired, TokenReused.
        """
        with self.uow.read() as repos:
            record, found = self._reset_target(
                repos.one_time_tokens, repos.users, token, consume=False
            )
        return PasswordResetInfo(
            username=found.user.username,
            mfa_required=found.user.mfa_enabled,
            expires_at=record.expires_at,
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
        client = Client.of(ip, user_agent)
        with self.uow.read() as repos:
            _, found = self._reset_target(repos.one_time_tokens, repos.users, token, consume=False)
        user = found.user
        self.policy.validate(new_password, username=user.username, email=user.email)
        if user.mfa_enabled:
            if not code:
                raise MfaRequired("Enter a code from your authenticator app or a recovery code.")
            self.mfa.verify_second_factor(
                user.id, code, context="password_reset", ip=client.ip, user_agent=client.user_agent
            )
        encoded = self.passwords.hash(new_password)
        now = self.uow.clock.now()
        with self.uow.write() as work:
            target = self._reset_target(work.one_time_tokens, work.users, token, consume=True)[1]
            uid = target.user.id
            # email_verified: the link reached this very address
            result = work.users.set_password_hash(
                uid, encoded, now=now, must_change=False, email_verified=True
            )
            ended = work.sessions.delete_for_user(uid)
            work.one_time_tokens.spend_all(uid, _PURPOSE.value, now=now)
            work.emit(
                PasswordReset(
                    user_id=uid,
                    username=result.username,
                    client=client,
                    sessions_ended=ended,
                    with_mfa=user.mfa_enabled,
                )
            )
            work.mark_stale()
        self.lockout.clear_account(user.id)
        return result

    def request_username_reminder(
        self, email: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        """Have the username registered with ``email`` mailed to it; answer at once."""
        self.later.submit(partial(self.send_username_reminder, email, ip=ip, user_agent=user_agent))

    def send_username_reminder(
        self, email: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        """Email the username registered with ``email``; None whether or not there is one.

        The job behind ``request_username_reminder``: run it after the answer.
        """
        key, attempted = _lookup_key(email)
        now = self.uow.clock.now()
        message: MailMessage | None = None
        with self.uow.write() as work:
            found = _find(work.users, key, email_only=True)
            user = found.user if found is not None else None
            if (
                user is not None
                and self.mailer is not None
                and not _reminder_sent_recently(work.audit, user.id, now)
            ):
                message = mail_templates.username_reminder(
                    to=user.email or "", usernames=[user.username], site=self.site_name
                )
            client = Client.of(ip, user_agent)
            work.emit(_requested(UsernameReminderRequested, user, attempted, client, message))
        deliver(self.mailer, message)

    def _reset_mail(self, work: Work, found: UserCredentials, now: datetime) -> MailMessage | None:
        """A new link for the account, unless there is no mailer or one went out just now."""
        user = found.user
        if self.mailer is None:
            return None
        url = issue_link(
            work.one_time_tokens,
            _PURPOSE,
            user_id=user.id,
            now=now,
            ttl=RESET_TTL,
            data={"fingerprint": _fingerprint(found)},
            public_url=self.public_url,
            path=self.reset_path,
        )
        if url is None:
            return None
        return mail_templates.password_reset(
            to=user.email or "",
            username=user.username,
            link=url,
            ttl=RESET_TTL,
            site=self.site_name,
        )

    def _reset_target(
        self,
        tokens: OneTimeTokenRepository,
        users: UserRepository,
        token: object,
        *,
        consume: bool,
    ) -> tuple[OneTimeTokenRecord, UserCredentials]:
        """The link's record and account, or InvalidToken when the link no longer fits it."""
        now = self.uow.clock.now()
        if consume:
            record = consume_token(tokens, _PURPOSE, token, now=now)
        else:
            record = peek_token(tokens, _PURPOSE, token, now=now)
        found = users.get_credentials(record.user_id) if record.user_id is not None else None
        fingerprint = (record.data or {}).get("fingerprint")
        if found is None or not found.user.is_active or fingerprint != _fingerprint(found):
            raise InvalidToken()
        return record, found


def _find(users: UserRepository, key: str, *, email_only: bool) -> UserCredentials | None:
    """The active account with an address matching ``key``, if any."""
    if not key:
        return None
    found = users.find_by_email_or_username(key, email_only=email_only)
    if found is None or not found.user.is_active or not found.user.email:
        return None
    return found


def _fingerprint(found: UserCredentials) -> str:
    """A digest of what a reset link is bound to: the password hash and the email."""
    return digest(f"reset:{found.password_hash or ''}:{found.email_key or ''}")


def _reminder_sent_recently(audit: AuditRepository, user_id: int, now: datetime) -> bool:
    """Like ``token_sent_recently`` for username reminders (no token), from the audit log.

    The cutoff is exclusive (a reminder exactly ``RESEND_INTERVAL`` ago no
    longer counts), whatever bound the store applies to ``since``.
    """
    cutoff = now - RESEND_INTERVAL
    records = audit.list(
        AuditQuery(
            user_id=user_id,
            event_type=UsernameReminderRequested.event_type,
            since=cutoff,
            limit=200,
        )
    )
    return any(r.occurred_at > cutoff and r.detail.get("sent") for r in records)


def _lookup_key(raw: object) -> tuple[str, str | None]:
    """The lookup key and the text to audit; malformed input names no account."""
    if not isinstance(raw, str):
        return "", None
    return normalize_login(raw), sanitize_client_text(raw, 320)


def _requested(
    event: type[PasswordResetRequested | UsernameReminderRequested],
    user: AuthUser | None,
    attempted: str | None,
    client: Client,
    message: MailMessage | None,
) -> PasswordResetRequested | UsernameReminderRequested:
    """The audit event of a "forgot" request: the account if one matched, whether mail went."""
    return event(
        user_id=user.id if user is not None else None,
        username=user.username if user is not None else attempted,
        client=client,
        sent=message is not None,
    )
