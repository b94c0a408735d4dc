"""What the mail-sending flows share: links, delivery, and the resend limit."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from authgate.core.ports.tokens import OneTimeTokenRepository
from authgate.core.recovery.mail import Mailer, MailMessage
from authgate.core.tokens.one_time import TokenPurpose, issue_token

__all__ = [
    "FALLBACK_PUBLIC_URL",
    "RESEND_INTERVAL",
    "deliver",
    "issue_link",
    "link",
    "request_public_url",
    "token_sent_recently",
]

logger = logging.getLogger("authgate.mail")

RESEND_INTERVAL = timedelta(minutes=1)


FALLBACK_PUBLIC_URL = "http://localhost:8501"
"""Where links point when neither the settings nor the request say (``streamlit run``'s default)."""

_REQUEST_URL: ContextVar[str | None] = ContextVar("authgate_request_public_url", default=None)


@contextmanager
def request_public_url(url: str | None) -> Iterator[None]:
    """Links built inside this block use ``url`` (the app's address as the browser sees it).

    Only when ``AUTHGATE_PUBLIC_URL`` is unset: the configured address always
    wins. The request's address is whatever the client claims, so production
    should configure it (the settings warn when it is missing there); a
    context variable keeps it to the one request (thread or task) that set it.
    """
    reset = _REQUEST_URL.set(url.rstrip("/") if url else None)
    try:
        yield
    finally:
        _REQUEST_URL.reset(reset)


def link(public_url: str | None, path: str, token: str) -> str:
    """``<public_url>/<path>?token=...``: the page reads the token, then drops it from the URL.

    ``public_url`` None: the address of the request being served
    (``request_public_url``), else ``FALLBACK_PUBLIC_URL``.
    """
    base = public_url or _REQUEST_URL.get() or FALLBACK_PUBLIC_URL
    return f"{base.rstrip('/')}/{path.strip('/')}?{urlencode({'token': token})}"


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


def issue_link(
    tokens: OneTimeTokenRepository,
    purpose: TokenPurpose,
    *,
    user_id: int,
    now: datetime,
    ttl: timedelta,
    data: dict[str, Any],
    public_url: str | None,
    path: str,
) -> str | None:
    """A new single-use link of ``purpose`` for the user; None if one went out just now.

    Every mailed link goes through here, so none can skip the resend limit
    (``token_sent_recently``); ``data`` is what redeeming the link checks
    against the account (the address it went to, the password fingerprint).
    """
    if token_sent_recently(tokens, user_id, purpose, now):
        return None
    token = issue_token(tokens, purpose, now=now, ttl=ttl, user_id=user_id, data=data)
    return link(public_url, path, token)
