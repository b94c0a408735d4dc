"""What the mail-sending flows share: links, delivery, and the resend limit."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlencode

from authgate.core.ports.tokens import OneTimeTokenRepository
from authgate.core.recovery.mail import Mailer, MailMessage
from authgate.core.tokens.one_time import TokenPurpose

__all__ = ["RESEND_INTERVAL", "deliver", "link", "token_sent_recently"]

logger = logging.getLogger("authgate.mail")

RESEND_INTERVAL = timedelta(minutes=1)


def link(public_url: str, path: str, token: str) -> str:
    """``<public_url>/<path>?token=...``: the page reads the token, then drops it from the URL."""
    return f"{public_url.rstrip('/')}/{path.strip('/')}?{urlencode({'token': token})}"


def deliver(mailer: Mailer | None, message: MailMessage | None) -> None:
    """Send after the commit; a failure is logged (no body), never raised.

    Raising would make the answer to "forgot password" depend on whether a
    message was attempted, which is whether the account exists.
    """
    if message is None or mailer is None:
        return
    try:
        mailer.send(message)
    except Exception as error:
        logger.error("authgate could not send %r: %s", message.subject, type(error).__name__)


def token_sent_recently(
    tokens: OneTimeTokenRepository, user_id: int, purpose: TokenPurpose, now: datetime
) -> bool:
    """True if a link of ``purpose`` went to the user within ``RESEND_INTERVAL``.

    Counting links actually sent (not requests) means someone who keeps
    asking cannot starve the owner: a fresh, valid link still goes out once
    a minute, and no faster, so nobody can flood a mailbox through us.
    """
    return tokens.issued_since(user_id, purpose.value, since=now - RESEND_INTERVAL)
