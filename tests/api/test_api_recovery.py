"""Forgot password, forgot username, reset and email verification through the API.

Mail goes to a folder (``mail_dir``, the ``FileMailer``); the tests read the
links out of the ``.eml`` files the way a user reads their inbox.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyotp
import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login, make_settings
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.root import Authgate

NEW_PASSWORD = "a brand new passphrase 2024"


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def settings(tmp_path: Path, mail_dir: Path) -> AuthgateSettings:
    return make_settings(tmp_path, mail_dir=mail_dir)


@pytest.fixture
def alice(service: Authgate) -> int:
    """Alice with an unverified address, and nothing in the mail folder yet.

    The address is added after registering: core mails a verification link on
    every self-registration with an address, and these tests count the
    messages that recovery sends.
    """
    user = service.accounts.register("alice", PASSWORD)
    return service.accounts.update_profile(user.id, email="alice@example.com").id


def inbox(mail_dir: Path) -> list[Message]:
    if not mail_dir.exists():
        return []
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(mail_dir.glob("*.eml"))]


def body_of(message: Message) -> str:
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    payload = (part or message).get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode()
    for sub in message.walk():
        data = sub.get_payload(decode=True)
        if isinstance(data, bytes) and sub.get_content_type() == "text/plain":
            return data.decode()
    raise AssertionError("no text part")


def token_in(message: Message) -> str:
    found = re.search(r"[?&]token=([^\s&\"<>]+)", body_of(message))
    assert found, body_of(message)
    return unquote(found.group(1))


def forgot(client: TestClient, login_name: str) -> Any:
    return client.post(f"{PREFIX}/password/forgot", json={"login": login_name})


def test_forgot_password_answers_alike_for_known_and_unknown_accounts(
    client: TestClient, alice: int, mail_dir: Path
) -> None:
    known, unknown = forgot(client, "alice"), forgot(client, "nobody")
    by_email = forgot(client, "ALICE@example.com")
    assert known.status_code == unknown.status_code == by_email.status_code == 202
    assert known.json() == unknown.json() == by_email.json()
    messages = inbox(mail_dir)
    assert len(messages) == 1  # one link a minute per account; nothing for "nobody"
    assert messages[0]["To"] == "alice@example.com"


def test_reset_ends_old_sessions_and_the_new_password_works(
    client: TestClient, alice: int, mail_dir: Path
) -> None:
    old = login(client)
    forgot(client, "alice")
    token = token_in(inbox(mail_dir)[-1])
    info = client.post(f"{PREFIX}/password/reset/inspect", json={"token": token})
    assert info.status_code == 200
    assert info.json()["username"] == "alice" and info.json()["mfa_required"] is False

    weak = client.post(f"{PREFIX}/password/reset", json={"token": token, "new_password": "abc"})
    assert_error(weak, 422, "weak_password")  # the link survives a refused password
    done = client.post(
        f"{PREFIX}/password/reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 200 and done.json() == {"username": "alice"}

    assert_error(
        client.get(f"{PREFIX}/me", headers=bearer(old["access_token"])), 401, "not_authenticated"
    )
    gone = client.post(f"{PREFIX}/refresh", json={"refresh_token": old["refresh_token"]})
    assert gone.status_code == 401
    assert login(client, password=NEW_PASSWORD)["access_token"]
    again = client.post(
        f"{PREFIX}/password/reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert_error(again, 401, "token_reused")


def test_a_reset_of_an_mfa_account_needs_a_code(
    client: TestClient, alice: int, mail_dir: Path, clock: FrozenClock
) -> None:
    headers = bearer(login(client)["access_token"])
    secret = client.post(f"{PREFIX}/mfa/enroll", headers=headers).json()["secret"]
    totp = pyotp.TOTP(secret)
    confirmed = client.post(
        f"{PREFIX}/mfa/enroll/confirm", json={"code": totp.at(clock.now())}, headers=headers
    )
    assert confirmed.status_code == 200
    clock.advance(timedelta(seconds=30))
    forgot(client, "alice")
    token = token_in(inbox(mail_dir)[-1])
    info = client.post(f"{PREFIX}/password/reset/inspect", json={"token": token}).json()
    assert info["mfa_required"] is True

    url = f"{PREFIX}/password/reset"
    body: dict[str, Any] = {"token": token, "new_password": NEW_PASSWORD}
    assert_error(client.post(url, json=body), 401, "mfa_required")
    assert_error(client.post(url, json={**body, "code": "000000"}), 401, "mfa_invalid_code")
    done = client.post(url, json={**body, "code": totp.at(clock.now())})
    assert done.status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        (
            "/password/reset",
            {"token": "made-up", "new_password": NEW_PASSWORD},
            401,
            "invalid_token",
        ),
        ("/password/reset", {"token": "made-up"}, 422, "invalid_input"),
        ("/password/reset", {"token": 1, "new_password": []}, 422, "invalid_input"),
        ("/password/reset/inspect", {"token": "made-up"}, 401, "invalid_token"),
        ("/password/reset/inspect", {"token": ""}, 422, "invalid_input"),
        ("/password/forgot", {"login": ""}, 422, "invalid_input"),
        ("/password/forgot", {"login": {"a": 1}}, 422, "invalid_input"),
        ("/username/forgot", {}, 422, "invalid_input"),
        ("/email/verify", {"token": "made-up"}, 401, "invalid_token"),
        ("/email/verify", {"token": "x" * 513}, 422, "invalid_input"),
    ],
)
def test_bad_recovery_input(
    client: TestClient, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    assert_error(client.post(f"{PREFIX}{path}", json=body), status, code)


def test_an_expired_reset_link_is_refused(
    client: TestClient, alice: int, mail_dir: Path, clock: FrozenClock
) -> None:
    forgot(client, "alice")
    token = token_in(inbox(mail_dir)[-1])
    clock.advance(timedelta(minutes=31))
    response = client.post(f"{PREFIX}/password/reset/inspect", json={"token": token})
    assert_error(response, 401, "token_expired")


def test_forgot_username_answers_alike_and_mails_the_name(
    client: TestClient, alice: int, mail_dir: Path
) -> None:
    url = f"{PREFIX}/username/forgot"
    known = client.post(url, json={"email": "alice@example.com"})
    unknown = client.post(url, json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    (message,) = inbox(mail_dir)
    assert "alice" in body_of(message)


def test_email_verification_link_and_resend(
    client: TestClient, alice: int, mail_dir: Path, service: Authgate
) -> None:
    headers = bearer(login(client)["access_token"])
    sent = client.post(f"{PREFIX}/email/verify/resend", headers=headers)
    assert sent.status_code == 202 and sent.json() == {"sent": True}
    again = client.post(f"{PREFIX}/email/verify/resend", headers=headers)
    assert again.json() == {"sent": False}  # at most one link a minute
    token = token_in(inbox(mail_dir)[-1])
    done = client.post(f"{PREFIX}/email/verify", json={"token": token})
    assert done.status_code == 200
    assert done.json() == {"username": "alice", "email_verified": True}
    assert_error(client.post(f"{PREFIX}/email/verify", json={"token": token}), 401, "token_reused")
    assert client.get(f"{PREFIX}/me", headers=headers).json()["email_verified"] is True
    assert_error(client.post(f"{PREFIX}/email/verify/resend"), 401, "not_authenticated")


# -- without a mail configuration ------------------------------------------------------------


@pytest.fixture
def mailless(tmp_path: Path) -> Iterator[TestClient]:
    service = Authgate.from_settings(make_settings(tmp_path / "nomail"))
    service.accounts.register("alice", PASSWORD, email="alice@example.com")
    app = create_api(service)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    service.close()


def test_without_mail_recovery_is_by_an_administrator(mailless: TestClient) -> None:
    for path, body in [
        ("/password/forgot", {"login": "alice"}),
        ("/username/forgot", {"email": "a@b.c"}),
    ]:
        detail = assert_error(
            mailless.post(f"{PREFIX}{path}", json=body), 403, "recovery_not_configured"
        )
        assert "administrator" in detail["message"]
    unknown = mailless.post(f"{PREFIX}/password/forgot", json={"login": "nobody"})
    assert_error(unknown, 403, "recovery_not_configured")  # same answer: nothing leaks
    headers = bearer(login(mailless)["access_token"])
    resend = mailless.post(f"{PREFIX}/email/verify/resend", headers=headers)
    assert_error(resend, 403, "mail_not_configured")


def test_register_with_an_address_mails_a_verification_link(
    client: TestClient, mail_dir: Path
) -> None:
    created = client.post(
        f"{PREFIX}/register",
        json={"username": "vera", "password": "verify-me-2026!", "email": "vera@example.com"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["email_verified"] is False
    (message,) = inbox(mail_dir)
    assert message["To"] == "vera@example.com"
    done = client.post(f"{PREFIX}/email/verify", json={"token": token_in(message)})
    assert done.status_code == 200, done.text
    assert done.json() == {"username": "vera", "email_verified": True}


def test_register_without_an_address_mails_nothing(client: TestClient, mail_dir: Path) -> None:
    created = client.post(
        f"{PREFIX}/register", json={"username": "nomail", "password": "no-mail-here-2026!"}
    )
    assert created.status_code == 201, created.text
    assert inbox(mail_dir) == []
