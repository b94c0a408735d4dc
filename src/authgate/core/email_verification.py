"""Email verification: a 24-hour, single-use link, or an administrator's word.

The link's token is stored as its SHA-256 (``core/tokens.py``) together with
the address it was sent to; if the account's address changed since, the
link proves nothing about the new one and is refused. With
``require_verified_email`` on, ``AuthService.login`` refuses unverified
accounts (``EmailNotVerified``) after checking the password, so the message
reveals nothing to someone who does not know it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from authgate.core import mail_templates
from authgate.core._client_meta import clean_agent, clean_ip
from authgate.core._mailing import deliver, link, token_sent_recently
from authgate.core._records import to_user
from authgate.core.errors import InvalidToken, UserNotFound
from authgate.core.events_mfa import EmailVerificationSent, EmailVerified
from authgate.core.mail import Mailer
from authgate.core.records import AuthUser
from authgate.core.tokens import TokenPurpose, consume_token, issue_token
from authgate.store.models import User

if TYPE_CHECKING:
    from authgate.core.service import AuthService

__all__ = ["VERIFICATION_TTL", "EmailVerification"]

VERIFICATION_TTL = timedelta(hours=24)


class EmailVerification:
    """Sends verification links and redeems them; ``verify_path`` is the page that reads one."""

    def __init__(
        self,
        auth: AuthService,
        *,
        mailer: Mailer | None = None,
        verify_path: str = "verify-email",
        site_name: str | None = None,
    ) -> None:
        self.auth = auth
        self.mailer = mailer
        self.verify_path = verify_path
        self.site_name = site_name or auth.settings.mfa_issuer

    def send_verification_email(self, user_id: int) -> bool:
        """Email a 24-hour verification link; False when there is nothing to send.

        Call it after registering a user with an address (or when they ask
        again). Nothing is sent without a mailer, without an address, for an
        address already verified, or within a minute of the previous link.
        Raises UserNotFound for an unknown id.
        """
        now = self.auth.clock.now()
        with self.auth._db() as db:
            row = db.get(User, user_id)
            if row is None:
                raise UserNotFound()
            if self.mailer is None or not row.email or row.email_verified:
                return False
            if token_sent_recently(db, row.id, TokenPurpose.EMAIL_VERIFICATION, now):
                return False
            token = issue_token(
                db,
                TokenPurpose.EMAIL_VERIFICATION,
                now=now,
                ttl=VERIFICATION_TTL,
                user_id=row.id,
                data={"email": row.email_key},
            )
            message = mail_templates.email_verification(
                to=row.email,
                username=row.username,
                link=link(self.auth.settings.public_url, self.verify_path, token),
                ttl=VERIFICATION_TTL,
                site=self.site_name,
            )
            event = EmailVerificationSent(user_id=row.id, username=row.username)
            self.auth._emit(db, event)
        deliver(self.mailer, message)
        self.auth._after_commit([event])
        return True

    def verify_email(
        self, token: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> AuthUser:
        """Mark the address verified from a link (which is then spent).

        Raises InvalidToken (unknown, or the address changed since it was
        sent), TokenExpired or TokenReused.
        """
        now = self.auth.clock.now()
        with self.auth._db() as db:
            token_row = consume_token(db, TokenPurpose.EMAIL_VERIFICATION, token, now=now)
            row = db.get(User, token_row.user_id or 0)
            sent_to = (token_row.data or {}).get("email")
            if row is None or not row.email_key or sent_to != row.email_key:
                raise InvalidToken()
            event = _mark(row, now, method="link", ip=clean_ip(ip), agent=clean_agent(user_agent))
            self.auth._emit(db, event)
            result = to_user(row)
        self.auth._bump()
        self.auth._after_commit([event])
        return result

    def mark_email_verified(self, user_id: int, *, actor_id: int | None) -> AuthUser:
        """An administrator vouches for the address (audited naming them).

        Also the way to let in an account without an address when
        ``require_verified_email`` is on. Raises UserNotFound.
        """
        now = self.auth.clock.now()
        with self.auth._db() as db:
            row = db.get(User, user_id)
            if row is None:
                raise UserNotFound()
            event = _mark(row, now, method="admin", actor_id=actor_id)
            self.auth._emit(db, event)
            result = to_user(row)
        self.auth._bump()
        self.auth._after_commit([event])
        return result


def _mark(
    row: User,
    now: datetime,
    *,
    method: str,
    actor_id: int | None = None,
    ip: str | None = None,
    agent: str | None = None,
) -> EmailVerified:
    row.email_verified = True
    row.updated_at = now
    return EmailVerified(
        user_id=row.id,
        username=row.username,
        actor_id=actor_id,
        ip=ip,
        user_agent=agent,
        method=method,
    )
