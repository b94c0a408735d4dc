"""SmtpMailer against a real local SMTP server (aiosmtpd): plain, STARTTLS, TLS, AUTH.

The last test runs "forgot password" end to end: the message the server
received carries a link whose token resets the password.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import smtplib
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from authgate.config import AuthgateSettings
from authgate.core.recovery.mail import (
    BackgroundMailer,
    MailMessage,
    SmtpMailer,
    mailer_from_settings,
)
from authgate.core.recovery.password_reset import AccountRecovery
from authgate.errors import ConfigurationError
from authgate.root import Authgate

SENDER = "authgate <no-reply@example.org>"
MESSAGE = MailMessage(to="alice@example.com", subject="Hello", text="Body line\n")


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    def text(value: str | bytes) -> str:
        return value.decode() if isinstance(value, bytes) else value

    ok = isinstance(data, LoginPassword) and (text(data.login), text(data.password)) == (
        "mailer",
        "s3cret",
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[tuple[RecordingHandler, int]]:
    """A plain SMTP server on a free 127.0.0.1 port (like a local relay)."""
    handler, port = RecordingHandler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_plain_delivery_to_a_local_relay(smtp_server: tuple[RecordingHandler, int]) -> None:
    handler, port = smtp_server
    SmtpMailer("127.0.0.1", port, sender=SENDER, security="none").send(MESSAGE)
    (got,) = handler.received
    assert got.sender == "no-reply@example.org" and got.recipients == ["alice@example.com"]
    assert got.message["Subject"] == "Hello" and got.message["From"] == SENDER
    assert got.message["Message-ID"] and got.message["Date"]
    assert got.message.get_content().replace("\r\n", "\n") == "Body line\n"


def test_html_alternative_travels_with_the_text(smtp_server: tuple[RecordingHandler, int]) -> None:
    handler, port = smtp_server
    message = MailMessage(to="a@example.com", subject="Hi", text="plain\n", html="<p>rich</p>")
    SmtpMailer("127.0.0.1", port, sender=SENDER, security="none").send(message)
    body = handler.received[0].message
    plain = body.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert plain.replace("\r\n", "\n") == "plain\n"
    assert "<p>rich</p>" in body.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_starttls_with_authentication(certificate: tuple[Path, Path]) -> None:
    handler, port = RecordingHandler(), free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=check_login,
        auth_required=True,
    )
    controller.start()
    try:
        mailer = SmtpMailer(
            "127.0.0.1",
            port,
            sender=SENDER,
            security="starttls",
            username="mailer",
            password=SecretStr("s3cret"),
            ssl_context=client_context(certificate),
        )
        mailer.send(MESSAGE)
        assert len(handler.received) == 1
        wrong = SmtpMailer(
            "127.0.0.1",
            port,
            sender=SENDER,
            username="mailer",
            password=SecretStr("wrong"),
            ssl_context=client_context(certificate),
        )
        with pytest.raises(smtplib.SMTPAuthenticationError):
            wrong.send(MESSAGE)
        assert len(handler.received) == 1
    finally:
        controller.stop()


def test_starttls_refuses_a_server_without_tls(smtp_server: tuple[RecordingHandler, int]) -> None:
    """No silent downgrade: credentials never cross a connection that stayed plain."""
    handler, port = smtp_server
    mailer = SmtpMailer(
        "127.0.0.1", port, sender=SENDER, username="mailer", password=SecretStr("s3cret")
    )
    with pytest.raises(smtplib.SMTPNotSupportedError):
        mailer.send(MESSAGE)
    assert handler.received == []


def test_starttls_refuses_an_untrusted_certificate(certificate: tuple[Path, Path]) -> None:
    handler, port = RecordingHandler(), free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=server_context(certificate)
    )
    controller.start()
    try:
        with pytest.raises(ssl.SSLError):
            SmtpMailer("127.0.0.1", port, sender=SENDER).send(MESSAGE)  # system trust store
        assert handler.received == []
    finally:
        controller.stop()


def test_implicit_tls(certificate: tuple[Path, Path]) -> None:
    handler, port = RecordingHandler(), free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, ssl_context=server_context(certificate)
    )
    controller.start()
    try:
        SmtpMailer(
            "127.0.0.1",
            port,
            sender=SENDER,
            security="ssl",
            ssl_context=client_context(certificate),
        ).send(MESSAGE)
        assert len(handler.received) == 1
    finally:
        controller.stop()


def test_configuration_builds_the_mailer_and_hides_the_password(tmp_path: Path) -> None:
    settings = AuthgateSettings(
        data_dir=tmp_path,
        smtp_host="mail.example.org",
        smtp_port=465,
        smtp_security="ssl",
        smtp_username="mailer",
        smtp_password="hunter2-hunter2",  # type: ignore[arg-type]
        mail_from="Acme <auth@acme.example>",
    )
    background = mailer_from_settings(settings)
    assert isinstance(background, BackgroundMailer)
    smtp = mailer_from_settings(settings, background=False)
    assert isinstance(smtp, SmtpMailer)
    assert (smtp.host, smtp.port, smtp.security, smtp.sender) == (
        "mail.example.org",
        465,
        "ssl",
        "Acme <auth@acme.example>",
    )
    assert "hunter2" not in repr(smtp) and "hunter2" not in repr(background)
    assert "hunter2" not in repr(settings)


def test_bad_smtp_configuration_fails_in_the_constructor() -> None:
    with pytest.raises(ConfigurationError):
        SmtpMailer("", 25, sender=SENDER)
    with pytest.raises(ConfigurationError):
        SmtpMailer("h", 25, sender=SENDER, security="tls")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        SmtpMailer("h", 25, sender=SENDER, password=SecretStr("x"))
    with pytest.raises(ConfigurationError):  # credentials in clear over the network
        SmtpMailer("mail.example.org", 25, sender=SENDER, security="none", username="u")
    SmtpMailer("localhost", 25, sender=SENDER, security="none", username="u")  # a local relay


def test_forgot_password_end_to_end_through_smtp(
    smtp_server: tuple[RecordingHandler, int], service_factory: Any
) -> None:
    handler, port = smtp_server
    service: Authgate = service_factory(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        public_url="https://app.example.org/",
        mail_from=SENDER,
    )
    # created by an admin: a self-registration would also mail a verification link (from core)
    old = service.accounts.register(
        "alice", "correct horse battery", email="alice@example.com", actor_id=0
    )
    session = service.logins.password("alice", "correct horse battery").token
    recovery = AccountRecovery(
        uow=service.uow,
        passwords=service.passwords,
        policy=service.policy,
        lockout=service.lockout,
        mfa=service.mfa,
        mailer=mailer_from_settings(service.settings, background=False),
        public_url=service.settings.public_url,
        site_name=service.settings.mfa_issuer,
    )
    recovery.request_password_reset("alice")
    recovery.request_password_reset("nobody@example.com")
    (got,) = handler.received
    assert got.recipients == ["alice@example.com"]
    text = got.message.get_content()
    link = re.search(r"https://app\.example\.org/reset-password\?token=\S+", text)
    assert link, text
    token = parse_qs(urlparse(link.group(0)).query)["token"][0]
    recovery.reset_password(token, "purple monkey dishwasher")
    assert service.logins.password("alice", "purple monkey dishwasher").user.id == old.id
    assert service.sessions.list_for(old.id)[0].id != session
    assert len(service.sessions.list_for(old.id)) == 1  # only the new login
