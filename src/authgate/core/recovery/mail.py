"""Sending mail: a ``Mailer`` protocol, an SMTP backend and development backends.

The core composes messages (``authgate.core.recovery.mail_templates``) and hands them
to a ``Mailer``; which one is decided by the configuration:

- ``SmtpMailer``: a real server, with STARTTLS, implicit TLS or (for a local
  relay) neither, and credentials from ``AUTHGATE_SMTP_*``.
- ``FileMailer``: writes each message as an ``.eml`` file into a folder, for
  development and tests that want to open what would have been sent.
- ``LogMailer``: writes each message to the log. Development only: reset and
  verification links are bearer secrets and end up in the log with it.

Mail is sent after the database commit; a failure to send is the caller's to
log, never a reason to undo a committed change.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Literal, Protocol

from pydantic import SecretStr

from authgate.config import AuthgateSettings
from authgate.core.secrets import new_id
from authgate.errors import ConfigurationError

__all__ = [
    "BackgroundMailer",
    "FileMailer",
    "LogMailer",
    "MailMessage",
    "Mailer",
    "SmtpMailer",
    "mailer_from_settings",
]

logger = logging.getLogger("authgate.mail")

SmtpSecurity = Literal["starttls", "ssl", "none"]
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class MailMessage:
    """One plain-text message (with an optional HTML alternative) to one recipient."""

    to: str
    subject: str
    text: str
    html: str | None = None

    def to_email(self, sender: str) -> EmailMessage:
        """The RFC 5322 message, with Date and Message-ID set."""
        message = EmailMessage()
        message["From"] = sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="authgate")
        message.set_content(self.text)
        if self.html is not None:
            message.add_alternative(self.html, subtype="html")
        return message


class Mailer(Protocol):
    """Something that delivers a ``MailMessage`` or raises."""

    def send(self, message: MailMessage) -> None: ...


class SmtpMailer:
    """Delivery through an SMTP server (one connection per message).

    ``security="starttls"`` (port 587) upgrades the connection and refuses a
    server that cannot; ``"ssl"`` (port 465) is TLS from the first byte;
    ``"none"`` is for a relay on localhost only, since credentials would
    cross the network in clear otherwise.
    """

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        sender: str,
        security: SmtpSecurity = "starttls",
        username: str | None = None,
        password: SecretStr | None = None,
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if not host:
            raise ConfigurationError("SMTP needs a host.")
        if security not in ("starttls", "ssl", "none"):
            raise ConfigurationError(f"Unknown SMTP security {security!r}.")
        if password is not None and not username:
            raise ConfigurationError("An SMTP password needs an SMTP username.")
        if security == "none" and username and host not in _LOCAL_HOSTS:
            raise ConfigurationError(
                "SMTP credentials would cross the network in clear: use starttls or ssl."
            )
        self.host = host
        self.port = port
        self.sender = sender
        self.security: SmtpSecurity = security
        self.username = username
        self._password = password
        self.timeout = timeout
        self._ssl_context = ssl_context

    @classmethod
    def from_settings(cls, settings: AuthgateSettings) -> SmtpMailer:
        if not settings.smtp_host:
            raise ConfigurationError("AUTHGATE_SMTP_HOST is not set.")
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            sender=settings.mail_from,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )

    def __repr__(self) -> str:
        return f"SmtpMailer(host={self.host!r}, port={self.port}, security={self.security!r})"

    def send(self, message: MailMessage) -> None:
        context = self._ssl_context or ssl.create_default_context()
        client: smtplib.SMTP
        if self.security == "ssl":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            client.ehlo()
            if self.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if self.username:
                secret = self._password.get_secret_value() if self._password else ""
                client.login(self.username, secret)
            client.send_message(message.to_email(self.sender))


class FileMailer:
    """Writes each message to ``directory`` as ``<time>-<id>.eml`` (development, tests)."""

    def __init__(self, directory: Path, *, sender: str) -> None:
        self.directory = Path(directory)
        self.sender = sender

    def __repr__(self) -> str:
        return f"FileMailer(directory={str(self.directory)!r})"

    def send(self, message: MailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{new_id()[:12]}.eml"
        # created private: the message holds a live reset or verification link
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(message.to_email(self.sender).as_bytes())
        logger.info("authgate wrote a message for %s to %s", message.to, path)


class LogMailer:
    """Writes each message to the ``authgate.mail`` log (development only)."""

    def __init__(self, *, sender: str = "authgate@localhost", level: int = logging.INFO) -> None:
        self.sender = sender
        self.level = level

    def send(self, message: MailMessage) -> None:
        logger.log(
            self.level,
            "authgate mail (development backend) to %s: %s\n%s",
            message.to,
            message.subject,
            message.text,
        )


class BackgroundMailer:
    """Sends through ``inner`` on a daemon thread, so a request never waits on SMTP.

    Besides speed this keeps "forgot password" answers equally fast whether or
    not a message was sent, which would otherwise tell an observer that the
    account exists. Failures are logged (without the message body).
    """

    def __init__(self, inner: Mailer) -> None:
        self.inner = inner

    def __repr__(self) -> str:
        return f"BackgroundMailer({self.inner!r})"

    def send(self, message: MailMessage) -> None:
        threading.Thread(target=self._deliver, args=(message,), daemon=True).start()

    def _deliver(self, message: MailMessage) -> None:
        try:
            self.inner.send(message)
        except Exception as error:
            logger.error("authgate could not send %r to %s: %s", message.subject, message.to, error)


def mailer_from_settings(settings: AuthgateSettings, *, background: bool = True) -> Mailer | None:
    """The configured mailer: SMTP if a host is set, else files if ``mail_dir`` is, else None.

    None means "no mail": pages then say that recovery goes through an
    administrator, and verification mails are not sent. SMTP is wrapped in
    ``BackgroundMailer`` unless ``background`` is False.
    """
    if settings.smtp_host:
        smtp = SmtpMailer.from_settings(settings)
        return BackgroundMailer(smtp) if background else smtp
    if settings.mail_dir is not None:
        return FileMailer(settings.mail_dir, sender=settings.mail_from)
    return None
