"""Development mail backends, the choice from settings, and the message templates."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from pydantic import ValidationError

from authgate.config import AuthgateSettings
from authgate.core.recovery import mail_templates
from authgate.core.recovery.mail import (
    BackgroundMailer,
    FileMailer,
    LogMailer,
    MailMessage,
    mailer_from_settings,
)
from authgate.core.recovery.mailing import FALLBACK_PUBLIC_URL, link, request_public_url

MESSAGE = MailMessage(to="alice@example.com", subject="Reset", text="Open https://x/y?token=t\n")


def test_file_mailer_writes_one_private_eml_per_message(tmp_path: Path) -> None:
    mailer = FileMailer(tmp_path / "outbox", sender="authgate <a@example.org>")
    mailer.send(MESSAGE)
    mailer.send(MESSAGE)
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2
    assert files[0].stat().st_mode & 0o777 == 0o600
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] == "alice@example.com" and parsed["From"] == "authgate <a@example.org>"
    assert "token=t" in parsed.get_body().get_content()  # type: ignore[union-attr]


def test_log_mailer_writes_to_the_mail_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="authgate.mail")
    LogMailer().send(MESSAGE)
    assert "alice@example.com" in caplog.text and "token=t" in caplog.text


class SlowMailer:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.done = threading.Event()
        self.sent: list[MailMessage] = []

    def send(self, message: MailMessage) -> None:
        self.release.wait(5)
        self.sent.append(message)
        self.done.set()


def test_background_mailer_returns_before_delivery() -> None:
    inner = SlowMailer()
    BackgroundMailer(inner).send(MESSAGE)
    assert inner.sent == []  # the caller did not wait for the server
    inner.release.set()
    assert inner.done.wait(5) and inner.sent == [MESSAGE]


class FailingMailer:
    def __init__(self) -> None:
        self.tried = threading.Event()

    def send(self, message: MailMessage) -> None:
        self.tried.set()
        raise OSError("connection refused")


def test_background_failures_are_logged_without_the_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="authgate.mail")
    inner = FailingMailer()
    mailer = BackgroundMailer(inner)
    mailer.send(MESSAGE)
    assert inner.tried.wait(5)
    for _ in range(50):
        if "could not send" in caplog.text:
            break
        threading.Event().wait(0.02)
    assert "could not send" in caplog.text and "token=t" not in caplog.text


def test_mailer_from_settings(tmp_path: Path) -> None:
    assert mailer_from_settings(AuthgateSettings(data_dir=tmp_path)) is None
    files = mailer_from_settings(AuthgateSettings(data_dir=tmp_path, mail_dir=tmp_path / "mail"))
    assert isinstance(files, FileMailer) and files.directory == tmp_path / "mail"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("http://localhost:8501", "http://localhost:8501"),
        ("https://app.example.org/", "https://app.example.org"),
        (" https://example.org/apps/auth/ ", "https://example.org/apps/auth"),
    ],
)
def test_public_url_is_a_clean_base(tmp_path: Path, given: str, kept: str) -> None:
    assert AuthgateSettings(data_dir=tmp_path, public_url=given).public_url == kept


@pytest.mark.parametrize(
    "bad", ["localhost:8501", "ftp://example.org", "https://x.org/?a=1", "https://x.org/#f"]
)
def test_public_url_must_be_http(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValidationError):
        AuthgateSettings(data_dir=tmp_path, public_url=bad)


@pytest.mark.parametrize("unset", [None, "", "  "])
def test_public_url_is_optional(tmp_path: Path, unset: str | None) -> None:
    assert AuthgateSettings(data_dir=tmp_path, public_url=unset).public_url is None


def test_links_use_the_setting_then_the_request_then_the_fallback() -> None:
    assert link("https://set.example", "reset-password", "t") == (
        "https://set.example/reset-password?token=t"
    )
    with request_public_url("http://127.0.0.1:8765/"):
        assert link(None, "reset-password", "t") == "http://127.0.0.1:8765/reset-password?token=t"
        assert link("https://set.example", "x", "t").startswith("https://set.example/")
    assert link(None, "verify-email", "t") == f"{FALLBACK_PUBLIC_URL}/verify-email?token=t"


def test_production_without_a_public_url_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "k" + "0123456789abcdefghijklmnopqrstuvwxyz"
    with caplog.at_level("WARNING", logger="authgate.config"):
        AuthgateSettings(data_dir=tmp_path, mode="production", secret_key=secret)
    assert "AUTHGATE_PUBLIC_URL is unset in production" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="authgate.config"):
        AuthgateSettings(
            data_dir=tmp_path,
            mode="production",
            secret_key=secret,
            public_url="https://app.example.org",
        )
    assert "AUTHGATE_PUBLIC_URL" not in caplog.text


def test_demo_mode_writes_mail_to_a_folder_by_default(tmp_path: Path) -> None:
    demo = AuthgateSettings(data_dir=tmp_path, demo_mode=True)
    assert demo.mail_dir == tmp_path / "mail"
    files = mailer_from_settings(demo)
    assert isinstance(files, FileMailer) and files.directory == tmp_path / "mail"
    chosen = AuthgateSettings(data_dir=tmp_path, demo_mode=True, mail_dir=tmp_path / "elsewhere")
    assert chosen.mail_dir == tmp_path / "elsewhere"
    smtp = AuthgateSettings(data_dir=tmp_path, demo_mode=True, smtp_host="mail.example.org")
    assert smtp.mail_dir is None


def test_mail_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AUTHGATE_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("AUTHGATE_SMTP_PORT", "2525")
    monkeypatch.setenv("AUTHGATE_SMTP_SECURITY", "ssl")
    monkeypatch.setenv("AUTHGATE_SMTP_PASSWORD", "pw-pw-pw")
    monkeypatch.setenv("AUTHGATE_MFA_REQUIRED_ROLES", '["admin", "ops"]')
    monkeypatch.setenv("AUTHGATE_REQUIRE_VERIFIED_EMAIL", "true")
    settings = AuthgateSettings(data_dir=tmp_path)
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == (
        "smtp.example.org",
        2525,
        "ssl",
    )
    assert settings.mfa_required_roles == ("admin", "ops")
    assert settings.require_verified_email is True
    assert "pw-pw-pw" not in repr(settings)
    monkeypatch.setenv("AUTHGATE_SMTP_SECURITY", "tls")
    with pytest.raises(ValidationError):
        AuthgateSettings(data_dir=tmp_path)


def test_templates_place_the_link_and_say_how_long_it_lasts() -> None:
    reset = mail_templates.password_reset(
        to="a@example.com",
        username="alice",
        link="https://x/reset?token=abc",
        ttl=timedelta(minutes=30),
        site="Acme",
    )
    assert reset.subject == "Reset your Acme password"
    assert "https://x/reset?token=abc" in reset.text and "30 minutes" in reset.text
    assert "ignore this message" in reset.text
    verify = mail_templates.email_verification(
        to="a@example.com", username="alice", link="L", ttl=timedelta(hours=24), site="Acme"
    )
    assert "24 hours" in verify.text and "\nL\n" in verify.text
    reminder = mail_templates.username_reminder(to="a@example.com", usernames=["alice"], site="A")
    assert "  alice\n" in reminder.text and "username " in reminder.text
