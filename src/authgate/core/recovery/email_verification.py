"""Email verification: a 24-hour, single-use link, or an administrator's word.

The link's token is stored as its SHA-256 (``core/tokens/one_time.py``)
together with the address it was sent to; if the account's address changed
since, the link proves nothing about the new one and is refused. At most one
link per account per minute goes out (``RESEND_INTERVAL``). With
``require_verified_email`` on, the password login refuses unverified accounts
(``EmailNotVerified``) after checking the password, so the message reveals
nothing to someone who does not know it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from authgate.core.records import AuthUser, Client
from authgate.core.recovery import mail_templates
from authgate.core.recovery.events import EmailVerificationSent, EmailVerified
from authgate.core.recovery.mail import Mailer, MailMessage
from authgate.core.recovery.mailing import deliver, issue_link
from authgate.core.tokens.one_time import TokenPurpose, consume_token
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import InvalidToken, UserNotFound

__all__ = ["VERIFICATION_TTL", "EmailVerification"]

VERIFICATION_TTL = timedelta(hours=24)
_PURPOSE = TokenPurpose.EMAIL_VERIFICATION


@dataclass(kw_only=True, eq=False)
class EmailVerification:
    """Sends verification links and redeems them; ``verify_path`` is the page that reads one."""

    uow: UnitOfWork
    mailer: Mailer | None
    public_url: str | None
    verify_path: str = "verify-email"
    site_name: str

    def send_verification_email(self, user_id: int) -> bool:
        """Email a 24-hour verification link; False when there is nothing to send.

        Call it after registering a user with an address (or when they ask
        again). Nothing is sent without a mailer, without an address, for an
        address already verified, or within a minute of the previous link.
        Raises UserNotFound for an unknown id.
        """
        now = self.uow.clock.now()
        message: MailMessage | None = None
        with self.uow.write() as work:
            found = work.users.get_credentials(user_id)
            if found is None:
                raise UserNotFound()
            user = found.user
            if self.mailer is None or not user.email or user.email_verified:
                return False
            url = issue_link(
                work.one_time_tokens,
                _PURPOSE,
                user_id=user.id,
                now=now,
                ttl=VERIFICATION_TTL,
                data={"email": found.email_key},
                public_url=self.public_url,
                path=self.verify_path,
            )
            if url is not None:
                message = mail_templates.email_verification(
                    to=user.email,
                    username=user.username,
                    link=url,
                    ttl=VERIFICATION_TTL,
                    site=self.site_name,
                )
                work.emit(EmailVerificationSent(user_id=user.id, username=user.username))
        if message is None:
            return False
        deliver(self.mailer, message)
        return True

    def verify_email(
        self, token: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> AuthUser:
        """Mark the address verified from a link (which is then spent).

        Raises InvalidToken (unknown, or the address changed since it was
        sent), TokenExpired or TokenReused; the link stays unspent then.
        """
        now = self.uow.clock.now()
        with self.uow.write() as work:
            record = consume_token(work.one_time_tokens, _PURPOSE, token, now=now)
            found = (
                work.users.get_credentials(record.user_id) if record.user_id is not None else None
            )
            sent_to = (record.data or {}).get("email")
            if found is None or not found.email_key or sent_to != found.email_key:
                raise InvalidToken()
            result = work.users.mark_email_verified(found.user.id, now=now)
            work.emit(
                EmailVerified(
                    user=result,
                    client=Client.of(ip, user_agent),
                    method="link",
                )
            )
            work.mark_stale()
        return result

    def mark_email_verified(self, user_id: int, *, actor_id: int | None) -> AuthUser:
        """An administrator vouches for the address (audited naming them).

        Also the way to let in an account without an address when
        ``require_verified_email`` is on. Raises UserNotFound.
        """
        now = self.uow.clock.now()
        with self.uow.write() as work:
            if work.users.get(user_id) is None:
                raise UserNotFound()
            result = work.users.mark_email_verified(user_id, now=now)
            work.emit(
                EmailVerified(
                    user_id=result.id, username=result.username, actor_id=actor_id, method="admin"
                )
            )
            work.mark_stale()
        return result
