"""The demo's "Forgot password?" end to end: mail lands in a folder, its link opens this app.

The demo runs on a random port with no ``AUTHGATE_PUBLIC_URL``, so a link
that works proves the address came from the browser's request, not from a
default of ``http://localhost:8501``.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import heading, log_in, logged_in

from authgate.streamlit import texts

pytestmark = pytest.mark.browser


def _wait_for_mail(folder: Path, timeout: float = 15) -> EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.eml")) if folder.exists() else []
        if files:
            message = email.message_from_bytes(files[-1].read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            return message
        time.sleep(0.1)
    raise AssertionError(f"no mail in {folder}")


def test_reset_link_points_at_the_running_app_and_the_form_takes_enter(
    demo_server: Any, context: Any
) -> None:
    service = demo_server.service()
    try:
        service.accounts.register("forgetful", "forgotten-2026", email="forgetful@example.com")
    finally:
        service.close()
    page = context.new_page()
    page.goto(demo_server.url)
    mail_dir = demo_server.workdir / "data" / "mail"
    page.get_by_text(str(mail_dir.resolve())).wait_for()  # the demo says where mail goes

    page.goto(f"{demo_server.url}/forgot-password")
    page.get_by_role("textbox", name=texts.FORGOT_LOGIN, exact=True).fill("forgetful")
    page.get_by_role("textbox", name=texts.FORGOT_LOGIN, exact=True).press("Enter")
    page.get_by_text(texts.FORGOT_SENT).wait_for()
    body = _wait_for_mail(mail_dir).get_body(("plain",))
    assert body is not None
    found = re.search(r"(\S+/reset-password\?token=\S+)", body.get_content())
    assert found is not None
    link = found.group(1)
    assert link.startswith(f"{demo_server.url}/reset-password?token="), link

    page.goto(link)
    heading(page, texts.RESET_TITLE).wait_for()
    page.get_by_role("textbox", name=texts.NEW_PASSWORD, exact=True).click()
    page.keyboard.type("remembered-now-2026")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the show-password toggle
    page.keyboard.type("remembered-now-2026")
    page.keyboard.press("Enter")
    page.get_by_text(texts.RESET_DONE).wait_for()

    log_in(page, demo_server.url, "forgetful", "remembered-now-2026")
    assert logged_in(page).count() == 1
