"""Email verification: 24-hour single-use links, admin verification, the login setting."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from authgate.core.clock import FrozenClock
from authgate.core.recovery.email_verification import EmailVerification
from authgate.core.recovery.mail import Mailer, MailMessage
from authgate.errors import (
    EmailNotVerified,
    InvalidCredentials,
    InvalidToken,
    TokenExpired,
    TokenReused,
    UserNotFound,
)
from authgate.root import Authgate

GOOD = "correct horse battery"


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[MailMessage] = []

    def send(self, message: MailMessage) -> None:
        self.sent.append(message)


def token_in(message: MailMessage) -> str:
    match = re.search(r"https?://\S+", message.text)
    assert match, message.text
    assert match.group(0).startswith("http://localhost:8501/verify-email?token=")
    return parse_qs(urlparse(match.group(0)).query)["token"][0]


def verification_with(service: Authgate, mailer: Mailer | None) -> EmailVerification:
    """The service's email verification, sending through ``mailer``."""
    return EmailVerification(
        uow=service.uow,
        mailer=mailer,
        public_url=service.settings.public_url,
        site_name=service.settings.mfa_issuer,
    )


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer()


@pytest.fixture
def verification(service: Authgate, mailer: RecordingMailer) -> EmailVerification:
    return verification_with(service, mailer)


def test_link_after_registration_verifies_the_address_once(
    service: Authgate, verification: EmailVerification, mailer: RecordingMailer
) -> None:
    user = service.accounts.register("alice", GOOD, email="alice@example.com")
    assert not user.email_verified
    assert verification.send_verification_email(user.id) is True
    (message,) = mailer.sent
    assert message.to == "alice@example.com" and "24 hours" in message.text
    token = token_in(message)
    verified = verification.verify_email(token, ip="10.0.0.3")
    assert verified.email_verified and service.accounts.get_user(user.id).email_verified  # type: ignore[union-attr]
    with pytest.raises(TokenReused):
        verification.verify_email(token)
    (sent,) = service.audit.list(event_type="email.verification_sent")
    (done,) = service.audit.list(event_type="email.verified")
    assert sent.user_id == done.user_id == user.id
    assert (done.detail, done.ip, done.actor_id) == ({"method": "link"}, "10.0.0.3", None)
    assert token not in str(sent.detail)


def test_the_link_expires_after_a_day(
    service: Authgate,
    verification: EmailVerification,
    mailer: RecordingMailer,
    clock: FrozenClock,
) -> None:
    user = service.accounts.register("alice", GOOD, email="alice@example.com")
    verification.send_verification_email(user.id)
    clock.advance(hours=24)
    with pytest.raises(TokenExpired):
        verification.verify_email(token_in(mailer.sent[0]))


def test_the_link_proves_nothing_about_a_changed_address(
    service: Authgate, verification: EmailVerification, mailer: RecordingMailer
) -> None:
    user = service.accounts.register("alice", GOOD, email="alice@example.com")
    verification.send_verification_email(user.id)
    service.accounts.update_profile(user.id, email="other@example.com")
    with pytest.raises(InvalidToken):
        verification.verify_email(token_in(mailer.sent[0]))
    assert not service.accounts.get_user(user.id).email_verified  # type: ignore[union-attr]


@pytest.mark.parametrize("token", ["", "nope", None, 3, "y" * 2000])
def test_bad_tokens_are_invalid_tokens(sqlite_service: Authgate, token: object) -> None:
    with pytest.raises(InvalidToken):
        verification_with(sqlite_service, None).verify_email(token)  # type: ignore[arg-type]


def test_nothing_to_send(sqlite_service: Authgate, clock: FrozenClock) -> None:
    mailer = RecordingMailer()
    verification = verification_with(sqlite_service, mailer)
    no_email = sqlite_service.accounts.register("nomail", GOOD).id
    alice = sqlite_service.accounts.register("alice", GOOD, email="alice@example.com").id
    assert verification.send_verification_email(no_email) is False
    no_mailer = verification_with(sqlite_service, None)
    assert no_mailer.send_verification_email(alice) is False
    assert verification.send_verification_email(alice) is True
    assert verification.send_verification_email(alice) is False  # within a minute
    clock.advance(minutes=1, seconds=1)
    assert verification.send_verification_email(alice) is True
    verification.verify_email(token_in(mailer.sent[-1]))
    assert verification.send_verification_email(alice) is False  # already verified
    with pytest.raises(UserNotFound):
        verification.send_verification_email(9999)
    assert len(mailer.sent) == 2


def test_an_admin_can_mark_an_address_verified(service: Authgate) -> None:
    admin = service.accounts.register("root", GOOD + "!", roles=["admin"], actor_id=0).id
    user = service.accounts.register("alice", GOOD, email="alice@example.com")
    result = verification_with(service, None).mark_email_verified(user.id, actor_id=admin)
    assert result.email_verified
    (event,) = service.audit.list(event_type="email.verified")
    assert (event.user_id, event.actor_id, event.detail) == (user.id, admin, {"method": "admin"})
    with pytest.raises(UserNotFound):
        verification_with(service, None).mark_email_verified(9999, actor_id=admin)


def test_login_requires_a_verified_address_when_configured(service_factory) -> None:  # type: ignore[no-untyped-def]
    service = service_factory(require_verified_email=True)
    mailer = RecordingMailer()
    verification = verification_with(service, mailer)
    user = service.accounts.register("alice", GOOD, email="alice@example.com")
    with pytest.raises(InvalidCredentials):  # a wrong password reveals nothing more
        service.logins.password("alice", "wrong password!")
    with pytest.raises(EmailNotVerified):
        service.logins.password("alice", GOOD)
    (refused, _) = service.audit.list(event_type="login.failed")
    assert refused.detail == {"reason": "email_not_verified"}
    verification.send_verification_email(user.id)
    verification.verify_email(token_in(mailer.sent[0]))
    assert service.logins.password("alice", GOOD).user.email_verified


def test_unverified_users_log_in_by_default(sqlite_service: Authgate) -> None:
    sqlite_service.accounts.register("alice", GOOD, email="alice@example.com")
    assert not sqlite_service.logins.password("alice", GOOD).user.email_verified
