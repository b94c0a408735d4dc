"""Two-factor authentication and the recovery pages in headless Chromium, on one demo server.

Codes come from pyotp on the secret read off the Account page. A six-digit
code for the *next* 30-second step is inside the server's ±1-step tolerance,
so the tests never sleep for a new step: the enrolment uses the current
step's code, the login the next step's, and the replay re-sends that one.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pyotp
import pytest
from e2e_helpers import (
    DemoServer,
    fill_login,
    heading,
    log_in,
    logged_in,
    settled,
    wait_for_cookie,
)
from playwright.sync_api import expect

from authgate.streamlit import texts

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts"
PASSWORD = "second-factor-2026"
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo with a mail folder, so "forgot password" sends its links there."""
    workdir = tmp_path_factory.mktemp("demo-mfa")
    server = DemoServer(workdir, env={"AUTHGATE_MAIL_DIR": str(workdir / "mail")})
    server.env["AUTHGATE_PUBLIC_URL"] = server.url
    server.start()
    yield server
    server.stop()


def _new_user(server: Any, email_address: str | None = None) -> str:
    name = f"mfa{next(_numbers)}"
    service = server.service()
    try:
        service.accounts.register(name, PASSWORD, email=email_address)
    finally:
        service.close()
    return name


def _reset_link(server: Any, address: str, timeout: float = 15) -> str:
    """The link in the newest message to ``address`` in the server's mail folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted((server.workdir / "mail").rglob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            body = message.get_body(("plain",))
            if address in str(message["To"]) and body is not None:
                text = body.get_content()
                return "http" + str(text.split("http", 1)[1].split()[0])
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address}")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    settled(page)
    page.screenshot(path=str(SHOTS / f"mfa-{name}.png"), full_page=True)


def _code_box(page: Any) -> Any:
    return page.get_by_role("textbox", name=texts.MFA_CODE, exact=True)


def _enrol(page: Any, base_url: str) -> tuple[str, list[str]]:
    """Turn MFA on through the Account page; return the secret and the recovery codes."""
    page.goto(f"{base_url}/account")
    page.get_by_role("button", name=texts.MFA_START, exact=True).click()
    page.get_by_text(texts.MFA_SECRET_LABEL, exact=True).wait_for()
    secret = page.locator("[data-testid=stCode]").first.inner_text().strip()
    assert len(secret) == 32
    expect(page.locator("[data-testid=stImage] img")).to_have_count(1)
    _shot(page, "enrol")
    _code_box(page).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=texts.MFA_CONFIRM, exact=True).click()
    page.get_by_text(texts.MFA_ENABLED).wait_for()
    expect(page.get_by_role("button", name=texts.MFA_CODES_DOWNLOAD)).to_have_count(1)
    codes = page.locator("[data-testid=stCode]").first.inner_text().split()
    assert len(codes) == 10
    _shot(page, "recovery-codes")
    page.get_by_role("button", name=texts.MFA_CODES_DONE, exact=True).click()
    page.get_by_text("Recovery codes left: 10").wait_for()
    return secret, codes


def _log_out(page: Any) -> None:
    settled(page)
    logged_in(page).click()
    page.get_by_text(texts.LOGGED_OUT).wait_for()
    wait_for_cookie(page.context, present=False)


def _password_step(page: Any, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/login")
    fill_login(page, name, PASSWORD)
    _code_box(page).wait_for()


def _submit_code(page: Any, code: str) -> None:
    _code_box(page).fill(code)
    page.get_by_role("button", name=texts.MFA_VERIFY, exact=True).click()


def _refused(page: Any) -> None:
    page.get_by_text("The authentication code is not valid.").wait_for()
    settled(page)
    expect(logged_in(page)).to_have_count(0)


def test_enrol_then_log_in_with_a_code_and_a_replay_is_refused(
    demo_server: Any, context: Any
) -> None:
    name = _new_user(demo_server)
    page = context.new_page()
    log_in(page, demo_server.url, name, PASSWORD)
    secret, _ = _enrol(page, demo_server.url)
    _log_out(page)

    _password_step(page, demo_server.url, name)
    _shot(page, "login-code-step")
    code = pyotp.TOTP(secret).at(time.time() + 30)  # next step: within the ±1 tolerance
    _submit_code(page, code)
    logged_in(page).wait_for()
    wait_for_cookie(context)
    page.reload()
    logged_in(page).wait_for()  # the cookie holds the MFA session
    _log_out(page)

    _password_step(page, demo_server.url, name)
    _submit_code(page, code)
    _refused(page)


def test_a_recovery_code_works_once(demo_server: Any, context: Any) -> None:
    name = _new_user(demo_server)
    page = context.new_page()
    log_in(page, demo_server.url, name, PASSWORD)
    _, codes = _enrol(page, demo_server.url)
    _log_out(page)

    _password_step(page, demo_server.url, name)
    _submit_code(page, codes[0])
    logged_in(page).wait_for()
    _log_out(page)

    _password_step(page, demo_server.url, name)
    _submit_code(page, codes[0])
    _refused(page)


def test_non_admin_cannot_reach_the_admin_page(demo_server: Any, context: Any) -> None:
    page = context.new_page()
    log_in(page, demo_server.url, "alice", "wonderland-2026")
    expect(page.get_by_role("link", name=texts.ADMIN_TITLE, exact=True)).to_have_count(0)
    page.goto(f"{demo_server.url}/admin")
    page.get_by_text(texts.FORBIDDEN).wait_for()
    expect(heading(page, texts.ADMIN_TITLE)).to_have_count(0)


def test_forgot_password_by_mail_then_log_in_with_the_new_one(
    demo_server: Any, context: Any, browser: Any
) -> None:
    address = f"reset{next(_numbers)}@example.com"
    name = _new_user(demo_server, address)
    elsewhere = browser.new_context()
    try:
        old = elsewhere.new_page()
        log_in(old, demo_server.url, name, PASSWORD)

        page = context.new_page()
        page.goto(f"{demo_server.url}/forgot-password")
        page.get_by_role("textbox", name=texts.FORGOT_LOGIN).fill(name)
        page.get_by_role("button", name=texts.FORGOT_SEND, exact=True).click()
        page.get_by_text(texts.FORGOT_SENT).wait_for()
        _shot(page, "forgot-password")

        link = _reset_link(demo_server, address)
        assert "/reset-password?token=" in link
        page.goto(link)
        page.get_by_text(f"Choose a new password for {name}.").wait_for()
        settled(page)
        assert "token" not in page.url
        _shot(page, "reset-password")
        new_password = "a-much-newer-secret-2026"
        page.get_by_role("textbox", name=texts.NEW_PASSWORD, exact=True).fill(new_password)
        page.get_by_role("textbox", name=texts.CONFIRM_NEW_PASSWORD, exact=True).fill(new_password)
        page.get_by_role("button", name=texts.RESET_SUBMIT, exact=True).click()
        page.get_by_text(texts.RESET_DONE).wait_for()

        log_in(page, demo_server.url, name, new_password)
        old.get_by_role("link", name="Chat").click()  # the old session ended with the reset
        old.get_by_text(texts.SESSION_ENDED).wait_for()
    finally:
        elsewhere.close()


def test_admin_disables_a_user_who_is_then_logged_out(
    demo_server: Any, context: Any, browser: Any
) -> None:
    name = _new_user(demo_server)
    elsewhere = browser.new_context()
    try:
        victim = elsewhere.new_page()
        log_in(victim, demo_server.url, name, PASSWORD)

        page = context.new_page()
        log_in(page, demo_server.url, "admin", "gatekeeper-2026", path="admin")
        heading(page, texts.ADMIN_TITLE).wait_for()
        page.get_by_test_id("stSelectbox").filter(has_text=texts.ADMIN_PICK_USER).first.click()
        # The list is virtualised (only the options in view exist): type to filter it,
        # as a person would with many users, so the one wanted is always drawn.
        page.keyboard.type(name)
        page.get_by_role("option", name=name, exact=True).click()
        settled(page)
        _shot(page, "admin-users")
        page.get_by_role("button", name=texts.ADMIN_DISABLE, exact=True).click()
        page.get_by_text(texts.ADMIN_DISABLED.format(username=name)).wait_for()

        victim.get_by_role("link", name="Chat").click()
        victim.get_by_text(texts.SESSION_ENDED).wait_for()
        expect(logged_in(victim)).to_have_count(0)
        page.get_by_role("tab", name=texts.ADMIN_TAB_AUDIT).click()
        page.get_by_text(texts.ADMIN_LOGINS_CHART).wait_for()
        _shot(page, "admin-audit")
    finally:
        elsewhere.close()
